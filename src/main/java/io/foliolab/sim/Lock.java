package io.foliolab.sim;

/**
 * A mutual-exclusion lock: a spinlock ({@code spin_lock}: {@code xa_lock}, a swap cluster lock)
 * or a sleeping lock ({@code mutex_lock}). A CPU that finds it held is blocked and is not
 * scheduled until it is released, so a spinning CPU costs no steps. The cell holds 0 when free,
 * 1 + the holder's CPU number when held.
 */
public final class Lock extends Cell {
  /** Whether CPUs sleep (mutex) or spin (spinlock) while waiting; only the messages differ. */
  public enum Kind {
    SPIN,
    SLEEP
  }

  final Kind kind;

  /** Creates a free lock named {@code name}. */
  public Lock(Machine machine, String name, Kind kind) {
    super(machine, name, 0, null);
    this.kind = kind;
  }

  /** Creates a free spinlock named {@code name}. */
  public static Lock spin(Machine machine, String name) {
    return new Lock(machine, name, Kind.SPIN);
  }

  /** The CPU holding the lock, or -1; for assertions and dumps only. */
  public int holder() {
    return (int) value - 1;
  }

  @Override
  String show(long v, Object r) {
    return v == 0 ? "unlocked" : "locked by CPU " + (v - 1);
  }

  @Override
  String show() {
    return show(value, null);
  }
}
