package io.foliolab.explore;

import com.google.common.collect.ImmutableMap;
import io.foliolab.sim.Outcome;
import java.util.EnumMap;
import java.util.Map;

/**
 * Numbers execution records in output order, forwards them to the listener, keeps the counts and
 * the first failure, and watches the budgets and interrupts. Not thread-safe: called by one thread
 * at a time.
 *
 * <p>An interrupt stops the exploration as a spent budget does ({@link #accept} returns false and
 * takes no more records, {@link #exhausted} returns true), but is reported apart
 * ({@link #interrupted()}): the explorer then throws {@link ExplorationInterruptedException}
 * rather than return a summary. The sink notices an interrupt when the thread that calls
 * {@link #accept} or {@link #exhausted} has its interrupt status set (it is left set), or when an
 * engine calls {@link #interrupt()}.
 */
final class Sink implements Records {
  private final ExecutionListener listener;
  private final Options options;
  private final long startNanos = System.nanoTime();
  private final long[] counts = new long[Outcome.values().length];
  private long executions;
  private Execution firstFailure;
  private String stoppedBy = "";
  private boolean interrupted;
  long redundant;
  long states;
  long cacheHits;
  int rounds;

  Sink(ExecutionListener listener, Options options) {
    this.listener = listener;
    this.options = options;
  }

  /**
   * Accepts {@code e} (its id is replaced by the next number); false once a budget is spent or
   * the exploration is interrupted. A record offered after that is dropped: the listener never
   * sees it.
   */
  @Override
  public boolean accept(Execution e) {
    if (!stoppedBy.isEmpty() || checkInterrupt()) {
      return false;
    }
    Execution r = e.withId(executions++);
    counts[r.outcome().ordinal()]++;
    if (firstFailure == null && r.failed()) {
      firstFailure = r;
    }
    listener.accept(r);
    return !exhausted();
  }

  /** Whether a budget is spent (checks the clock) or the exploration is interrupted. */
  @Override
  public boolean exhausted() {
    if (!stoppedBy.isEmpty() || checkInterrupt()) {
      return true;
    }
    if (executions >= options.maxExecutions()) {
      stoppedBy = "executions";
    } else if (options.maxSeconds() > 0 && seconds() >= options.maxSeconds()) {
      stoppedBy = "seconds";
    }
    return !stoppedBy.isEmpty();
  }

  @Override
  public void redundant() {
    redundant++;
  }

  /**
   * Whether the exploration is interrupted: {@link #interrupt()} was called, or the calling
   * thread's interrupt status is set now (it stays set). One volatile read when not interrupted.
   */
  boolean checkInterrupt() {
    if (!interrupted && Thread.currentThread().isInterrupted()) {
      interrupted = true;
    }
    return interrupted;
  }

  /** Marks the exploration interrupted (an engine's thread noticed an interrupt). */
  void interrupt() {
    interrupted = true;
  }

  /** Whether the exploration was interrupted (see {@link #checkInterrupt()}). */
  boolean interrupted() {
    return interrupted;
  }

  /** Whether the time budget is spent. */
  boolean timeSpent() {
    return options.maxSeconds() > 0 && seconds() >= options.maxSeconds();
  }

  long executions() {
    return executions;
  }

  double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** The summary; {@code finished} says whether the strategy ran out of work (not of budget). */
  Summary summary(String strategy, boolean finished) {
    Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      m.put(o, counts[o.ordinal()]);
    }
    String why = finished ? "" : stoppedBy.isEmpty() ? "executions" : stoppedBy;
    return new Summary(strategy, executions, finished, why, ImmutableMap.copyOf(m), firstFailure,
        redundant, states, cacheHits, rounds, seconds());
  }
}
