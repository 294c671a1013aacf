package io.foliolab.xarray;

/**
 * An internal entry other than a node: the model of {@code xa_mk_internal(v)}, the word
 * {@code (v << 2) | 2} (include/linux/xarray.h, v6.18). Internal numbers 0..255 are sibling
 * entries (only 0..{@code XA_CHUNK_SIZE - 2} are ever produced), 256 is {@code XA_RETRY_ENTRY},
 * 257 is {@code XA_ZERO_ENTRY}, and -4095..-1 are errors ({@link XaError}). Node pointers are
 * {@link XaNode} objects, not instances of this class.
 *
 * <p>Every internal entry is interned: there is exactly one object per internal number, so the
 * kernel's word comparison is Java identity.
 */
public sealed class XaInternal permits XaError {
  final int number;

  XaInternal(int number) {
    this.number = number;
  }

  /**
   * Returns the internal number {@code v} of {@code xa_mk_internal(v)} ({@code xa_to_internal},
   * include/linux/xarray.h, v6.18). Context: any; pure.
   */
  public final int internalNumber() {
    return number;
  }

  @Override
  public String toString() {
    return XaEntry.describe(this);
  }
}
