package io.foliolab.cli;

import com.google.common.collect.ImmutableSet;
import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Schedule;
import io.foliolab.sim.TraceStep;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code foliolab replay SCENARIO --variant V --schedule S}: re-runs one execution and prints its
 * step trace as a table, ending with the outcome and, for a failure, the dump of its subject.
 */
final class ReplayCommand implements Command, OptionSpec {
  @Override public String name() { return "replay"; }

  @Override public String summary() { return "re-run one schedule and print its step trace and the failure"; }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar replay SCENARIO --variant V --schedule S [--param k=v]...\n"
        + "Replays the execution that SCHEDULE (as printed by explore) describes, step by step:\n"
        + "CPU, step label (kernel function:label), action, location, old -> new value. Ends with\n"
        + "the outcome and, for a failure, the message and the dump of the folio involved.\n";
  }

  @Override public Set<String> valuedOptions() { return ImmutableSet.of("variant", "schedule", "param"); }

  @Override public Set<String> flagOptions() { return ImmutableSet.of(); }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) {
    ScenarioCall call = ScenarioCall.from(args);
    String text = args.option("schedule").orElseThrow(() -> new UsageException("replay needs --schedule S"));
    Schedule schedule = Schedule.parse(text);
    Explorer.Replayed r = Explorer.replay(call.model(), schedule);
    out.printf("scenario %s, variant %s, %s%n", call.scenario().name(), call.variant(), call.params());
    out.printf("%4s  %-4s %-44s %-22s %-30s %s%n", "STEP", "CPU", "LABEL", "ACTION", "LOCATION", "OLD -> NEW");
    for (TraceStep t : r.trace()) {
      String change = t.location().isEmpty() ? ""
          : t.before().equals(t.after()) ? t.before() : t.before() + " -> " + t.after();
      out.printf("%4d  %-4s %-44s %-22s %-30s %s%n", t.index(), "CPU" + t.cpu(), t.label(),
          t.action(), t.location(), change);
    }
    Execution e = r.execution();
    out.printf("outcome: %s%n", e.outcome());
    if (e.failed()) {
      out.printf("%s on CPU %d at %s%n", e.message(), e.failingCpu(), e.failingLabel());
      if (e.subject() != null) {
        out.println(e.subject().dump());
      }
    }
    out.printf("retries per CPU: %s; steps %d, preemptions %d, context switches %d%n",
        e.retries(), e.steps(), e.preemptions(), e.contextSwitches());
    return 0;
  }
}
