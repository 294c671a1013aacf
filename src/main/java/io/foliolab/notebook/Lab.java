package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.html.HtmlEscapers;
import io.foliolab.analysis.ExecutionTable;
import io.foliolab.analysis.FailureFields;
import io.foliolab.analysis.RunInfo;
import io.foliolab.analysis.Summaries;
import io.foliolab.analysis.TimelinePicture;
import io.foliolab.analysis.XaPicture;
import io.foliolab.analysis.XaReplay;
import io.foliolab.explore.Execution;
import io.foliolab.explore.ExecutionListener;
import io.foliolab.explore.ExplorationInterruptedException;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.MemoryModel;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.TraceStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Predicate;
import tech.tablesaw.api.Table;

/**
 * Notebook shorthand for the chain a race analysis walks: a scenario with a variant and
 * parameters ({@link Setup}), its exploration ({@link Run}: the summary and one table row per
 * execution) and the replay of one schedule ({@link Replay}: the step trace as a table, the
 * per-CPU timeline and the XArray before and after a step). Every value displays itself in a
 * notebook. Nothing here decides an outcome: each number comes from {@link Explorer}.
 *
 * <pre>{@code
 * var run = Lab.scenario("split-wrong-slot").variant("v6.18").explore("dpor");
 * var bad = run.replayFirstFailure();
 * bad.picture(36, 40);      // the XArray before step 36 and after step 40
 * }</pre>
 */
public final class Lab {
  private Lab() {}

  /**
   * The scenario called {@code name} with its first variant, its default parameters, pressure 0,
   * seed 0 and no budget.
   *
   * @throws IllegalArgumentException for an unknown name (the message lists the valid ones)
   */
  public static Setup scenario(String name) {
    Scenario s = Scenarios.get(name);
    return new Setup(s, s.variants().get(0), ImmutableMap.of(), 0, 0, Long.MAX_VALUE, 0,
        MemoryModel.SC);
  }

  /**
   * A scenario ready to explore: variant, parameters, pressure, seed and budgets. Immutable; every
   * {@code with}-style method returns a new setup.
   */
  public static final class Setup implements Displayable {
    private final Scenario scenario;
    private final String variant;
    private final ImmutableMap<String, String> given;
    private final Params params;
    private final long seed;
    private final double pressure;
    private final long maxExecutions;
    private final double maxSeconds;
    private final MemoryModel memory;

    private Setup(Scenario scenario, String variant, ImmutableMap<String, String> given, long seed,
        double pressure, long maxExecutions, double maxSeconds, MemoryModel memory) {
      this.scenario = scenario;
      this.variant = scenario.checkVariant(variant);
      this.given = given;
      this.params = Params.resolve(scenario.name(), scenario.params(), given);
      this.seed = seed;
      this.pressure = pressure;
      this.maxExecutions = maxExecutions;
      this.maxSeconds = maxSeconds;
      this.memory = memory;
      options(); // checks pressure and budgets now rather than at explore time
    }

    /** The same setup with kernel variant {@code v} (one of {@link Scenario#variants()}). */
    public Setup variant(String v) {
      return new Setup(scenario, v, given, seed, pressure, maxExecutions, maxSeconds, memory);
    }

    /**
     * The same setup with parameter {@code name} set to {@code value} (a number, or text such as
     * {@code "0x7650"} or {@code "1499,1030"}); the other parameters keep their values.
     */
    public Setup param(String name, Object value) {
      Objects.requireNonNull(value, "value");
      Map<String, String> m = new LinkedHashMap<>(given);
      m.put(name, value.toString());
      return new Setup(scenario, variant, ImmutableMap.copyOf(m), seed, pressure, maxExecutions,
          maxSeconds, memory);
    }

    /** The same setup at memory-pressure level {@code p} in [0, 1] (see {@link #pressureMeans}). */
    public Setup pressure(double p) {
      return new Setup(scenario, variant, given, seed, p, maxExecutions, maxSeconds, memory);
    }

    /** The same setup with sampling seed {@code s}. */
    public Setup seed(long s) {
      return new Setup(scenario, variant, given, s, pressure, maxExecutions, maxSeconds, memory);
    }

