package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;
import static tech.tablesaw.api.ColumnType.BOOLEAN;
import static tech.tablesaw.api.ColumnType.DOUBLE;
import static tech.tablesaw.api.ColumnType.INTEGER;
import static tech.tablesaw.api.ColumnType.LONG;
import static tech.tablesaw.api.ColumnType.STRING;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import io.foliolab.explore.Execution;
import io.foliolab.explore.ExecutionListener;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.sim.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tech.tablesaw.api.Table;

/**
 * A memory-pressure sweep: a grid of scenario × variant × pressure × parameter set × seed, each
 * cell one sampled exploration, run in parallel, summarised as one row per cell
 * ({@link #SCHEMA}).
 *
 * <p><b>Deterministic.</b> Cell {@code c}'s seed is derived from the grid seed and the cell's
 * coordinates (scenario, variant, parameters, pressure, seed number) by SipHash-2-4, never from
 * the thread that runs it; results are stored by cell number. So the same grid gives the same
 * table, byte for byte, whatever the number of threads.
 *
 * <p><b>Scheduler-independent figure.</b> Beside each sampled failure rate the table gives the
 * fraction of failing executions under exhaustive {@code dpor} for the same variant and
 * parameters (every Mazurkiewicz trace once, both alternatives of every pressure point), which
 * depends on neither the sampling scheduler nor the pressure level; and whether that search was
 * complete within its budget.
 */
public final class Sweep {
  private Sweep() {}

  /** One row per grid cell. */
  public static final Schema SCHEMA = Schema.of("sweep",
      "cell", INTEGER, "scenario", STRING, "variant", STRING, "params", STRING,
      "pressure", DOUBLE, "seed_index", INTEGER, "seed", LONG, "strategy", STRING,
      "executions", LONG, "failures", LONG, "ok", LONG, "bug", LONG, "oops", LONG, "hang", LONG,
      "deadlock", LONG, "corruption", LONG, "rate", DOUBLE, "ci_low", DOUBLE, "ci_high", DOUBLE,
      "retries_total", LONG, "executions_with_retries", LONG, "first_failure", STRING,
      "first_failure_message", STRING, "dpor_executions", LONG, "dpor_failures", LONG,
      "dpor_fraction", DOUBLE, "dpor_complete", BOOLEAN, "pressure_means", STRING);

  /**
   * The grid. Immutable.
   *
   * @param scenario the scenario
   * @param variants its variants to run
   * @param pressures pressure levels in [0, 1]
   * @param params parameter sets (name -> value text; an empty map means the defaults)
   * @param seeds seeds per (variant, params, pressure): cells with seed numbers 0..seeds-1
   * @param strategy a sampling strategy ({@code random:N} or {@code pct:N:D}): N executions
   *     per cell
   * @param gridSeed the seed all cell seeds derive from
   * @param dporBudget executions allowed to each reference {@code dpor} search (0: none is run)
   */
  public record Grid(Scenario scenario, ImmutableList<String> variants,
      ImmutableList<Double> pressures, ImmutableList<ImmutableMap<String, String>> params,
      int seeds, Strategy strategy, long gridSeed, long dporBudget) {
    public Grid {
      Objects.requireNonNull(scenario, "scenario");
      checkArgument(!variants.isEmpty(), "a sweep needs at least one variant");
      variants.forEach(scenario::checkVariant);
      checkArgument(!pressures.isEmpty(), "a sweep needs at least one pressure level");
      for (double p : pressures) {
        checkArgument(p >= 0 && p <= 1, "pressure %s must be in [0, 1]", p);
      }
      checkArgument(!params.isEmpty(), "a sweep needs at least one parameter set (empty map:"
          + " the defaults)");
      for (Map<String, String> p : params) {
        Params.resolve(scenario.name(), scenario.params(), p);
      }
      checkArgument(seeds >= 1, "seeds %s must be >= 1", seeds);
      checkArgument(strategy instanceof Strategy.Random || strategy instanceof Strategy.Pct,
          "sweep strategy %s must be random:N or pct:N:D", strategy);
      checkArgument(dporBudget >= 0, "dpor budget %s must be >= 0", dporBudget);
    }

    /** A grid over the default parameters with one seed. */
    public static Grid of(Scenario scenario, List<String> variants, List<Double> pressures,
        Strategy strategy, long gridSeed) {
      return new Grid(scenario, ImmutableList.copyOf(variants), ImmutableList.copyOf(pressures),
          ImmutableList.of(ImmutableMap.of()), 1, strategy, gridSeed, 100_000);
    }

    public Grid withParams(List<? extends Map<String, String>> sets) {
      return new Grid(scenario, variants, pressures, sets.stream().map(ImmutableMap::copyOf)
          .collect(ImmutableList.toImmutableList()), seeds, strategy, gridSeed, dporBudget);
    }

    public Grid withSeeds(int n) {
      return new Grid(scenario, variants, pressures, params, n, strategy, gridSeed, dporBudget);
    }

    public Grid withDporBudget(long n) {
      return new Grid(scenario, variants, pressures, params, seeds, strategy, gridSeed, n);
    }

    /** Number of cells. */
    public int cells() {
      return variants.size() * params.size() * pressures.size() * seeds;
    }

    /** Executions per cell. */
    public long runsPerCell() {
      return strategy instanceof Strategy.Random r ? r.n() : ((Strategy.Pct) strategy).n();
    }

    /** Cell {@code c}'s coordinates; cells run variant-major, then params, pressure, seed. */
    public Cell cell(int c) {
      checkArgument(c >= 0 && c < cells(), "cell %s not in [0, %s)", c, cells());
      int seed = c % seeds;
      int rest = c / seeds;
      int p = rest % pressures.size();
      rest /= pressures.size();
      int k = rest % params.size();
      int v = rest / params.size();
      Params resolved = Params.resolve(scenario.name(), scenario.params(), params.get(k));
      String key = gridSeed + "|" + scenario.name() + "|" + variants.get(v) + "|" + resolved + "|"
          + Double.toString(pressures.get(p)) + "|" + seed;
      long cellSeed = Hashing.sipHash24().hashString(key, StandardCharsets.UTF_8).asLong();
      return new Cell(c, variants.get(v), k, resolved, pressures.get(p), seed, cellSeed);
    }
  }

