package io.foliolab.sim;

/**
 * A callback queued with {@link Cpu#callRcu}: runs once every CPU that was inside an RCU
 * read-side section when it was queued has left that section (the end of a grace period). It runs
 * as part of the step that ends the grace period, on that step's CPU, and may perform any number
 * of shared accesses (typically a free to an allocator).
 */
@FunctionalInterface
public interface RcuCallback {
  /** Runs the callback; {@code cpu} is the CPU whose step completed the grace period. */
  void invoke(Cpu cpu);
}
