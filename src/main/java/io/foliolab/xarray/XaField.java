package io.foliolab.xarray;

/**
 * The kinds of shared word an XArray keeps in memory. Together with an owner (an {@link XArray} or
 * an {@link XaNode}) and an index, a field names one word that a CPU can load or store; the
 * simulated machine uses that name to decide which steps conflict.
 *
 * <p>Models the fields of {@code struct xarray} and {@code struct xa_node} in
 * include/linux/xarray.h (v6.18).
 */
public enum XaField {
  /** {@code xa->xa_head}; owner is the {@link XArray}, index 0. */
  HEAD,
  /** One mark bit of {@code xa->xa_flags} (the root summary); owner the {@link XArray}, index the mark. */
  FLAG_MARK,
  /** {@code node->slots[index]}. */
  SLOT,
  /** {@code node->marks[mark]} bit {@code offset}; index is {@code mark * XA_CHUNK_SIZE + offset}. */
  MARK,
  /** {@code node->shift}. */
  SHIFT,
  /** {@code node->offset}. */
  OFFSET,
  /** {@code node->count}. */
  COUNT,
  /** {@code node->nr_values}. */
  NR_VALUES,
  /** {@code node->parent}. */
  PARENT,
  /** {@code node->array} ({@code XA_RCU_FREE} once handed to RCU). */
  ARRAY
}