  /** One cell's coordinates and its derived seed. */
  public record Cell(int number, String variant, int paramsIndex, Params params, double pressure,
      int seedIndex, long seed) {}

  /** Receives progress; called from worker threads, one call at a time. */
  @FunctionalInterface
  public interface Progress {
    /** {@code done} of {@code total} executions (reference dpor searches not counted). */
    void update(long done, long total, int cellsDone, int cellsTotal);

    Progress NONE = (d, t, c, ct) -> { };
  }

  /** The result: the table (one row per cell, in cell order) and the wall-clock time. */
  public record Result(Table table, double seconds) {}

  /**
   * Runs {@code grid} on {@code threads} threads.
   *
   * @throws IllegalArgumentException for a bad thread count
   * @throws InterruptedException if interrupted: the running explorations stop at their next
   *     execution record and the pool is shut down
   */
  public static Result run(Grid grid, int threads, Progress progress)
      throws InterruptedException {
    checkArgument(threads >= 1 && threads <= 256, "threads %s must be in [1, 256]", threads);
    long t0 = System.nanoTime();
    int cells = grid.cells();
    long total = (long) cells * grid.runsPerCell();
    AtomicLong done = new AtomicLong();
    AtomicInteger cellsDone = new AtomicInteger();
    Object progressLock = new Object();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutionListener stopper = e -> {
      if (stop.get()) {
        throw new CancellationException("sweep interrupted");
      }
    };

    // Reference dpor per (variant, params), run first (they are usually small).
    int refs = grid.variants().size() * grid.params().size();
    Summary[] dpor = new Summary[refs];
    int perTask = Math.max(1, threads / Math.max(1, Math.min(cells, threads)));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "foliolab-sweep");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      if (grid.dporBudget() > 0) {
        for (int v = 0; v < grid.variants().size(); v++) {
          for (int k = 0; k < grid.params().size(); k++) {
            int ref = v * grid.params().size() + k;
            String variant = grid.variants().get(v);
            Params params = Params.resolve(grid.scenario().name(), grid.scenario().params(),
                grid.params().get(k));
            fs.add(pool.submit(() -> {
              dpor[ref] = Explorer.explore(grid.scenario().model(variant, params),
                  new Strategy.Dpor(), Options.defaults().withMaxExecutions(grid.dporBudget()),
                  stopper);
            }));
          }
        }
      }
      Object[][] rows = new Object[cells][];
      for (int c = 0; c < cells; c++) {
        int cell = c;
        fs.add(pool.submit(() -> {
          Cell k = grid.cell(cell);
          Tally tally = new Tally(done, stop, () -> {
            synchronized (progressLock) {
              progress.update(done.get(), total, cellsDone.get(), cells);
            }
          });
          Options o = Options.defaults().withSeed(k.seed()).withPressure(k.pressure())
              .withWorkers(perTask);
          Explorer.explore(grid.scenario().model(k.variant(), k.params()), grid.strategy(), o,
              tally);
          tally.flush();
          rows[cell] = tally.row(grid, k);
          cellsDone.incrementAndGet();
          synchronized (progressLock) {
            progress.update(done.get(), total, cellsDone.get(), cells);
          }
        }));
      }
      for (Future<?> f : fs) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
      Table t = SCHEMA.emptyTable();
      for (int c = 0; c < cells; c++) {
        Cell k = grid.cell(c);
        Summary d = grid.dporBudget() > 0
            ? dpor[grid.variants().indexOf(k.variant()) * grid.params().size() + k.paramsIndex()]
            : null;
        Object[] row = rows[c];
        row[row.length - 5] = d == null ? null : d.executions();
        row[row.length - 4] = d == null ? null : d.failures();
        row[row.length - 3] = d == null || d.executions() == 0 ? null
            : (double) d.failures() / d.executions();
        row[row.length - 2] = d == null ? null : d.complete();
        ExecutionTable.appendRow(t, row);
      }
      return new Result(t, (System.nanoTime() - t0) / 1e9);
    } finally {
      // On an interrupt or a failure, running explorations stop at their next record.
      stop.set(true);
      pool.shutdownNow();
    }
  }

  /** Per-cell aggregation of the streamed executions: bounded memory. */
  private static final class Tally implements ExecutionListener {
    private final AtomicLong global;
    private final AtomicBoolean stop;
    private final Runnable report;
    private final long[] outcomes = new long[Outcome.values().length];
    private long n;
    private long pending;
    private long retries;
    private long withRetries;
    private Execution firstFailure;

    Tally(AtomicLong global, AtomicBoolean stop, Runnable report) {
      this.global = global;
      this.stop = stop;
      this.report = report;
    }

    @Override
    public void accept(Execution e) {
      if ((n & 255) == 0 && stop.get()) {
        throw new CancellationException("sweep interrupted");
      }
      n++;
      outcomes[e.outcome().ordinal()]++;
      int r = e.totalRetries();
      retries += r;
      if (r > 0) {
        withRetries++;
      }
      if (firstFailure == null && e.failed()) {
        firstFailure = e;
      }
      if (++pending == 4096) {
        flush();
        report.run();
      }
    }

    void flush() {
      global.addAndGet(pending);
      pending = 0;
    }

    Object[] row(Grid g, Cell k) {
      long failures = n - outcomes[Outcome.OK.ordinal()];
      Wilson w = Wilson.of(failures, n);
      return new Object[] {k.number(), g.scenario().name(), k.variant(), k.params().toString(),
          k.pressure(), k.seedIndex(), k.seed(), g.strategy().toString(), n, failures,
          outcomes[Outcome.OK.ordinal()], outcomes[Outcome.BUG.ordinal()],
          outcomes[Outcome.OOPS.ordinal()], outcomes[Outcome.HANG.ordinal()],
          outcomes[Outcome.DEADLOCK.ordinal()], outcomes[Outcome.CORRUPTION.ordinal()],
          w.rate(), w.low(), w.high(), retries, withRetries,
          firstFailure == null ? "" : firstFailure.schedule(),
          firstFailure == null ? "" : firstFailure.message(), null, null, null, null,
          g.scenario().pressure()};
    }
  }

  /**
   * Pressure levels {@code from, from + step, ..., to} (inclusive, within 1e-9), rounded to 12
   * decimal places so that 0.1 steps print as 0.3, not 0.30000000000000004.
   *
   * @throws IllegalArgumentException unless 0 <= from <= to <= 1 and step > 0 (or from == to)
   */
  public static ImmutableList<Double> levels(double from, double to, double step) {
    checkArgument(from >= 0 && to <= 1 && from <= to, "pressure range %s:%s must satisfy"
        + " 0 <= FROM <= TO <= 1", from, to);
    checkArgument(step > 0 || from == to, "pressure step %s must be > 0", step);
    ImmutableList.Builder<Double> b = ImmutableList.builder();
    if (from == to) {
      return ImmutableList.of(from);
    }
    long n = (long) Math.floor((to - from) / step + 1e-9);
    checkArgument(n < 10_000, "pressure range %s:%s:%s has %s levels; at most 10000", from, to,
        step, n + 1);
    for (long i = 0; i <= n; i++) {
      double p = Math.round((from + i * step) * 1e12) / 1e12;
      b.add(Math.min(p, 1.0));
    }
    return b.build();
  }
}
