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
}
