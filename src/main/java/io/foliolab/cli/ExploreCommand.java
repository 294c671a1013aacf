package io.foliolab.cli;

import com.google.common.collect.ImmutableSet;
import io.foliolab.analysis.ExecutionTable;
import io.foliolab.analysis.RunInfo;
import io.foliolab.explore.Execution;
import io.foliolab.explore.ExecutionListener;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.MemoryModel;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.sim.Outcome;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code foliolab explore SCENARIO ...}: explores one scenario variant under a strategy and
 * prints a summary (and, with {@code --json}, one JSON object on the last line of stdout).
 */
final class ExploreCommand implements Command, OptionSpec {
  @Override public String name() { return "explore"; }

  @Override public String summary() { return "explore a scenario's interleavings (dpor, stateful, bounded, random, pct)"; }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar explore SCENARIO [--variant V]\n"
        + "         [--strategy dpor|stateful|bounded:K|random:N|pct:N:D|replay:SCHEDULE] [--seed S]\n"
        + "         [--pressure P] [--param k=v]... [--budget-executions N] [--budget-seconds S]\n"
        + "         [--memory sc|tso|pso:N] [--workers W] [--out FILE.csv] [--json]\n"
        + "Explores every interleaving (dpor) or a sample of them, and prints the number of\n"
        + "executions per outcome and the first failure with the schedule that replays it.\n"
        + "  --variant V          kernel variant (default: the scenario's first; see 'scenarios NAME')\n"
        + "  --strategy           dpor (default), stateful (dpor that explores each state once:\n"
        + "                       complete, far fewer executions reported), bounded:K preemptions,\n"
        + "                       random:N, pct:N:D\n"
        + "  --seed S             seed of the sampling strategies (default 0)\n"
        + "  --pressure P         memory pressure in [0, 1] (default 0): probability that sampling\n"
        + "                       strategies take the failing branch of an allocation or wake an agent\n"
        + "  --param k=v          scenario parameter (decimal or 0x hex); repeatable\n"
        + "  --budget-executions  stop after N executions;  --budget-seconds  stop after S seconds\n"
        + "  --memory M           sc (default: sequentially consistent), tso (a FIFO store buffer\n"
        + "                       per CPU, x86-like) or pso:N (N lanes per CPU: stores to different\n"
        + "                       locations become visible out of order); loads are never reordered.\n"
        + "                       Buffers are flushed by extra agents, numbered after the CPUs; their\n"
        + "                       schedules end with @tso / @pso:N and replay under that model.\n"
        + "                       Not with --strategy stateful\n"
        + "  --workers W          worker threads (default: all cores; results do not depend on it)\n"
        + "  --out FILE.csv       one row per execution, streamed (columns: see ExecutionTable)\n"
        + "  --json               a JSON summary on the last line of stdout\n";
  }

  @Override public Set<String> valuedOptions() {
    return ImmutableSet.of("variant", "strategy", "seed", "pressure", "param", "budget-executions",
        "budget-seconds", "workers", "out", "memory");
  }

  @Override public Set<String> flagOptions() { return ImmutableSet.of("json"); }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    ScenarioCall call = ScenarioCall.from(args);
    Strategy strategy = Strategy.parse(args.option("strategy").orElse("dpor"));
    Options options = options(args);
    Summary summary;
    if (args.option("out").isPresent()) {
      try (ExecutionTable.CsvSink csv = new ExecutionTable.CsvSink(
          Path.of(args.option("out").get()), new RunInfo("0", call.scenario().name(),
              call.variant(), options.memory().mark(strategy.toString()), options.seed(),
              options.pressure(),
              call.params().toString()))) {
        summary = Explorer.explore(call.model(), strategy, options, csv);
        csv.commit();
      }
    } else {
      summary = Explorer.explore(call.model(), strategy, options, ExecutionListener.NONE);
    }
    printSummary(out, call, options, summary);
    if (args.flag("json")) {
      out.println(Json.write(json(call, options, summary)));
    }
    return 0;
  }

  static Options options(Args args) {
    Options o = Options.defaults().withAllCores();
    if (args.option("seed").isPresent()) {
      o = o.withSeed(Args.parseLong("--seed", args.option("seed").get()));
    }
    if (args.option("pressure").isPresent()) {
      String p = args.option("pressure").get();
      try {
        o = o.withPressure(Double.parseDouble(p));
      } catch (NumberFormatException e) {
        throw new UsageException("--pressure: '" + p + "' is not a number in [0, 1]");
      }
    }
    if (args.option("budget-executions").isPresent()) {
      o = o.withMaxExecutions(Args.parseLong("--budget-executions", args.option("budget-executions").get()));
    }
    if (args.option("budget-seconds").isPresent()) {
      String s = args.option("budget-seconds").get();
      try {
        o = o.withMaxSeconds(Double.parseDouble(s));
      } catch (NumberFormatException e) {
        throw new UsageException("--budget-seconds: '" + s + "' is not a number of seconds");
      }
    }
    if (args.option("workers").isPresent()) {
      o = o.withWorkers(Math.toIntExact(Args.parseLong("--workers", args.option("workers").get())));
    }
    if (args.option("memory").isPresent()) {
      try {
        o = o.withMemory(MemoryModel.parse(args.option("memory").get()));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--memory: " + e.getMessage());
      }
    }
    return o;
  }

  private static void printSummary(PrintStream out, ScenarioCall call, Options o, Summary s) {
    out.printf("scenario    %s (seed %s), variant %s%n", call.scenario().name(), call.scenario().seed(), call.variant());
    out.printf("params      %s%n", call.params());
    int workers = s.rounds() > 0 ? 1 : o.workers();
    out.printf("strategy    %s, seed %d, pressure %s, memory %s, %d worker%s%n", s.strategy(),
        o.seed(), o.pressure(), o.memory(), workers, workers == 1 ? "" : "s");
    out.printf("executions  %d, %s, %.3f s%n", s.executions(),
        s.complete() ? "complete" : "stopped by the " + s.stoppedBy() + " budget", s.seconds());
    if (s.rounds() > 0) {
      out.printf("states      %d distinct, %d executions cut at a known state, round %d%n",
          s.states(), s.cacheHits(), s.rounds());
    }
    out.printf("outcomes    %s%n", s.outcomes().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    Execution f = s.firstFailure();
    if (f == null) {
      out.println("first failure: none");
      return;
    }
    out.printf("first failure: execution %d, %s on CPU %d at %s%n", f.id(), f.outcome(),
        f.failingCpu(), f.failingLabel());
    out.printf("  %s%n", f.message());
    Map<String, Object> folio = FailureView.folio(f);
    if (folio != null) {
      out.printf("  folio index %s order %s refcount %s flags %s; lookup index %s%n",
          show(folio.get("index")), folio.get("order"), folio.get("refcount"), folio.get("flags"),
          show(FailureView.lookupIndex(f)));
    }
    out.printf("  retries per CPU: %s%n", f.retries());
    out.printf("  schedule: %s%n", f.schedule());
    out.printf("  replay:   java -jar target/foliolab.jar replay %s --schedule '%s'%n", call.words(), f.schedule());
  }

  private static String show(Object v) {
    return v instanceof Long l ? Params.show(l) : v instanceof Integer i ? Params.show(i) : String.valueOf(v);
  }

  static Map<String, Object> json(ScenarioCall call, Options options, Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", call.scenario().name());
    m.put("variant", call.variant());
    m.put("strategy", s.strategy());
    m.put("memory", options.memory().toString());
    Map<String, Object> params = new LinkedHashMap<>();
    for (String name : call.params().names()) {
      var a = call.params().list(name);
      boolean list = call.scenario().params().stream().anyMatch(p -> p.name().equals(name) && p.list());
      params.put(name, list ? a.asList() : a.get(0));
    }
    m.put("params", params);
    m.put("executions", s.executions());
    m.put("complete", s.complete());
    Map<String, Object> outcomes = new LinkedHashMap<>();
    for (Outcome o : Outcome.values()) {
      outcomes.put(o.name(), s.count(o));
    }
    m.put("outcomes", outcomes);
    m.put("seconds", s.seconds());
    if (s.rounds() > 0) {
      m.put("states", s.states());
      m.put("cutAtKnownState", s.cacheHits());
      m.put("rounds", s.rounds());
    }
    Execution f = s.firstFailure();
    if (f == null) {
      m.put("firstFailure", null);
    } else {
      Map<String, Object> ff = new LinkedHashMap<>();
      ff.put("schedule", f.schedule());
      ff.put("kind", f.outcome().name());
      ff.put("cpu", f.failingCpu());
      ff.put("label", f.failingLabel());
      ff.put("message", f.message());
      ff.put("folio", FailureView.folio(f));
      ff.put("lookupIndex", FailureView.lookupIndex(f));
      ff.put("retries", f.retries().asList());
      m.put("firstFailure", ff);
    }
    return m;
  }
}
