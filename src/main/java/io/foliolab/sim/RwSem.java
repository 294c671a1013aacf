package io.foliolab.sim;

/**
 * A read-write semaphore ({@code struct rw_semaphore}, e.g. {@code mapping->i_mmap_rwsem}):
 * {@link Cpu#downRead}, {@link Cpu#upRead}, {@link Cpu#downWrite}, {@link Cpu#upWrite}. The cell
 * holds the number of readers, or -1 while a writer holds it. Readers are not held back by a
 * waiting writer (the kernel's writer preference is not modeled).
 */
public final class RwSem extends Cell {
  int writer = -1;

  /** Creates an unlocked semaphore named {@code name}. */
  public RwSem(Machine machine, String name) {
    super(machine, name, 0, null);
  }

  /** Readers holding it, or -1 if a writer does; for assertions only. */
  public long peek() {
    peeked();
    return value;
  }

  @Override
  String show(long v, Object r) {
    return v < 0 ? "write-locked" : v == 0 ? "unlocked" : v + " readers";
  }

  @Override
  String show() {
    return show(value, null);
  }
}
