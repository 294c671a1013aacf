package io.foliolab.bench;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import io.foliolab.sim.Model;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Exhaustive dpor of {@code dirty-sibling-tag} and {@code add-folio-stale-nodes} with their
 * default parameters, per variant (the goal of issue 4: complete in seconds).
 *
 * <pre>
 * mvn -q -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar WritebackScenarioBench -f 1 -wi 1 -i 3
 * </pre>
 *
 * Executions, outcomes and peak heap per configuration: {@link MmScenarioFigures}, e.g.
 * {@code java -cp target/benchmarks.jar io.foliolab.bench.MmScenarioFigures dirty-sibling-tag
 * c010d47f107f dpor}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WritebackScenarioBench {
  /** One scenario and variant with default parameters. */
  @State(Scope.Thread)
  public static class Config {
    @Param({"dirty-sibling-tag/c010d47f107f", "dirty-sibling-tag/2a0774c2886d",
        "add-folio-stale-nodes/v6.9", "add-folio-stale-nodes/6758c1128ceb"})
    public String config;

    Model model;

    @Setup
    public void setUp() {
      String[] sv = config.split("/", 2);
      Scenario s = Scenarios.get(sv[0]);
      model = s.model(sv[1], Params.resolve(sv[0], s.params(), Map.of()));
    }
  }

  @Benchmark
  public Summary dpor(Config c) {
    Summary s = Explorer.explore(c.model, Strategy.parse("dpor"), Options.defaults(), e -> { });
    if (!s.complete()) {
      throw new IllegalStateException("incomplete: " + s);
    }
    return s;
  }
}
