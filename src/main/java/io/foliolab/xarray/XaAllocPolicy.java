package io.foliolab.xarray;

/**
 * Decides whether a node allocation ({@code kmem_cache_alloc_lru} on the {@code radix_tree_node}
 * cache) succeeds. The explorer installs one to make allocation failure a choice point or a
 * random event under memory pressure.
 */
@FunctionalInterface
public interface XaAllocPolicy {
  /** Every allocation succeeds (the default). */
  XaAllocPolicy ALWAYS = (gfp, site) -> true;

  /** Every allocation fails. */
  XaAllocPolicy NEVER = (gfp, site) -> false;

  /**
   * Returns true if the allocation succeeds.
   *
   * @param gfp the allocation context
   * @param site the lib/xarray.c function allocating
   */
  boolean allocate(XaGfp gfp, XaAllocSite site);
}
