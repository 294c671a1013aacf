package io.foliolab.bench;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import io.foliolab.sim.Model;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One exploration per JVM, printing time, executions, outcomes and peak heap, for the figures
 * of issue 4 (run under {@code /usr/bin/time -v} for the peak RSS):
 *
 * <pre>
 * mvn -q -B -Pbench package -DskipTests
 * java -cp target/benchmarks.jar io.foliolab.bench.MmScenarioFigures willy-1499 v6.18 dpor \
 *     new_order=8 readers=5
 * java -cp target/benchmarks.jar io.foliolab.bench.MmScenarioFigures split-wrong-slot v6.18 \
 *     first:random:100000
 * </pre>
 *
 * A strategy {@code first:S} stops at the first failing execution and reports the time to it;
 * {@code --seconds=N} sets a time budget.
 */
public final class MmScenarioFigures {
  private MmScenarioFigures() {}

  public static void main(String[] args) {
    String scenario = args[0];
    String variant = args[1];
    String strategy = args[2];
    Map<String, String> params = new LinkedHashMap<>();
    double budget = 0;
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      if (kv[0].equals("--seconds")) {
        budget = Double.parseDouble(kv[1]);
      } else {
        params.put(kv[0], kv[1]);
      }
    }
    Scenario s = Scenarios.get(scenario);
    Model model = s.model(variant, Params.resolve(scenario, s.params(), params));
    boolean first = strategy.startsWith("first:");
    Strategy st = Strategy.parse(first ? strategy.substring(6) : strategy);
    long[] count = {0};
    Execution[] hit = {null};
    long t0 = System.nanoTime();
    Summary sum = null;
    try {
      sum = Explorer.explore(model, st, Options.defaults().withSeed(1).withMaxSeconds(budget), e -> {
        count[0]++;
        if (first && e.failed()) {
          hit[0] = e;
          throw new MmScenarioBench.FirstFailure();
        }
      });
    } catch (MmScenarioBench.FirstFailure f) {
      // stopped at the first failure
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("%s %s %s %s: %.3f s, %d executions, peak heap %.1f MB%n", scenario,
        variant, strategy, params, seconds, count[0], peak / 1e6);
    if (sum != null) {
      System.out.println("  " + sum);
    }
    if (hit[0] != null) {
      System.out.println("  first failure: " + hit[0]);
    }
  }
}
