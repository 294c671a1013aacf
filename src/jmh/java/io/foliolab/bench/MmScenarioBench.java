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
 * The page-cache scenarios' performance targets (issue 4): exhaustive dpor of {@code willy-1499}
 * (new_order 8) with 1..5 readers, and the time to the first failure of
 * {@code split-wrong-slot v6.18} with dpor and with random sampling.
 *
 * <pre>
 * mvn -q -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar MmScenarioBench -f 1 -wi 1 -i 3
 * </pre>
 *
 * Peak memory is measured per configuration with {@link MmScenarioFigures} in its own JVM.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MmScenarioBench {
  static Model model(String scenario, String variant, Map<String, String> params) {
    Scenario s = Scenarios.get(scenario);
    return s.model(variant, Params.resolve(scenario, s.params(), params));
  }

  /** willy-1499 v6.18, new_order 8. */
  @State(Scope.Thread)
  public static class Willy {
    @Param({"1", "2", "3", "4", "5"})
    public int readers;

    Model model;

    @Setup
    public void setUp() {
      model = model("willy-1499", "v6.18", Map.of("new_order", "8", "readers", "" + readers));
    }
  }

  @Benchmark
  public Summary willyDpor(Willy w) {
    Summary s = Explorer.explore(w.model, Strategy.parse("dpor"), Options.defaults(),
        e -> { });
    if (!s.complete()) {
      throw new IllegalStateException("incomplete: " + s);
    }
    return s;
  }

  /** split-wrong-slot v6.18, default parameters. */
  @State(Scope.Thread)
  public static class WrongSlot {
    Model model = model("split-wrong-slot", "v6.18", Map.of());
  }

  /** Exploration stopped at the first failing execution. */
  static Summary untilFirstFailure(Model model, String strategy, long seed) {
    long[] seen = {0};
    Summary s = Explorer.explore(model, Strategy.parse(strategy),
        Options.defaults().withSeed(seed).withMaxExecutions(1_000_000),
        e -> {
          if (e.failed()) {
            throw new FirstFailure();
          }
          seen[0]++;
        });
    return s;
  }

  /** Thrown by the listener to stop at the first failure. */
  static final class FirstFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FirstFailure() {
      super(null, null, false, false);
    }
  }

  @Benchmark
  public boolean wrongSlotFirstFailureDpor(WrongSlot w) {
    try {
      untilFirstFailure(w.model, "dpor", 0);
      return false;
    } catch (FirstFailure f) {
      return true;
    }
  }

  @Benchmark
  public boolean wrongSlotFirstFailureRandom(WrongSlot w) {
    try {
      untilFirstFailure(w.model, "random:1000000", 1);
      return false;
    } catch (FirstFailure f) {
      return true;
    }
  }
}