    /** The same setup stopping an exploration after {@code n >= 1} executions. */
    public Setup budget(long n) {
      return new Setup(scenario, variant, given, seed, pressure, n, maxSeconds, memory);
    }

    /**
     * The same setup under memory model {@code m}: {@code "sc"} (the default), {@code "tso"} or
     * {@code "pso:N"} (see {@link MemoryModel}). Not for the {@code stateful} strategy.
     *
     * @throws IllegalArgumentException naming a malformed model and the allowed forms
     */
    public Setup memory(String m) {
      return new Setup(scenario, variant, given, seed, pressure, maxExecutions, maxSeconds,
          MemoryModel.parse(m));
    }

    /** The same setup stopping an exploration after {@code s} seconds (0: no time budget). */
    public Setup seconds(double s) {
      return new Setup(scenario, variant, given, seed, pressure, maxExecutions, s, memory);
    }

    public Scenario scenario() {
      return scenario;
    }

    public String variant() {
      return variant;
    }

    /** Every parameter, given or default. */
    public Params params() {
      return params;
    }

    /** What the pressure level means for this scenario ({@link Scenario#pressure()}). */
    public String pressureMeans() {
      return scenario.pressure();
    }

    /** The model to explore. */
    public Model model() {
      return scenario.model(variant, params);
    }

    /** Exploration options: seed, pressure, budgets, all cores (results do not depend on it). */
    public Options options() {
      Options o = Options.defaults().withAllCores().withSeed(seed).withPressure(pressure)
          .withMaxExecutions(maxExecutions).withMemory(memory);
      return maxSeconds > 0 ? o.withMaxSeconds(maxSeconds) : o;
    }

    /**
     * Explores the model with {@code strategy} ({@code dpor}, {@code bounded:K},
     * {@code random:N}, {@code pct:N:D}). In a kernel a progress bar appears after a second and
     * an interrupt stops the exploration: the call then ends with
     * {@link CellInterruptedException}, and the explorer's workers have stopped (at their next
     * execution boundary) by the time it does.
     *
     * @throws IllegalArgumentException for a malformed strategy
     * @throws CellInterruptedException if the user interrupted the cell: the progress bar
     *     noticed the kernel's interrupt flag, or the explorer ended with
     *     {@link ExplorationInterruptedException} (suppressed in it) because a thread of the
     *     exploration was interrupted
     */
    public Run explore(String strategy) {
      Strategy st = Strategy.parse(strategy);
      RunInfo info = new RunInfo("0", scenario.name(), variant, memory.mark(st.toString()), seed,
          pressure, params.toString());
      ExecutionTable.Builder table = new ExecutionTable.Builder(info);
      List<Execution> failures = new ArrayList<>();
      long total = st instanceof Strategy.Random r ? r.n() : st instanceof Strategy.Pct p ? p.n()
          : 0;
      Summary summary;
      try (Progress progress = Progress.start(scenario.name() + " " + variant + " "
          + memory.mark(st.toString()),
          total)) {
        ExecutionListener listener = e -> {
          table.accept(e);
          if (e.failed()) {
            failures.add(e);
          }
          progress.step();
        };
        summary = Explorer.explore(model(), st, options(), listener);
      } catch (ExplorationInterruptedException e) {
        CellInterruptedException c = new CellInterruptedException();
        c.addSuppressed(e);
        throw c;
      }
      return new Run(this, summary, table.table(), ImmutableList.copyOf(failures));
    }

    /**
     * Replays {@code schedule} (as printed by an exploration) with its trace.
     *
     * @throws IllegalArgumentException if the schedule is malformed or does not fit the model
     */
    public Replay replay(String schedule) {
      Schedule s = Schedule.parse(schedule);
      return new Replay(this, s, Explorer.replay(model(), s));
    }

