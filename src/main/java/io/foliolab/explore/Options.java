package io.foliolab.explore;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Exploration settings. Immutable; start from {@link #defaults()} and use the {@code with}
 * methods.
 *
 * @param seed seed for the sampling strategies
 * @param pressure memory-pressure level p in [0, 1]: sampling strategies take the pressure
 *     alternative of a choice point with this probability
 * @param maxExecutions stop after this many executions (budget)
 * @param maxSeconds stop after this much wall-clock time (budget), 0 for none
 * @param workers worker threads (results do not depend on it)
 * @param stepBound an execution longer than this ends with HANG
 * @param memory the memory model the machine runs under ({@link MemoryModel#SC} by default)
 */
public record Options(
    long seed, double pressure, long maxExecutions, double maxSeconds, int workers,
    int stepBound, MemoryModel memory) {
  public Options {
    checkArgument(memory != null, "memory model must not be null");
    checkArgument(pressure >= 0 && pressure <= 1, "pressure %s must be in [0, 1]", pressure);
    checkArgument(maxExecutions >= 1, "execution budget %s must be >= 1", maxExecutions);
    checkArgument(maxSeconds >= 0, "time budget %s must be >= 0 seconds", maxSeconds);
    checkArgument(workers >= 1 && workers <= 256, "workers %s must be in [1, 256]", workers);
    checkArgument(stepBound >= 1, "step bound %s must be >= 1", stepBound);
  }

  /** Seed 0, pressure 0, no budget, one worker, step bound 100,000, sequential consistency. */
  public static Options defaults() {
    return new Options(0, 0, Long.MAX_VALUE, 0, 1, 100_000, MemoryModel.SC);
  }

  public Options withSeed(long s) {
    return new Options(s, pressure, maxExecutions, maxSeconds, workers, stepBound, memory);
  }

  public Options withPressure(double p) {
    return new Options(seed, p, maxExecutions, maxSeconds, workers, stepBound, memory);
  }

  public Options withMaxExecutions(long n) {
    return new Options(seed, pressure, n, maxSeconds, workers, stepBound, memory);
  }

  public Options withMaxSeconds(double s) {
    return new Options(seed, pressure, maxExecutions, s, workers, stepBound, memory);
  }

  public Options withWorkers(int w) {
    return new Options(seed, pressure, maxExecutions, maxSeconds, w, stepBound, memory);
  }

  /** All available processors as workers. */
  public Options withAllCores() {
    return withWorkers(Runtime.getRuntime().availableProcessors());
  }

  public Options withStepBound(int b) {
    return new Options(seed, pressure, maxExecutions, maxSeconds, workers, b, memory);
  }

  /** The same options under memory model {@code m}. */
  public Options withMemory(MemoryModel m) {
    return new Options(seed, pressure, maxExecutions, maxSeconds, workers, stepBound, m);
  }
}
