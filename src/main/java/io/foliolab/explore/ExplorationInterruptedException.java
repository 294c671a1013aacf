package io.foliolab.explore;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * Thrown by {@link Explorer#explore} and {@link Explorer#minimize} when the exploration was
 * interrupted: the calling thread, or one of the exploration's worker threads, was interrupted
 * ({@link Thread#interrupt}). The exploration stops at its next execution boundary: an execution
 * in progress runs to its end (it is not cut mid-way) and is not reported.
 *
 * <p>When this is thrown, every worker thread has ended, no record reaches the listener any more,
 * and the calling thread's interrupt status is set (whichever thread the interrupt reached). The
 * records the listener received are the first {@link #executions()} records of the uninterrupted
 * exploration (ids 0 to {@code executions() - 1}): an interrupt shortens the output, it never
 * changes it. How many records get through before the exploration notices the interrupt depends
 * on timing when it runs on several workers.
 */
public final class ExplorationInterruptedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String strategy;
  private final long executions;

  /**
   * An interrupted exploration with {@code strategy} (as text) that had reported
   * {@code executions >= 0} records.
   */
  public ExplorationInterruptedException(String strategy, long executions) {
    super(Objects.requireNonNull(strategy, "strategy") + " interrupted after " + executions
        + " executions reported");
    checkArgument(executions >= 0, "executions %s must be >= 0", executions);
    this.strategy = strategy;
    this.executions = executions;
  }

  /** The strategy that was interrupted, as text (e.g. {@code "dpor"}). */
  public String strategy() {
    return strategy;
  }

  /** Records the listener had received when the exploration stopped. */
  public long executions() {
    return executions;
  }
}
