package io.foliolab.sim;

/**
 * An {@code atomic_t} / {@code atomic_long_t} (include/linux/atomic.h), e.g. {@code
 * folio->_refcount}. Its operations are on {@link Cpu}: {@link Cpu#atomicRead},
 * {@link Cpu#atomicSet}, {@link Cpu#atomicSetRelease}, {@link Cpu#atomicAdd},
 * {@link Cpu#atomicAddUnlessZero}, {@link Cpu#atomicCmpxchg}, {@link Cpu#atomicSubReturn}. Each is
 * one step and indivisible.
 */
public final class Atomic extends Cell {
  /** Creates an atomic named {@code name} holding {@code initial}. */
  public Atomic(Machine machine, String name, long initial) {
    super(machine, name, initial, null);
  }

  /** The current value, without reporting an access: for setup, assertions and dumps only. */
  public long peek() {
    peeked();
    return peekValue();
  }

  /** Sets the value without reporting an access: for building the initial state only. */
  public void init(long v) {
    initializing();
    value = v;
  }
}
