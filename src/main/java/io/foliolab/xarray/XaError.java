package io.foliolab.xarray;

/**
 * An error entry {@code XA_ERROR(errno)} = {@code xa_mk_internal(errno)} with a negative errno
 * in -4095..-1 (include/linux/xarray.h, v6.18). The normal API returns these where the kernel
 * returns an entry ({@code xa_store}, {@code xa_cmpxchg}, ...), and an {@link XaState} holds one
 * in its {@code xa_node} when an operation failed. Errors are never stored in slots. Interned: one
 * object per errno; obtain them with {@link XaEntry#error(int)}.
 */
public final class XaError extends XaInternal {
  XaError(int errno) {
    super(errno);
  }

  /**
   * Returns the negative errno, as {@code xa_err()} (include/linux/xarray.h, v6.18) returns it.
   * Context: any; pure.
   */
  public int errno() {
    return internalNumber();
  }
}
