package io.foliolab.cli;

import com.google.common.collect.ImmutableSet;
import io.foliolab.analysis.FailureFields;
import io.foliolab.analysis.TimelinePicture;
import io.foliolab.analysis.XaPicture;
import io.foliolab.analysis.XaReplay;
import io.foliolab.explore.Execution;
import io.foliolab.explore.Schedule;
import io.foliolab.sim.TraceStep;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code foliolab draw SCENARIO --variant V --schedule S --step N --out FILE.svg}: the page
 * cache's XArray before and after one step of a replayed execution, as an SVG picture; optionally
 * the execution's per-CPU timeline.
 */
final class DrawCommand implements Command, OptionSpec {
  @Override public String name() { return "draw"; }

  @Override public String summary() {
    return "draw the XArray before/after a step of a schedule (SVG), and its timeline";
  }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar draw SCENARIO --variant V --schedule S --step N\n"
        + "         --out FILE.svg [--from M] [--index I] [--timeline FILE.svg] [--param k=v]...\n"
        + "Replays SCHEDULE (as printed by explore) and draws the scenario's XArray (i_pages)\n"
        + "before step M (default N) and after step N (steps count from 0, as in replay):\n"
        + "nodes, slots, sibling runs and marks, with what the steps changed outlined in red.\n"
        + "  --index I            mark the slot of index I at every level (default: the failing\n"
        + "                       lookup's index, when the execution fails with one)\n"
        + "  --timeline FILE.svg  also draw the execution as one lane per CPU, step N outlined\n";
  }

  @Override public Set<String> valuedOptions() {
    return ImmutableSet.of("variant", "schedule", "step", "from", "out", "index", "timeline",
        "param");
  }

  @Override public Set<String> flagOptions() { return ImmutableSet.of(); }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    ScenarioCall call = ScenarioCall.from(args);
    Schedule schedule = Schedule.parse(args.option("schedule").orElseThrow(() ->
        new UsageException("draw needs --schedule S (as printed by explore)")));
    int step = Math.toIntExact(Args.parseLong("--step", args.option("step").orElseThrow(() ->
        new UsageException("draw needs --step N (0.." + (schedule.length() - 1) + ")"))));
    int from = Math.toIntExact(Args.parseLong("--from", args.option("from")
        .orElse(Integer.toString(step))));
    if (step >= schedule.length() || from > step) {
      throw new UsageException("draw: --step " + step + " and --from " + from + " must satisfy"
          + " 0 <= FROM <= STEP <= " + (schedule.length() - 1) + " (the schedule has "
          + schedule.length() + " steps)");
    }
    Path outFile = Path.of(args.option("out").orElseThrow(() -> new UsageException(
        "draw needs --out FILE.svg")));
    if (!outFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
      throw new UsageException("draw: --out " + outFile + " must end in .svg");
    }
    XaReplay.Result r = XaReplay.at(call.model(), schedule, from, step);
    Execution e = r.replayed().execution();
    OptionalLong index = args.option("index").isPresent()
        ? OptionalLong.of(Args.parseLong("--index", args.option("index").get()))
        : FailureFields.lookupIndex(e);
    String title = call.scenario().name() + " " + call.variant() + ": " + describe(r, from, step);
    write(outFile, XaPicture.svg(r.before(), r.after(), title, index));
    out.printf("wrote %s: %s%n", outFile, title);
    for (TraceStep t : r.steps()) {
      out.println("  " + t);
    }
    if (args.option("timeline").isPresent()) {
      Path tl = Path.of(args.option("timeline").get());
      write(tl, TimelinePicture.svg(r.replayed().trace(), e, call.scenario().name() + " "
          + call.variant() + " " + call.params(), step));
      out.printf("wrote %s: the timeline of %d steps, step %d outlined%n", tl, e.steps(), step);
    }
    out.printf("outcome: %s%s%n", e.outcome(), e.failed() ? " (" + e.message() + ")" : "");
    return 0;
  }

  /** "step N (CPU c label)" or "steps M-N (CPU c first ... CPU d last)". */
  static String describe(XaReplay.Result r, int from, int step) {
    if (r.steps().isEmpty()) {
      return from == step ? "step " + step : "steps " + from + "-" + step;
    }
    TraceStep a = r.steps().get(0);
    TraceStep b = r.steps().get(r.steps().size() - 1);
    String first = "CPU" + a.cpu() + " " + a.label();
    String last = "CPU" + b.cpu() + " " + b.label();
    return from == step ? "step " + step + " (" + first + ")"
        : "steps " + from + "-" + step + " (" + first + " ... " + last + ")";
  }

  private static void write(Path file, String text) throws java.io.IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
