package io.foliolab.sim;

/** How an execution ended. Every kind but {@link #OK} is a failure. */
public enum Outcome {
  /** Every CPU finished and no check failed. */
  OK,
  /** A modeled {@code BUG_ON} / {@code VM_BUG_ON_FOLIO} fired. */
  BUG,
  /** A modeled bad dereference (e.g. a sibling entry used as a folio). */
  OOPS,
  /** A persistent livelock (every unfinished CPU waits in a retry loop), or the step bound hit. */
  HANG,
  /** Every unfinished CPU is blocked on a lock. */
  DEADLOCK,
  /** An invariant check failed. */
  CORRUPTION;

  /** Whether this is a failure (anything but {@link #OK}). */
  public boolean failed() {
    return this != OK;
  }
}
