package io.foliolab.xarray;

/** Which lib/xarray.c function asks the slab for a node; passed to the {@link XaAllocPolicy}. */
public enum XaAllocSite {
  /** {@code xas_alloc}: {@code GFP_NOWAIT} under the lock, when {@code xa_alloc} is empty. */
  XAS_ALLOC,
  /** {@code xas_nomem} / {@code __xas_nomem}: the caller's gfp, usually without the lock. */
  XAS_NOMEM,
  /** {@code xas_split_alloc}: the caller's gfp, without the lock. */
  XAS_SPLIT_ALLOC,
  /** {@code xas_try_split}: {@code GFP_NOWAIT} under the lock. */
  XAS_TRY_SPLIT
}
