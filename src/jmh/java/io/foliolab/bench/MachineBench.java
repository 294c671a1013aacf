package io.foliolab.bench;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the simulated machine and the explorer on one core.
 *
 * <pre>
 * mvn -q -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar MachineBench -f 1 -wi 3 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MachineBench {
  static final int ITERATIONS = 1000;
  static final int STEPS = 2 * 3 * ITERATIONS;

  /** A 2-CPU model and a fixed schedule: CPUs alternate in runs of {@code run} steps. */
  @State(Scope.Thread)
  public static class Replay {
    @Param({"1", "3"})
    public int run;

    final Machine m = new Machine();
    final Model model = BenchModels.loops(ITERATIONS);
    int[] schedule;

    @Setup(Level.Trial)
    public void setUp() {
      schedule = new int[STEPS];
      int left = STEPS / 2;
      int right = STEPS / 2;
      int k = 0;
      int cpu = 0;
      while (k < STEPS) {
        for (int i = 0; i < run && k < STEPS; i++) {
          if (cpu == 0 && left > 0) {
            schedule[k++] = 0;
            left--;
          } else if (cpu == 1 && right > 0) {
            schedule[k++] = 1;
            right--;
          }
        }
        cpu ^= 1;
      }
    }
  }

  /** Steps per second replaying a fixed schedule of a 2-CPU toy model (6,000 steps). */
  @Benchmark
  @OperationsPerInvocation(STEPS)
  public int replayFixedSchedule(Replay r) {
    Machine m = r.m;
    m.start(r.model);
    int[] s = r.schedule;
    for (int i = 0; i < s.length; i++) {
      m.step(s[i]);
    }
    if (!m.over()) {
      throw new IllegalStateException("schedule did not finish the execution");
    }
    return m.events();
  }

  /** The dpor model: 2 CPUs of {@code steps} steps, conflicting every {@code every} steps. */
  @State(Scope.Thread)
  public static class Dpor {
    @Param({"20"})
    public int steps;

    @Param({"10", "5"})
    public int every;

    Model model;

    @Setup(Level.Trial)
    public void setUp() {
      model = BenchModels.conflicts(steps, every);
    }
  }

  /** Counts executions so that JMH reports executions per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Executions {
    public long executions;
  }

  /** One complete dpor exploration; the "executions" counter gives executions per second. */
  @Benchmark
  public long dporExplore(Dpor d, Executions count) {
    Summary s = Explorer.explore(d.model, new Strategy.Dpor(), Options.defaults(), e -> { });
    if (!s.complete()) {
      throw new IllegalStateException(s.toString());
    }
    count.executions += s.executions();
    return s.executions();
  }
}
