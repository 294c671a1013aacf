package io.foliolab.sim;

/**
 * A word of flag bits ({@code folio->flags}): atomic bit operations ({@link Cpu#testBit},
 * {@link Cpu#setBit}, {@link Cpu#clearBit}, {@link Cpu#testAndSetBit}), the sleeping bit lock
 * ({@link Cpu#lockBit}, {@link Cpu#unlockBit}, the folio lock on {@code PG_locked}), and the
 * non-atomic {@link Cpu#nonAtomicSetBit} ({@code __folio_set_locked}), which loads the word in one
 * step and stores it in the next, so a concurrent atomic update in between is lost.
 *
 * <p>Operations on different bits of the same word do not conflict (the explorer compares bit
 * masks), except the non-atomic ones, which read and write the whole word.
 */
public final class Flags extends Cell {
  /** For each bit used as a lock: 1 + the CPU holding it, or 0; for messages only. */
  final int[] holder = new int[64];

  /** Creates a flag word named {@code name} holding {@code initial}. */
  public Flags(Machine machine, String name, long initial) {
    super(machine, name, initial, null);
  }

  /** The current bits, without reporting an access: for setup, assertions and dumps only. */
  public long peek() {
    peeked();
    return value;
  }

  /** Whether {@code bit} is set, without reporting an access: for dumps and assertions only. */
  public boolean peekBit(int bit) {
    if (machine != null) {
      machine.peekedBits(this, 1L << bit);
    }
    return (value & (1L << bit)) != 0;
  }

  /** Sets or clears {@code bit} without reporting an access: for building the initial state. */
  public void init(int bit, boolean set) {
    initializing();
    if (set) {
      value |= 1L << bit;
    } else {
      value &= ~(1L << bit);
    }
  }

  @Override
  String show(long v, Object r) {
    return "0x" + Long.toHexString(v);
  }

  @Override
  String show() {
    return show(value, null);
  }
}
