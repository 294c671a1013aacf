package io.foliolab.xarray;

/**
 * The allocation contexts the XArray allocates nodes with (include/linux/gfp_types.h, v6.18). Only
 * the property the XArray looks at is modelled: whether the allocation may sleep
 * ({@code gfpflags_allow_blocking}), which decides whether {@code __xas_nomem} drops the
 * {@code xa_lock} around it.
 */
public enum XaGfp {
  /** {@code GFP_NOWAIT}: used by {@code xas_alloc} and {@code xas_try_split} under the lock. */
  GFP_NOWAIT(false),
  /** {@code GFP_ATOMIC}. */
  GFP_ATOMIC(false),
  /** {@code GFP_KERNEL}: may sleep; {@code xas_nomem}, {@code xas_split_alloc} callers. */
  GFP_KERNEL(true),
  /** A gfp of 0, as the page cache passes to {@code __xa_store} after a split: cannot sleep. */
  NONE(false);

  private final boolean blocking;

  XaGfp(boolean blocking) {
    this.blocking = blocking;
  }

  /**
   * {@code gfpflags_allow_blocking(gfp)} (include/linux/gfp.h, v6.18): returns true if the
   * allocation may sleep. Context: any; pure.
   */
  public boolean allowsBlocking() {
    return blocking;
  }
}
