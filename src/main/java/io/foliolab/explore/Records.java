package io.foliolab.explore;

/** Where an exploration engine puts its execution records. */
interface Records {
  /** Takes a record; false once the exploration must stop (a budget is spent). */
  boolean accept(Execution e);

  /** Whether the exploration must stop. */
  boolean exhausted();

  /** Counts one exploration abandoned because every enabled CPU was asleep. */
  void redundant();
}
