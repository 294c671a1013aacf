package io.foliolab.sim;

/**
 * One store waiting to become visible: recorded from a write-side operation (or the second half of
 * a non-atomic read-modify-write) and published by a later step of the same CPU.
 */
interface Publication {
  /** The location written. */
  Cell cell();

  /** Makes the store visible. */
  void apply();

  /** The value stored, as text. */
  String shown();

  /** The access kind: {@link Machine#WRITE}, with {@link Machine#RELEASE} if ordered. */
  default int kind() {
    return Machine.WRITE;
  }

  /** The label of the step that made the store (publications are labeled with it), or null. */
  default String label() {
    return null;
  }

  /** Whether this is the last store of a write-side operation. */
  default boolean lastOfOperation() {
    return false;
  }

  /** Called after the last store of an operation became visible (may perform accesses). */
  default void published(Cpu cpu) {}
}
