package io.foliolab.xarray;

/**
 * How a store is ordered with respect to the storing CPU's earlier stores, in the terms of the
 * Linux kernel memory model (tools/memory-model).
 */
public enum XaOrder {
  /** {@code WRITE_ONCE}, {@code RCU_INIT_POINTER} or a plain C assignment: no ordering by itself. */
  PLAIN,
  /** {@code rcu_assign_pointer} / {@code smp_store_release}: every earlier store is visible first. */
  RELEASE
}
