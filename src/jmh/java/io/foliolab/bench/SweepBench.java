package io.foliolab.bench;

import io.foliolab.analysis.Sweep;
import io.foliolab.explore.Strategy;
import io.foliolab.scenario.Scenarios;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import tech.tablesaw.api.Table;

/**
 * The issue 6 sweep target: 11 pressure levels (0, 0.1, ..., 1) × 2 variants ({@code v6.18},
 * {@code 577a1f495fd7}) × {@code runs} random executions of {@code split-wrong-slot} on all
 * cores, dpor references included; goal ≤ 60 s for 100,000 runs per cell on 2 cores.
 *
 * <pre>
 * mvn -q -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar SweepBench -f 1 -wi 0 -i 1            # the target, one shot
 * java -jar target/benchmarks.jar SweepBench -f 1 -wi 1 -i 3 -p runs=10000
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class SweepBench {
  @Param({"100000"})
  public long runs;

  @Benchmark
  public Table sweep() throws InterruptedException {
    Sweep.Grid g = Sweep.Grid.of(Scenarios.get("split-wrong-slot"),
        List.of("v6.18", "577a1f495fd7"), Sweep.levels(0, 1, 0.1), new Strategy.Random(runs), 0);
    return Sweep.run(g, Runtime.getRuntime().availableProcessors(), Sweep.Progress.NONE).table();
  }
}
