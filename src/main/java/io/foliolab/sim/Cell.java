package io.foliolab.sim;

import java.util.Objects;

/**
 * One shared memory location of the simulated machine: a word, an atomic, a flag word, a pointer,
 * a lock, or a word of an XArray. Every cell has a location number, unique within one execution
 * and assigned in creation order, so that the same cell has the same number in every execution of
 * a deterministic model; the explorer uses these numbers to decide which steps conflict.
 *
 * <p>Step programs never touch a cell's value directly: they go through the {@link Cpu}, which
 * reports the access. Values live in {@link #value} (integers, bit sets, lock words) or
 * {@link #ref} (pointers), whichever the subclass uses.
 */
public abstract class Cell {
  final int loc;
  final String name;
  /** Hash of the name: the cell's identity in state fingerprints (numbers can differ by path). */
  final long key;
  /** The machine, for {@link #peeked()}; null for cells placed by a binding. */
  final Machine machine;
  long value;
  Object ref;

  /** Registers a new cell with {@code machine}; its initial value is {@code value} / {@code ref}. */
  Cell(Machine machine, String name, long value, Object ref) {
    this.name = Objects.requireNonNull(name, "name");
    this.value = value;
    this.ref = ref;
    this.key = StateHash.of(name);
    this.machine = machine;
    this.loc = machine.register(this);
  }

  /** A cell placed at a reserved location (see {@link Machine#reserve}); not registered here. */
  Cell(int loc, String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.key = StateHash.of(name);
    this.machine = null;
    this.loc = loc;
  }

  /**
   * Called by the {@code init} methods before they change the value: an {@code init} during an
   * execution (an allocator recycling a folio) changes the state without an access, which
   * matters to state fingerprints.
   */
  final void initializing() {
    if (machine != null) {
      machine.initializing(this);
    }
  }

  /**
   * Called by the {@code peek} methods: a step that peeks (reads without an access, e.g. in a
   * {@code VM_BUG_ON} or a local computation) has observed the value, which matters to state
   * fingerprints. Nothing is recorded for the explorer's dependency tracking.
   */
  final void peeked() {
    if (machine != null) {
      machine.peeked(this);
    }
  }

  /**
   * The value a peek sees. A peek inside a step is a load by the CPU running it, so in weak memory
   * mode it sees that CPU's newest buffered store to this cell (store forwarding, as
   * {@link Cpu#read} does); otherwise, and between steps, the value in memory.
   */
  final long peekValue() {
    if (machine != null) {
      Cpu.Buffered b = machine.bufferedForPeek(this);
      if (b != null) {
        return b.value;
      }
    }
    return value;
  }

  /** Like {@link #peekValue()}, for pointer cells. */
  final Object peekRef() {
    if (machine != null) {
      Cpu.Buffered b = machine.bufferedForPeek(this);
      if (b != null) {
        return b.ref;
      }
    }
    return ref;
  }

  /** The current value as an object (for cells whose value lives elsewhere). */
  Object currentRef() {
    return ref;
  }

  /** Whether two values of this cell are the same. */
  boolean same(long v1, Object r1, long v2, Object r2) {
    return v1 == v2 && r1 == r2;
  }

  /** The location number: dense, starting at 0 in each execution, in creation order. */
  public final int location() {
    return loc;
  }

  /** The name given at creation, used in traces ({@code "folio@0x7650._refcount"}). */
  public final String name() {
    return name;
  }

  /** Whether the cell currently holds {@code v} / {@code r}; used by retry-loop detection. */
  boolean holds(long v, Object r) {
    return value == v && ref == r;
  }

  /** The current value as shown in traces. */
  String show() {
    return ref != null ? String.valueOf(ref) : Long.toString(value);
  }

  /** Shows the value {@code v} / {@code r} of this cell as a trace would. */
  String show(long v, Object r) {
    return r != null ? String.valueOf(r) : Long.toString(v);
  }

  @Override
  public String toString() {
    return name + "=" + show();
  }
}
