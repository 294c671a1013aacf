package io.foliolab.sim;

/**
 * A plain machine word ({@code int}, {@code unsigned long}, an index, a size): loaded with
 * {@link Cpu#read(Word)} ({@code READ_ONCE} or a plain C load) and stored with
 * {@link Cpu#write(Word, long)}. A read-modify-write of a plain word takes two steps and can lose a
 * concurrent update, as in C.
 */
public final class Word extends Cell {
  /** Creates a word named {@code name} holding {@code initial}. */
  public Word(Machine machine, String name, long initial) {
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