    /** Words that select this setup on the command line, e.g. for {@code explore}. */
    public String words() {
      StringBuilder sb = new StringBuilder(scenario.name()).append(" --variant ").append(variant);
      for (String name : params.names()) {
        sb.append(" --param ").append(name).append('=');
        StringBuilder v = new StringBuilder();
        params.list(name).forEach(x -> v.append(v.length() == 0 ? "" : ",")
            .append(Params.show(x)));
        sb.append(v);
      }
      if (pressure > 0) {
        sb.append(" --pressure ").append(pressure);
      }
      if (!memory.sequentiallyConsistent()) {
        sb.append(" --memory ").append(memory);
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return scenario.name() + " " + variant + " (" + params + (pressure > 0 ? ", pressure "
          + pressure : "") + (memory.sequentiallyConsistent() ? "" : ", memory " + memory) + ")";
    }

    @Override
    public Map<String, String> mimeBundle() {
      StringBuilder h = new StringBuilder("<div class=\"foliolab-setup\">");
      h.append("<p><b>").append(esc(scenario.name())).append("</b> (seed thread ")
          .append(esc(scenario.seed())).append("), variant <b>").append(esc(variant))
          .append("</b>, ").append(esc(params.toString())).append("</p>");
      h.append("<p>").append(esc(scenario.description())).append("</p><ul>");
      for (String v : scenario.variants()) {
        h.append("<li>").append(v.equals(variant) ? "<b>" : "")
            .append(esc(scenario.variantDescription(v))).append(v.equals(variant) ? "</b>" : "")
            .append("</li>");
      }
      h.append("</ul><p><i>Memory pressure:</i> ").append(esc(scenario.pressure()))
          .append("</p></div>");
      StringBuilder t = new StringBuilder(toString()).append('\n')
          .append(scenario.description()).append('\n');
      for (String v : scenario.variants()) {
        t.append("  ").append(scenario.variantDescription(v)).append('\n');
      }
      t.append("Memory pressure: ").append(scenario.pressure());
      return MimeBundle.builder().html(h.toString()).text(t.toString()).build();
    }
  }

  /** An exploration's result: the summary, every execution as a table row, the failures. */
  public static final class Run implements Displayable {
    private final Setup setup;
    private final Summary summary;
    private final Table table;
    private final ImmutableList<Execution> failures;

    Run(Setup setup, Summary summary, Table table, ImmutableList<Execution> failures) {
      this.setup = setup;
      this.summary = summary;
      this.table = table;
      this.failures = failures;
    }

    public Setup setup() {
      return setup;
    }

    public Summary summary() {
      return summary;
    }

    /** One row per execution ({@link ExecutionTable#SCHEMA}). */
    public Table table() {
      return table;
    }

    /** The failing executions, in output order. */
    public ImmutableList<Execution> failures() {
      return failures;
    }

    public long executions() {
      return summary.executions();
    }

    /** Executions that ended with {@code outcome} (a name such as {@code "BUG"}). */
    public long count(String outcome) {
      return summary.count(Outcome.valueOf(outcome));
    }

    /** Whether the strategy finished (for dpor: every interleaving was covered). */
    public boolean complete() {
      return summary.complete();
    }

    /** The first failing execution, or null. */
    public Execution firstFailure() {
      return summary.firstFailure();
    }

    /**
     * Outcome counts and rates ({@link Summaries#outcomesByVariant}): with 95% Wilson intervals
     * for a sampled strategy, without (an exact fraction) for dpor or bounded:K.
     */
    public Table outcomes() {
      return Summaries.outcomesByVariant(table);
    }

    /** Executions that retried (some CPU went back to a retry label), and the retries in all. */
    public long executionsWithRetries() {
      return table.intColumn("retries_total").isGreaterThan(0).size();
    }

    /** Sum of the retries of every CPU of every execution. */
    public long retriesTotal() {
      return (long) table.intColumn("retries_total").sum();
    }

    /** Replays the first failure. */
    public Replay replayFirstFailure() {
      checkState(firstFailure() != null, "%s had no failure to replay", this);
      return setup.replay(firstFailure().schedule());
    }

