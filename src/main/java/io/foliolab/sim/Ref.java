package io.foliolab.sim;

/**
 * A shared pointer (a slot, {@code folio->mapping}, a list head). Loads: {@link Cpu#read(Ref)}
 * ({@code READ_ONCE} / {@code rcu_dereference}), {@link Cpu#loadAcquire(Ref)}; stores:
 * {@link Cpu#write(Ref, Object)}, {@link Cpu#storeRelease(Ref, Object)}
 * ({@code rcu_assign_pointer}); {@link Cpu#cmpxchg(Ref, Object, Object)}. Pointers compare by
 * identity.
 *
 * @param <T> what it points to
 */
public final class Ref<T> extends Cell {
  /** Creates a pointer named {@code name} holding {@code initial} (may be null). */
  public Ref(Machine machine, String name, T initial) {
    super(machine, name, 0, initial);
  }

  /** The current pointer, without reporting an access: for setup, assertions and dumps only. */
  @SuppressWarnings("unchecked")
  public T peek() {
    peeked();
    return (T) peekRef();
  }

  /** Sets the pointer without reporting an access: for building the initial state only. */
  public void init(T value) {
    initializing();
    ref = value;
  }

  @Override
  String show(long v, Object r) {
    return r == null ? "NULL" : String.valueOf(r);
  }

  @Override
  String show() {
    return show(0, ref);
  }
}
