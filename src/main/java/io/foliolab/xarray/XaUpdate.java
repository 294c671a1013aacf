package io.foliolab.xarray;

/**
 * {@code xa_update_node_t} (include/linux/xarray.h, v6.18): the callback an {@link XaState} runs
 * whenever it changes a node's counts ({@code xas_update} in lib/xarray.c), with the xa_lock held.
 * The page cache installs {@code workingset_update_node} to keep shadow-only nodes on the
 * workingset LRU.
 */
@FunctionalInterface
public interface XaUpdate {
  /** Called with the xa_lock held after {@code node}'s count or nr_values changed. */
  void update(XaNode node);
}