    /** One line: setup, strategy, executions, non-zero outcomes. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(setup.toString()).append(": ")
          .append(setup.memory.mark(summary.strategy())).append(", ").append(summary.executions())
          .append(" executions, ").append(summary.complete() ? "complete"
              : "stopped by the " + summary.stoppedBy() + " budget");
      summary.outcomes().forEach((o, n) -> {
        if (n > 0) {
          sb.append(", ").append(o).append(' ').append(n);
        }
      });
      return sb.toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
      StringBuilder h = new StringBuilder("<div class=\"foliolab-run\"><table>");
      row(h, "scenario", setup.toString());
      row(h, "strategy", summary.strategy() + ", seed " + setup.seed + ", pressure "
          + setup.pressure + ", memory " + setup.memory);
      row(h, "executions", summary.executions() + (summary.complete() ? ", complete"
          : ", stopped by the " + summary.stoppedBy() + " budget")
          + String.format(Locale.ROOT, " (%.1f s)", summary.seconds()));
      StringBuilder outcomes = new StringBuilder();
      summary.outcomes().forEach((o, n) -> outcomes.append(outcomes.length() == 0 ? "" : ", ")
          .append(o).append(' ').append(n));
      row(h, "outcomes", outcomes.toString());
      row(h, "retries", retriesTotal() + " in " + executionsWithRetries() + " executions");
      Execution f = firstFailure();
      row(h, "first failure", f == null ? "none" : "#" + f.id() + " " + f.outcome() + " on CPU "
          + f.failingCpu() + " at " + f.failingLabel() + ": " + f.message());
      if (f != null) {
        row(h, "schedule", f.schedule());
      }
      h.append("</table></div>");
      StringBuilder t = new StringBuilder(toString());
      if (f != null) {
        t.append("\nfirst failure: #").append(f.id()).append(' ').append(f.outcome())
            .append(" on CPU ").append(f.failingCpu()).append(" at ").append(f.failingLabel())
            .append(": ").append(f.message()).append("\nschedule: ").append(f.schedule());
      }
      return MimeBundle.builder().html(h.toString()).text(t.toString()).build();
    }
  }

  /** One replayed execution: its record and its step trace. */
  public static final class Replay implements Displayable {
    private final Setup setup;
    private final Schedule schedule;
    private final Explorer.Replayed replayed;

    Replay(Setup setup, Schedule schedule, Explorer.Replayed replayed) {
      this.setup = setup;
      this.schedule = schedule;
      this.replayed = replayed;
    }

    public Setup setup() {
      return setup;
    }

    public Execution execution() {
      return replayed.execution();
    }

    public List<TraceStep> trace() {
      return replayed.trace();
    }

    /** The trace, one step per row ({@link ExecutionTable#TRACE_SCHEMA}). */
    public Table table() {
      return ExecutionTable.trace(trace());
    }

    /** Steps {@code from..to} (inclusive) of the trace as a table. */
    public Table table(int from, int to) {
      checkRange(from, to);
      return ExecutionTable.trace(trace().stream()
          .filter(t -> t.index() >= from && t.index() <= to).toList());
    }

    /** Indices of the steps taken by {@code cpu} whose label starts with {@code labelPrefix}. */
    public List<Integer> steps(int cpu, String labelPrefix) {
      return find(t -> t.cpu() == cpu && t.label().startsWith(labelPrefix));
    }

    /**
     * Step {@code index} of the trace (its first line when a step has two, e.g. the access and
     * the failure it caused).
     */
    public TraceStep step(int index) {
      for (TraceStep t : trace()) {
        if (t.index() == index) {
          return t;
        }
      }
      throw new IllegalArgumentException("no step " + index + ": the trace has steps 0.."
          + (schedule.length() - 1));
    }

    /** The last step before {@code before} that satisfies {@code p}, or -1. */
    public int lastBefore(int before, Predicate<TraceStep> p) {
      int found = -1;
      for (TraceStep t : trace()) {
        if (t.index() < before && p.test(t)) {
          found = t.index();
        }
      }
      return found;
    }

    /** The first step after {@code after} that satisfies {@code p}, or -1. */
    public int firstAfter(int after, Predicate<TraceStep> p) {
      for (TraceStep t : trace()) {
        if (t.index() > after && p.test(t)) {
          return t.index();
        }
      }
      return -1;
    }

