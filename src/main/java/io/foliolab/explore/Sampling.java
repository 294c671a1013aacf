package io.foliolab.explore;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Machine;
import java.util.SplittableRandom;

/**
 * The sampling strategies: {@code random:N} (each step picks uniformly among the CPUs that can
 * run) and {@code pct:N:D} (probabilistic concurrency testing: random distinct CPU priorities, the
 * highest-priority runnable CPU runs, and at D-1 random steps the running CPU drops below all
 * others). Choice points take the pressure alternative with probability {@code p}. Execution
 * {@code i} depends only on the seed and {@code i}, so executions can run on any worker.
 */
final class Sampling {
  private final Runner runner;
  private final Options options;
  private final int depth;
  private final int pctSteps;
  private final int[] enabled = new int[64];
  private final int[] priority = new int[64];
  private final int[] changeAt;
  private SplittableRandom rng;
  private final ChoiceOracle oracle = new ChoiceOracle() {
    @Override
    public int choose(int cpu, ChoicePoint point) {
      return rng.nextDouble() < options.pressure() ? 1 : 0;
    }
  };

  /** {@code depth} 0 means random; otherwise PCT with that depth over about {@code pctSteps}. */
  Sampling(Runner runner, Options options, int depth, int pctSteps) {
    this.runner = runner;
    this.options = options;
    this.depth = depth;
    this.pctSteps = Math.max(1, pctSteps);
    this.changeAt = new int[Math.max(0, depth - 1)];
  }

  /** A well-mixed seed for execution {@code i} (SplitMix64 finalizer). */
  static long seedFor(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Runs execution {@code i} and returns its record (id {@code i}). */
  Execution run(long i) {
    rng = new SplittableRandom(seedFor(options.seed(), i));
    Machine m = runner.m;
    m.setOracle(oracle);
    m.start(runner.model);
    int n = m.cpus();
    if (depth > 0) {
      // Distinct initial priorities depth .. depth+n-1 in random order; change points in [1, k].
      for (int c = 0; c < n; c++) {
        priority[c] = depth + c;
      }
      for (int c = n - 1; c > 0; c--) {
        int j = rng.nextInt(c + 1);
        int t = priority[c];
        priority[c] = priority[j];
        priority[j] = t;
      }
      for (int j = 0; j < changeAt.length; j++) {
        changeAt[j] = 1 + rng.nextInt(pctSteps);
      }
    }
    while (!m.over()) {
      int k = 0;
      for (int c = 0; c < n; c++) {
        if (m.enabled(c)) {
          enabled[k++] = c;
        }
      }
      int pick;
      if (depth == 0) {
        pick = enabled[rng.nextInt(k)];
      } else {
        pick = enabled[0];
        for (int j = 1; j < k; j++) {
          if (priority[enabled[j]] > priority[pick]) {
            pick = enabled[j];
          }
        }
      }
      m.step(pick);
      if (depth > 0) {
        int steps = m.events();
        for (int j = 0; j < changeAt.length; j++) {
          if (changeAt[j] == steps) {
            priority[pick] = depth - 1 - j;
          }
        }
      }
    }
    return runner.record(i);
  }

  /**
   * The number of steps of the execution in which CPUs run in order without preemption and
   * nothing fails under pressure: PCT's estimate of the execution length.
   */
  static int estimateSteps(Runner runner) {
    Machine m = runner.m;
    m.setOracle(ChoiceOracle.ORDINARY);
    m.start(runner.model);
    int current = 0;
    while (!m.over()) {
      if (!m.enabled(current)) {
        for (int c = 0; c < m.cpus(); c++) {
          if (m.enabled(c)) {
            current = c;
            break;
          }
        }
      }
      m.step(current);
    }
    return m.events();
  }
}
