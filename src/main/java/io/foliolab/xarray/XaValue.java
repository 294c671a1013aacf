package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A value entry: the model of the word {@code (v << 1) | 1} produced by {@code xa_mk_value(v)}
 * (include/linux/xarray.h, v6.18). Immutable; two value entries are the same machine word exactly
 * when their values are equal, so {@link #equals} compares values and {@link XaEntry#same} treats
 * equal values as the same word.
 *
 * <p>In the page cache value entries are shadow (workingset) entries and shmem swap entries.
 */
public final class XaValue {
  private final long value;

  XaValue(long value) {
    checkArgument(value >= 0, "xa_mk_value(%s): the value must be non-negative (0..2^63-1)", value);
    this.value = value;
  }

  /**
   * Returns the integer this entry encodes ({@code xa_to_value}, include/linux/xarray.h, v6.18).
   * Context: any; pure.
   */
  public long value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof XaValue && ((XaValue) o).value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return "value(0x" + Long.toHexString(value) + ")";
  }
}