    /**
     * The step that publishes the last store of the XArray write-side operation recorded at
     * step {@code writeStep} (an {@code "xa write (n stores)"} step): its stores become visible
     * one per step afterwards, as {@code publish} steps of the same CPU, possibly with other
     * CPUs' steps in between. Returns {@code writeStep} itself for an operation without stores.
     *
     * @throws IllegalArgumentException if step {@code writeStep} is not an XArray write, or the
     *     trace ends before all its stores are published
     */
    public int lastPublication(int writeStep) {
      TraceStep w = step(writeStep);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("xa write \\((\\d+) stores?\\)")
          .matcher(w.action());
      checkArgument(m.matches(), "step %s is not an XArray write-side operation: %s", writeStep, w);
      int left = Integer.parseInt(m.group(1));
      int last = writeStep;
      for (TraceStep t : trace()) {
        if (left == 0) {
          break;
        }
        if (t.index() > writeStep && t.cpu() == w.cpu() && t.action().startsWith("publish")) {
          last = t.index();
          left--;
        }
      }
      checkArgument(left == 0, "the trace ends with %s stores of step %s unpublished", left,
          writeStep);
      return last;
    }

    /** Indices of the steps that satisfy {@code p}, in order (no duplicates). */
    public List<Integer> find(Predicate<TraceStep> p) {
      List<Integer> out = new ArrayList<>();
      for (TraceStep t : trace()) {
        if (p.test(t) && (out.isEmpty() || out.get(out.size() - 1) != t.index())) {
          out.add(t.index());
        }
      }
      return out;
    }

    /** The index of the fault (or lookup) that failed, when the failure has one. */
    public OptionalLong lookupIndex() {
      return FailureFields.lookupIndex(execution());
    }

    /** The per-CPU timeline of the whole execution, step {@code mark} outlined (-1: none). */
    public Svg timeline(int mark) {
      checkArgument(mark >= -1 && mark < schedule.length(), "step %s out of range: the schedule"
          + " has steps 0..%s (-1: none)", mark, schedule.length() - 1);
      return Svg.of(TimelinePicture.svg(trace(), execution(), setup.toString(), mark));
    }

    /**
     * The timeline of steps {@code from..to} only (a window of a long execution), step
     * {@code mark} outlined (-1: none). The failing step is coloured only if the window reaches
     * the end of the execution; the title names the window and the outcome either way.
     */
    public Svg timeline(int from, int to, int mark) {
      checkRange(from, to);
      checkArgument(mark == -1 || (mark >= from && mark <= to), "step %s is outside the window"
          + " %s..%s (-1: none)", mark, from, to);
      List<TraceStep> window = trace().stream()
          .filter(t -> t.index() >= from && t.index() <= to).toList();
      boolean toEnd = to == schedule.length() - 1;
      Execution e = execution();
      String title = setup.toString() + ", steps " + from + "-" + to + " of " + e.steps()
          + (toEnd ? "" : " (ends " + e.outcome() + (e.failed() ? " on CPU " + e.failingCpu()
          + " at " + e.failingLabel() : "") + ")");
      return Svg.of(TimelinePicture.svg(window, toEnd ? e : null, title, mark));
    }

    /** The timeline without an outlined step. */
    public Svg timeline() {
      return timeline(-1);
    }

    /**
     * The XArray before step {@code from} and after step {@code to}, what changed outlined, and
     * the slots of the failing lookup's index marked at every level.
     */
    public Svg picture(int from, int to) {
      checkRange(from, to);
      XaReplay.Result r = XaReplay.at(setup.model(), schedule, from, to);
      TraceStep a = r.steps().isEmpty() ? null : r.steps().get(0);
      TraceStep b = r.steps().isEmpty() ? null : r.steps().get(r.steps().size() - 1);
      String what = a == null ? "" : from == to ? " (CPU" + a.cpu() + " " + a.label() + ")"
          : " (CPU" + a.cpu() + " " + a.label() + " ... CPU" + b.cpu() + " " + b.label() + ")";
      String title = setup.scenario.name() + " " + setup.variant + ": "
          + (from == to ? "step " + from : "steps " + from + "-" + to) + what;
      return Svg.of(XaPicture.svg(r.before(), r.after(), title, lookupIndex()));
    }

    /** The XArray before and after step {@code step}. */
    public Svg picture(int step) {
      return picture(step, step);
    }

    /** The dump of the object the failure is about (a folio, as {@code dump_page} prints it). */
    public String dump() {
      return execution().subject() == null ? "" : execution().subject().dump();
    }

