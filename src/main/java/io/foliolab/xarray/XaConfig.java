package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Objects;

/**
 * Immutable per-array configuration: {@code XA_CHUNK_SHIFT} and the kernel variants of the
 * functions of lib/xarray.c and include/linux/xarray.h that changed over time. {@link #DEFAULT} is
 * the current kernel (v6.18 with the 2025 {@code xas_try_split} series) with 64-slot nodes.
 *
 * <pre>{@code
 * XaConfig small = XaConfig.DEFAULT.withChunkShift(4);
 * XaConfig old = XaConfig.DEFAULT.withDescend(XaConfig.Descend.ONE_HOP);
 * }</pre>
 */
public final class XaConfig {
  /** {@code XA_CHUNK_SHIFT} without {@code CONFIG_BASE_SMALL}. */
  public static final int DEFAULT_CHUNK_SHIFT = 6;

  /**
   * Which slots of a new child node {@code xas_split} / {@code xas_try_split} (lib/xarray.c) mark;
   * each constant names its commit.
   */
  public enum SplitMarks {
    /**
     * Every slot of a new child node gets the marks of the split entry, siblings included
     * ({@code node_mark_all}), as introduced with multi-order page-cache splitting (c010d47f107f)
     * and kept until May 2024. Splitting a marked entry to an order &gt; 0 then leaves marks on
     * sibling slots, and marked iteration can return sibling entries.
     */
    C010D47F107F,
    /**
     * Only the canonical slots of the new child are marked ({@code node_mark_slots}: all slots
     * when splitting to order 0, else every {@code xa_sibs + 1}-th): "XArray: Set the marks
     * correctly when splitting an entry" (2a0774c2886d, May 2024). Current kernels.
     */
    V2A0774C2886D
  }

  /**
   * How {@code xas_reload} (include/linux/xarray.h) re-reads the slot; each constant names its
   * kernel version or proposal.
   */
  public enum Reload {
    /**
     * Current {@code xas_reload} (include/linux/xarray.h with {@code CONFIG_XARRAY_MULTI}):
     * recompute the slot from {@code xa_index} ({@code (index >> shift) & XA_CHUNK_MASK}), read
     * it, and if it is a sibling follow it exactly once. The commit that introduced the
     * index-based form was not pinned down (kernel-notes/xarray.md section 11).
     */
    CURRENT,
    /**
     * Re-read {@code slots[xa_offset]}, the canonical slot found by the walk: what
     * {@code xas_reload} does without {@code CONFIG_XARRAY_MULTI} and what very old kernels did.
     * The hypothesis examined in the March 2026 "large folio split race" thread: it does not
     * notice that the reader's own index now belongs to another entry.
     */
    RELOAD_CANONICAL
  }

  /**
   * How {@code xas_descend} (lib/xarray.c) resolves sibling entries; each constant names its
   * commits.
   */
  public enum Descend {
    /**
     * Current {@code xas_descend}: loop while the entry read is a sibling, turning a node pointer
     * reached through a sibling of a non-leaf node into {@code XA_RETRY_ENTRY}. The loop is
     * cbc02854331e "XArray: Do not return sibling entries from xa_load()" (Jul 2023, v6.6); the
     * retry conversion is 63b1898fffcd "XArray: Disallow sibling entries of nodes" (2022, v5.18).
     */
    CURRENT,
    /**
     * One hop with the node-to-retry conversion: 63b1898fffcd up to cbc02854331e. A sibling that
     * points at another sibling (possible during a concurrent {@code xa_store_range}) is returned
     * to the caller.
     */
    ONE_HOP_RETRY,
    /**
     * The original single hop without the retry conversion (before 63b1898fffcd): a lookup that
     * followed a sibling to a slot that meanwhile became a node descends into that node and can
     * return the entry of another index (the 2022 syzbot report, 0x234 vs 0x274).
     */
    ONE_HOP
  }

  /**
   * What {@code xas_destroy} (lib/xarray.c) does with the unused preallocated nodes; each constant
   * names its commit.
   */
  public enum Destroy {
    /**
     * Walk the whole {@code xa_alloc} chain and free every node with
     * {@code radix_tree_node_rcu_free} called directly, which zeroes slots and marks: since
     * 8fc75643c5e1 "XArray: add xas_split" (v5.11). Current kernels.
     */
    CURRENT,
    /**
     * {@code kmem_cache_free} of the single {@code xa_alloc} node without zeroing (before
     * 8fc75643c5e1, when the chain held at most one pristine node from {@code xas_nomem}). Any
     * further chain nodes are leaked. Combined with {@code xas_split_alloc} (which did not exist
     * then) this returns prefilled nodes to the slab with their stale slots: a what-if, not a
     * kernel that ever shipped.
     */
    KMEM_CACHE_FREE
  }

  /** The current kernel with 64-slot nodes. */
  public static final XaConfig DEFAULT = new XaConfig(DEFAULT_CHUNK_SHIFT,
      SplitMarks.V2A0774C2886D, Reload.CURRENT, Descend.CURRENT, Destroy.CURRENT);

  private final int chunkShift;
  private final SplitMarks splitMarks;
  private final Reload reload;
  private final Descend descend;
  private final Destroy destroy;

  private XaConfig(int chunkShift, SplitMarks splitMarks, Reload reload, Descend descend,
      Destroy destroy) {
    checkArgument(chunkShift == 4 || chunkShift == 6,
        "chunk shift %s: XA_CHUNK_SHIFT must be 4 (CONFIG_BASE_SMALL) or 6", chunkShift);
    this.chunkShift = chunkShift;
    this.splitMarks = checkNotNull(splitMarks, "splitMarks");
    this.reload = checkNotNull(reload, "reload");
    this.descend = checkNotNull(descend, "descend");
    this.destroy = checkNotNull(destroy, "destroy");
  }

  /** {@code XA_CHUNK_SHIFT}: 6 (64-slot nodes) or 4 (16-slot nodes). */
  public int chunkShift() {
    return chunkShift;
  }

  public SplitMarks splitMarks() {
    return splitMarks;
  }

  public Reload reload() {
    return reload;
  }

  public Descend descend() {
    return descend;
  }

  public Destroy destroy() {
    return destroy;
  }

  /** This configuration with another chunk shift (4 or 6). */
  public XaConfig withChunkShift(int shift) {
    return new XaConfig(shift, splitMarks, reload, descend, destroy);
  }

  public XaConfig withSplitMarks(SplitMarks v) {
    return new XaConfig(chunkShift, v, reload, descend, destroy);
  }

  public XaConfig withReload(Reload v) {
    return new XaConfig(chunkShift, splitMarks, v, descend, destroy);
  }

  public XaConfig withDescend(Descend v) {
    return new XaConfig(chunkShift, splitMarks, reload, v, destroy);
  }

  public XaConfig withDestroy(Destroy v) {
    return new XaConfig(chunkShift, splitMarks, reload, descend, v);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof XaConfig)) {
      return false;
    }
    XaConfig c = (XaConfig) o;
    return chunkShift == c.chunkShift && splitMarks == c.splitMarks && reload == c.reload
        && descend == c.descend && destroy == c.destroy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(chunkShift, splitMarks, reload, descend, destroy);
  }

  @Override
  public String toString() {
    return "XaConfig{chunkShift=" + chunkShift + ", splitMarks=" + splitMarks + ", reload="
        + reload + ", descend=" + descend + ", destroy=" + destroy + "}";
  }
}
