package io.foliolab.xarray;

/**
 * One store to a shared word of an XArray, as reported to an {@link XaObserver}: where, the value
 * before and after, and how it was ordered. {@link #undo} puts the old value back and {@link #redo}
 * the new one, so a recorded write-side operation can be rolled back and then published one store
 * at a time. Values of integer fields are boxed {@link Integer}s, mark bits {@link Boolean}s.
 */
public final class XaStore {
  private final Object owner;
  private final XaField field;
  private final int index;
  private final Object oldValue;
  private final Object newValue;
  private final XaOrder order;

  XaStore(Object owner, XaField field, int index, Object oldValue, Object newValue, XaOrder order) {
    this.owner = owner;
    this.field = field;
    this.index = index;
    this.oldValue = oldValue;
    this.newValue = newValue;
    this.order = order;
  }

  public Object owner() { return owner; }
  public XaField field() { return field; }
  public int index() { return index; }
  public Object oldValue() { return oldValue; }
  public Object newValue() { return newValue; }
  public XaOrder order() { return order; }

  /** Writes the old value back, bypassing any observer. */
  public void undo() { XaMemory.write(owner, field, index, oldValue); }

  /** Writes the new value again, bypassing any observer. */
  public void redo() { XaMemory.write(owner, field, index, newValue); }

  @Override
  public String toString() {
    return XaMemory.describe(owner, field, index) + ": " + XaEntry.describe(oldValue) + " -> "
        + XaEntry.describe(newValue) + (order == XaOrder.RELEASE ? " (release)" : "");
  }
}