    private void checkRange(int from, int to) {
      checkArgument(from >= 0 && from <= to && to < schedule.length(), "steps %s..%s out of"
          + " range: need 0 <= from <= to <= %s", from, to, schedule.length() - 1);
    }

    @Override
    public String toString() {
      Execution e = execution();
      return setup + ": " + e.outcome() + (e.failed() ? " " + e.message() + " on CPU "
          + e.failingCpu() + " at " + e.failingLabel() : "") + ", " + e.steps() + " steps";
    }

    /** The outcome line, the failure's dump, and the whole trace as a table. */
    @Override
    public Map<String, String> mimeBundle() {
      Table t = table();
      String dump = dump();
      String html = "<div class=\"foliolab-replay\"><p><b>" + esc(toString()) + "</b></p>"
          + (dump.isEmpty() ? "" : "<pre>" + esc(dump) + "</pre>")
          + BuiltInRenderers.tableHtml(t, Integer.MAX_VALUE) + "</div>";
      String text = toString() + "\n" + (dump.isEmpty() ? "" : dump + "\n")
          + BuiltInRenderers.tableText(t, Integer.MAX_VALUE);
      return MimeBundle.builder().html(html).text(text).build();
    }
  }

  /**
   * One row per run, to compare explorations side by side: scenario, variant, params, strategy,
   * pressure, executions, complete, one column per outcome, failures, the failing fraction
   * (rounded to four decimals), executions with retries, retries in all, the first failure's message and schedule.
   */
  public static Table compare(Run... runs) {
    Table t = Table.create("runs");
    t.addColumns(tech.tablesaw.api.StringColumn.create("scenario"),
        tech.tablesaw.api.StringColumn.create("variant"),
        tech.tablesaw.api.StringColumn.create("params"),
        tech.tablesaw.api.StringColumn.create("strategy"),
        tech.tablesaw.api.DoubleColumn.create("pressure"),
        tech.tablesaw.api.LongColumn.create("executions"),
        tech.tablesaw.api.BooleanColumn.create("complete"));
    for (Outcome o : Outcome.values()) {
      t.addColumns(tech.tablesaw.api.LongColumn.create(o.name()));
    }
    t.addColumns(tech.tablesaw.api.LongColumn.create("failures"),
        tech.tablesaw.api.DoubleColumn.create("failing_fraction"),
        tech.tablesaw.api.LongColumn.create("executions_with_retries"),
        tech.tablesaw.api.LongColumn.create("retries_total"),
        tech.tablesaw.api.StringColumn.create("first_failure"),
        tech.tablesaw.api.StringColumn.create("schedule"));
    for (Run r : runs) {
      Summary s = r.summary();
      t.stringColumn("scenario").append(r.setup.scenario.name());
      t.stringColumn("variant").append(r.setup.variant);
      t.stringColumn("params").append(r.setup.params.toString());
      t.stringColumn("strategy").append(r.setup.memory.mark(s.strategy()));
      t.doubleColumn("pressure").append(r.setup.pressure);
      t.longColumn("executions").append(s.executions());
      t.booleanColumn("complete").append(s.complete());
      for (Outcome o : Outcome.values()) {
        t.longColumn(o.name()).append(s.count(o));
      }
      t.longColumn("failures").append(s.failures());
      t.doubleColumn("failing_fraction").append(s.executions() == 0 ? 0
          : Math.round(1e4 * s.failures() / s.executions()) / 1e4);
      t.longColumn("executions_with_retries").append(r.executionsWithRetries());
      t.longColumn("retries_total").append(r.retriesTotal());
      Execution f = s.firstFailure();
      t.stringColumn("first_failure").append(f == null ? "" : f.outcome() + " " + f.message());
      t.stringColumn("schedule").append(f == null ? "" : f.schedule());
    }
    return t;
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append("<tr><th style=\"text-align:left\">").append(esc(key)).append("</th><td style="
        + "\"text-align:left\">").append(esc(value)).append("</td></tr>");
  }

  private static String esc(String s) {
    return HtmlEscapers.htmlEscaper().escape(s == null ? "" : s);
  }
}
