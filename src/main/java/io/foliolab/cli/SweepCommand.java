package io.foliolab.cli;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.foliolab.analysis.Charts;
import io.foliolab.analysis.Sweep;
import io.foliolab.analysis.TableCsv;
import io.foliolab.explore.Strategy;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.Table;

/**
 * {@code foliolab sweep SCENARIO ...}: failure rates across memory-pressure levels for one or more
 * variants, in parallel; writes one CSV row per grid cell and optionally the chart.
 */
final class SweepCommand implements Command, OptionSpec {
  @Override public String name() { return "sweep"; }

  @Override public String summary() {
    return "failure rate vs memory pressure for variants, in parallel (CSV and chart)";
  }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar sweep SCENARIO --variant V[,V...]\n"
        + "         --pressure FROM:TO:STEP --runs N [--strategy random|pct:D] [--seed S]\n"
        + "         [--seeds K] [--param k=v]... [--threads T] [--dpor-budget N]\n"
        + "         --out FILE.csv [--chart FILE.png|FILE.svg]\n"
        + "Runs N sampled executions for every (variant, pressure level, seed) cell on all cores\n"
        + "and writes one row per cell: executions, outcome counts, failure rate with its 95%\n"
        + "Wilson interval, retries, the first failing schedule, and the scheduler-independent\n"
        + "figure: the fraction of failing executions under exhaustive dpor for that variant.\n"
        + "  --variant V,W        kernel variants (see 'scenarios NAME')\n"
        + "  --pressure F:T:S     pressure levels F, F+S, ..., T in [0, 1] (e.g. 0:1:0.1)\n"
        + "  --runs N             executions per cell\n"
        + "  --strategy           random (default) or pct:D (PCT with depth D)\n"
        + "  --seed S             grid seed (default 0); each cell's seed derives from it and the\n"
        + "                       cell's coordinates, so results do not depend on --threads\n"
        + "  --seeds K            cells per (variant, pressure) with different seeds (default 1)\n"
        + "  --param k=v          scenario parameter (decimal or 0x hex); repeatable\n"
        + "  --threads T          worker threads (default: all cores)\n"
        + "  --dpor-budget N      executions allowed to each reference dpor search (default\n"
        + "                       100000; 0 skips it)\n"
        + "  --out FILE.csv       the table, one row per cell\n"
        + "  --chart FILE         failure rate vs pressure with intervals (.png or .svg)\n"
        + "A progress bar goes to stderr when stderr is a terminal.\n";
  }

  @Override public Set<String> valuedOptions() {
    return ImmutableSet.of("variant", "pressure", "runs", "strategy", "seed", "seeds", "param",
        "threads", "dpor-budget", "out", "chart");
  }

  @Override public Set<String> flagOptions() { return ImmutableSet.of(); }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    Scenario s = Scenarios.get(args.positional(0,
        "SCENARIO (see: java -jar target/foliolab.jar scenarios)"));
    if (args.positional().size() > 1) {
      throw new UsageException("sweep takes one SCENARIO, got: " + args.positional());
    }
    String variantText = args.option("variant").orElseThrow(() -> new UsageException(
        "sweep needs --variant V[,V...]; valid variants of " + s.name() + ": "
            + String.join(", ", s.variants())));
    List<String> variants = new ArrayList<>();
    for (String v : variantText.split(",")) {
      variants.add(s.checkVariant(v.trim()));
    }
    List<Double> levels = pressure(args.option("pressure").orElseThrow(() -> new UsageException(
        "sweep needs --pressure FROM:TO:STEP, e.g. 0:1:0.1")));
    long runs = Args.parseLong("--runs", args.option("runs").orElseThrow(() ->
        new UsageException("sweep needs --runs N (executions per cell)")));
    if (runs < 1) {
      throw new UsageException("--runs " + runs + " must be >= 1");
    }
    Strategy strategy = strategy(args.option("strategy").orElse("random"), runs);
    long seed = Args.parseLong("--seed", args.option("seed").orElse("0"));
    int seeds = Math.toIntExact(Args.parseLong("--seeds", args.option("seeds").orElse("1")));
    Map<String, String> given = new LinkedHashMap<>();
    for (String kv : args.options("param")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("sweep: --param needs name=value, got '" + kv + "'");
      }
      given.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    int threads = Math.toIntExact(Args.parseLong("--threads", args.option("threads")
        .orElse(Integer.toString(Runtime.getRuntime().availableProcessors()))));
    long dporBudget = Args.parseLong("--dpor-budget", args.option("dpor-budget").orElse("100000"));
    Path outFile = Path.of(args.option("out").orElseThrow(() -> new UsageException(
        "sweep needs --out FILE.csv")));
    Path chart = args.option("chart").map(Path::of).orElse(null);
    if (chart != null) {
      String c = chart.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!c.endsWith(".png") && !c.endsWith(".svg")) {
        throw new UsageException("--chart " + chart + ": the file must end in .png or .svg");
      }
    }
    Sweep.Grid grid = new Sweep.Grid(s, ImmutableList.copyOf(variants),
        ImmutableList.copyOf(levels), ImmutableList.of(ImmutableMap.copyOf(given)), seeds,
        strategy, seed, dporBudget);
    Sweep.Progress progress = System.console() != null ? new Bar(err) : Sweep.Progress.NONE;
    Sweep.Result r = Sweep.run(grid, threads, progress);
    if (progress instanceof Bar) {
      err.print("\r" + " ".repeat(78) + "\r");
    }
    Table t = r.table();
    TableCsv.write(t, outFile);
    if (chart != null) {
      Charts.write(Charts.failureRateVsPressure(t), chart);
    }
    print(out, grid, t, r.seconds(), threads);
    out.printf("wrote %s (%d rows)%s%n", outFile, t.rowCount(), chart == null ? ""
        : " and " + chart);
    return 0;
  }

  static List<Double> pressure(String text) {
    String[] p = text.split(":", -1);
    if (p.length != 3 && p.length != 1) {
      throw new UsageException("--pressure '" + text + "': expected FROM:TO:STEP (e.g. 0:1:0.1)"
          + " or one level P, with 0 <= FROM <= TO <= 1 and STEP > 0");
    }
    try {
      if (p.length == 1) {
        double x = Double.parseDouble(p[0]);
        return Sweep.levels(x, x, 0);
      }
      return Sweep.levels(Double.parseDouble(p[0]), Double.parseDouble(p[1]),
          Double.parseDouble(p[2]));
    } catch (NumberFormatException e) {
      throw new UsageException("--pressure '" + text + "': FROM, TO and STEP must be numbers"
          + " (e.g. 0:1:0.1)");
    }
  }

  static Strategy strategy(String text, long runs) {
    if (text.equals("random")) {
      return new Strategy.Random(runs);
    }
    if (text.startsWith("pct:")) {
      try {
        return new Strategy.Pct(runs, Integer.parseInt(text.substring(4)));
      } catch (NumberFormatException e) {
        // falls through
      }
    }
    throw new UsageException("--strategy '" + text + "': expected random or pct:D (D >= 1);"
        + " the number of executions is --runs");
  }

  private static void print(PrintStream out, Sweep.Grid g, Table t, double seconds, int threads) {
    long total = (long) t.longColumn("executions").sum();
    out.printf("scenario %s, %s per cell, %d cells, %d threads: %d executions in %.1f s"
        + " (%.0f/s)%n", g.scenario().name(), g.strategy(), g.cells(), threads, total, seconds,
        total / Math.max(seconds, 1e-9));
    out.printf("%-16s %8s %10s %10s %8s %21s  %s%n", "VARIANT", "PRESSURE", "EXECUTIONS",
        "FAILURES", "RATE", "95% WILSON", "DPOR (all traces)");
    for (int r = 0; r < t.rowCount(); r++) {
      String dpor = t.longColumn("dpor_executions").isMissing(r) ? "-"
          : String.format(Locale.ROOT, "%.4f of %d%s", t.doubleColumn("dpor_fraction").get(r),
              t.longColumn("dpor_executions").get(r),
              t.booleanColumn("dpor_complete").get(r) ? "" : " (budget hit)");
      out.printf(Locale.ROOT, "%-16s %8.3f %10d %10d %8.5f [%8.5f, %8.5f]  %s%n",
          t.stringColumn("variant").get(r) + (g.seeds() > 1 ? "#" + t.intColumn("seed_index")
              .get(r) : ""), t.doubleColumn("pressure").get(r),
          t.longColumn("executions").get(r), t.longColumn("failures").get(r),
          t.doubleColumn("rate").get(r), t.doubleColumn("ci_low").get(r),
          t.doubleColumn("ci_high").get(r), dpor);
    }
    out.println("pressure: " + g.scenario().pressure());
  }

  /** A one-line progress bar, redrawn at most ten times a second. */
  private static final class Bar implements Sweep.Progress {
    private final PrintStream err;
    private final long t0 = System.nanoTime();
    private long last;

    Bar(PrintStream err) {
      this.err = err;
    }

    @Override
    public void update(long done, long total, int cells, int cellsTotal) {
      long now = System.nanoTime();
      if (now - last < 100_000_000L && done < total) {
        return;
      }
      last = now;
      int width = 30;
      int filled = total == 0 ? width : (int) (width * done / total);
      err.printf(Locale.ROOT, "\r[%s%s] %3d%% %d/%d executions, %d/%d cells, %.0f s ",
          "#".repeat(filled), ".".repeat(width - filled), total == 0 ? 100 : 100 * done / total,
          done, total, cells, cellsTotal, (now - t0) / 1e9);
      err.flush();
    }
  }
}
