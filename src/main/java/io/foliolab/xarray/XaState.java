package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;
import static io.foliolab.xarray.XaEntry.XA_RETRY_ENTRY;
import static io.foliolab.xarray.XaEntry.XA_ZERO_ENTRY;

/**
 * The XArray operation state, {@code struct xa_state} ("xas"), and the advanced API of
 * lib/xarray.c and include/linux/xarray.h (v6.18 plus the 2025 {@code xas_try_split} series):
 * {@code xas_foo(&xas, ...)} is {@code xas.foo(...)}. {@code XA_STATE(xas, xa, index)} is
 * {@code new XaState(xa, index)} and {@code XA_STATE_ORDER(xas, xa, index, order)} is
 * {@code new XaState(xa, index, order)}.
 *
 * <p>The cursor fields are private to the CPU that owns the cursor; every access to the array's
 * shared words goes through the {@link XArray}'s load and store primitives. Readers may use the
 * read functions ({@link #load}, {@link #reload}, {@link #find}, ...) under RCU alone; every
 * function that writes asserts, like lockdep, that the array's {@code xa_lock} is held.
 *
 * <p>Iteration macros translate directly:
 *
 * <pre>{@code
 * // xas_for_each(&xas, entry, max)
 * for (Object entry = xas.find(max); entry != null; entry = xas.nextEntry(max)) { ... }
 * // xas_for_each_marked(&xas, entry, max, mark)
 * for (Object e = xas.findMarked(max, mark); e != null; e = xas.nextMarked(max, mark)) { ... }
 * // xas_for_each_conflict(&xas, entry)
 * for (Object entry; (entry = xas.findConflict()) != null; ) { ... }
 * }</pre>
 *
 * <p>Indices are unsigned: {@code -1L} is {@code ULONG_MAX}.
 */
public final class XaState {
  /**
   * The special values of {@code xa_node} that are not nodes: {@code XAS_RESTART},
   * {@code XAS_BOUNDS} (include/linux/xarray.h, v6.18).
   */
  public static final class Sentinel {
    private final String name;
    private final int raw;

    private Sentinel(String name, int raw) {
      this.name = name;
      this.raw = raw;
    }

    /** The raw pointer value in the kernel (3 for RESTART, 1 for BOUNDS). */
    public int raw() {
      return raw;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code XAS_RESTART}: not walked yet; the next operation starts from the head. */
  public static final Sentinel XAS_RESTART = new Sentinel("XAS_RESTART", 3);
  /** {@code XAS_BOUNDS}: walked off the end of the array. */
  public static final Sentinel XAS_BOUNDS = new Sentinel("XAS_BOUNDS", 1);

  final XArray xa;
  long index;
  int shift;
  int sibs;
  int offset;
  /** {@code xa_node}: an {@link XaNode}, null (the head), a {@link Sentinel} or an {@link XaError}. */
  Object node;
  /** {@code xa_alloc}: chain of preallocated nodes linked through {@code parent}. */
  XaNode alloc;
  XaUpdate update;

  /**
   * {@code XA_STATE(name, xa, index)} (include/linux/xarray.h, v6.18): a cursor at {@code index},
   * order 0, not yet walked. Context: any; the cursor belongs to the caller.
   */
  public XaState(XArray xa, long index) {
    this.xa = checkNotNull(xa, "xa");
    this.index = index;
    this.node = XAS_RESTART;
  }

  /**
   * {@code XA_STATE_ORDER(name, xa, index, order)} (include/linux/xarray.h, v6.18): a cursor for an
   * order-{@code order} entry; the index is rounded down to a multiple of {@code 2^order}, as
   * {@link #setOrder} does. Context: any; the cursor belongs to the caller.
   *
   * @throws IllegalArgumentException unless {@code 0 <= order <= 63}
   */
  public XaState(XArray xa, long index, int order) {
    this.xa = checkNotNull(xa, "xa");
    checkArgument(order >= 0 && order < 64, "XA_STATE_ORDER: order %s must be in 0..63", order);
    setOrder(index, order);
  }

  // ------------------------------------------------------------------ cursor fields

  /** {@code xas->xa}. */
  public XArray xa() {
    return xa;
  }

  /** {@code xas->xa_index}. */
  public long index() {
    return index;
  }

  /** Assigns {@code xas->xa_index} directly (as kernel code sometimes does); no walk. */
  public void setIndex(long index) {
    this.index = index;
  }

  /** {@code xas->xa_shift}: the node shift at which an entry of this order lives. */
  public int shift() {
    return shift;
  }

  /** Assigns {@code xas->xa_shift}. */
  public void setShift(int shift) {
    checkArgument(shift >= 0 && shift <= 64, "xa_shift %s must be in 0..64", shift);
    this.shift = shift;
  }

  /** {@code xas->xa_sibs}: number of sibling slots following the canonical slot. */
  public int sibs() {
    return sibs;
  }

  /** Assigns {@code xas->xa_sibs}. */
  public void setSibs(int sibs) {
    checkArgument(sibs >= 0 && sibs < xa.chunkSize, "xa_sibs %s must be in 0..%s", sibs,
        xa.chunkSize - 1);
    this.sibs = sibs;
  }

  /** {@code xas->xa_offset}: the slot in {@code xa_node} the cursor refers to. */
  public int offset() {
    return offset;
  }

  /** Assigns {@code xas->xa_offset}. */
  public void setOffset(int offset) {
    this.offset = offset;
  }

  /**
   * {@code xas->xa_node} as it is: an {@link XaNode}, null (the entry is the head),
   * {@link #XAS_RESTART}, {@link #XAS_BOUNDS} or an {@link XaError}.
   */
  public Object xaNode() {
    return node;
  }

  /**
   * Assigns {@code xas->xa_node}.
   *
   * @throws IllegalArgumentException for anything but a node, null, a sentinel or an error entry
   */
  public void setXaNode(Object node) {
    checkArgument(node == null || node instanceof XaNode || node instanceof Sentinel
        || node instanceof XaError, "xa_node cannot be %s", node);
    this.node = node;
  }

  /** {@code xas->xa_node} if it is a real node, otherwise null. */
  public XaNode node() {
    return node instanceof XaNode ? (XaNode) node : null;
  }

  /** {@code xas->xa_alloc}: the head of the chain of preallocated nodes, or null. */
  public XaNode allocChain() {
    return alloc;
  }

  /**
   * {@code xas_set_update(xas, update)} (include/linux/xarray.h, v6.18): installs the node update
   * callback (may be null). Returns nothing. Context: any; touches only the cursor.
   */
  public void setUpdate(XaUpdate update) {
    this.update = update;
  }

  /** {@code xas->xa_update}. */
  public XaUpdate update() {
    return update;
  }

  // ------------------------------------------------------------------ predicates

  /**
   * {@code xas_invalid(xas)} (include/linux/xarray.h, v6.18): returns true for RESTART, BOUNDS or
   * an error. Context: any; touches only the cursor.
   */
  public boolean invalid() {
    return node != null && !(node instanceof XaNode);
  }

  /**
   * {@code xas_valid(xas)} (include/linux/xarray.h, v6.18): returns true if the cursor is walked to
   * a node or to the head. Context: any; touches only the cursor.
   */
  public boolean valid() {
    return node == null || node instanceof XaNode;
  }

  /**
   * {@code xas_is_node(xas)} (include/linux/xarray.h, v6.18): returns true if the cursor is walked
   * to a real node. Context: any; touches only the cursor.
   */
  public boolean isNode() {
    return node instanceof XaNode;
  }

  /**
   * {@code xas_not_node(node)} (include/linux/xarray.h, v6.18): returns true for a value of
   * {@code xa_node} that is not a real node. Context: any; pure.
   */
  public static boolean notNode(Object xaNode) {
    return !(xaNode instanceof XaNode);
  }

  /**
   * {@code xas_frozen(node)} (include/linux/xarray.h, v6.18): returns true for RESTART or an error.
   * Context: any; pure.
   */
  public static boolean frozen(Object xaNode) {
    return xaNode == XAS_RESTART || xaNode instanceof XaError;
  }

  /**
   * {@code xas_top(node)} (include/linux/xarray.h, v6.18): returns true for null, BOUNDS or RESTART
   * (at or above the head). Context: any; pure.
   */
  public static boolean top(Object xaNode) {
    return xaNode == null || xaNode == XAS_BOUNDS || xaNode == XAS_RESTART;
  }

  /**
   * {@code xas_error(xas)} (include/linux/xarray.h, v6.18): returns the negative errno recorded in
   * the cursor, or 0. Context: any; touches only the cursor.
   */
  public int error() {
    return XaEntry.err(node);
  }

  /**
   * {@code xas_set_err(xas, err)} (include/linux/xarray.h, v6.18): records a negative errno.
   * Returns nothing. Context: any; touches only the cursor.
   *
   * @throws IllegalArgumentException unless {@code -4095 <= err <= -1}
   */
  public void setErr(int err) {
    node = XaEntry.error(err);
  }

  /**
   * {@code xas_reset(xas)} (include/linux/xarray.h, v6.18): the next operation walks from the head
   * again. Returns nothing. Context: any; touches only the cursor.
   */
  public void reset() {
    node = XAS_RESTART;
  }

  /**
   * {@code xas_set(xas, index)} (include/linux/xarray.h, v6.18): moves to {@code index} (order
   * unchanged), not walked. Returns nothing. Context: any; touches only the cursor.
   */
  public void set(long index) {
    this.index = index;
    this.node = XAS_RESTART;
  }

  /**
   * {@code xas_set_order(xas, index, order)} (include/linux/xarray.h, v6.18): moves to
   * {@code index} for an order-{@code order} entry. Order 64 (used by {@code xa_store_range} for a
   * range ending at {@code ULONG_MAX}) means index 0. Returns nothing. Context: any; touches only
   * the cursor.
   *
   * @throws IllegalArgumentException unless {@code 0 <= order <= 64}
   */
  public void setOrder(long index, int order) {
    checkArgument(order >= 0 && order <= 64, "xas_set_order: order %s must be in 0..64", order);
    int cs = xa.chunkShift;
    this.index = order < 64 ? (index >>> order) << order : 0;
    this.shift = order - order % cs;
    this.sibs = (1 << (order % cs)) - 1;
    this.node = XAS_RESTART;
  }

  /**
   * {@code xas_advance(xas, index)} (include/linux/xarray.h, v6.18): sets the index and recomputes
   * {@code xa_offset} within the current node, without walking (used to skip sibling slots); loads
   * the node's shift. Returns nothing. Context: RCU or xa_lock.
   */
  public void advance(long index) {
    int s = node instanceof XaNode ? xa.loadShift((XaNode) node) : 0;
    this.index = index;
    this.offset = (int) (index >>> s) & xa.chunkMask;
  }

  /**
   * {@code xas_retry(xas, entry)} (include/linux/xarray.h, v6.18): returns true if the caller must
   * skip {@code entry}: a zero entry (the cursor is left alone) or a retry entry (the cursor is
   * reset to walk again from the head). Context: any; touches only the cursor.
   */
  public boolean retry(Object entry) {
    if (entry == XA_ZERO_ENTRY) {
      return true;
    }
    if (entry != XA_RETRY_ENTRY) {
      return false;
    }
    node = XAS_RESTART;
    return true;
  }

  // ------------------------------------------------------------------ walking

  /**
   * {@code xas_start} (lib/xarray.c, static, v6.18): starts a walk. A valid cursor returns
   * {@link #reload()}; an error returns null; otherwise reads the head once, sets BOUNDS and
   * returns null if the index is beyond the tree, else sets {@code xa_node = NULL} and returns the
   * head. Context: RCU or xa_lock.
   */
  public Object start() {
    Object n = node;
    if (n == null || n instanceof XaNode) {
      return reload();
    }
    if (n instanceof XaError) {
      return null;
    }
    Object entry = xa.loadHead();
    if (!(entry instanceof XaNode)) {
      if (index != 0) {
        node = XAS_BOUNDS;
        return null;
      }
    } else if (Long.compareUnsigned(index >>> xa.loadShift((XaNode) entry), xa.chunkMask) > 0) {
      node = XAS_BOUNDS;
      return null;
    }
    node = null;
    return entry;
  }

  /**
   * {@code xas_descend} (lib/xarray.c, static, v6.18): reads the slot of {@code node} for
   * {@code xa_index}, moves the cursor to {@code node}, resolves sibling entries as the array's
   * {@link XaConfig.Descend} variant says, and leaves {@code xa_offset} at the slot the returned
   * entry was read from (the canonical slot). Current kernels loop over siblings and turn a node
   * pointer reached through a sibling of a non-leaf node into {@code XA_RETRY_ENTRY} (cbc02854331e,
   * 63b1898fffcd). Context: RCU or xa_lock.
   */
  public Object descend(XaNode node) {
    return descend(node, xa.loadShift(node));
  }

  Object descend(XaNode n, int nodeShift) {
    int off = (int) (index >>> nodeShift) & xa.chunkMask;
    Object entry = xa.loadSlot(n, off);
    node = n;
    if (xa.isSibling(entry)) {
      // CURRENT loops while the entry is a sibling; the two older variants make one hop, and
      // only ONE_HOP lacks the node-to-retry conversion.
      XaConfig.Descend v = xa.descendVariant;
      do {
        off = ((XaInternal) entry).number;
        entry = xa.loadSlot(n, off);
        if (v != XaConfig.Descend.ONE_HOP && nodeShift != 0 && entry instanceof XaNode) {
          entry = XA_RETRY_ENTRY;
        }
      } while (v == XaConfig.Descend.CURRENT && xa.isSibling(entry));
    }
    offset = off;
    return entry;
  }

  /**
   * {@code xas_load} (lib/xarray.c, v6.18): walks from the head (or reloads a walked cursor) down
   * to the entry for {@code xa_index}. Stops above a node whose shift is below {@code xa_shift} (a
   * multi-index cursor may get a node pointer back) and after a leaf node. Never returns a sibling
   * entry in the current kernel; may return NULL, a pointer, a value, a retry or zero entry, or a
   * node. Never allocates or modifies anything. Context: RCU or xa_lock.
   */
  public Object load() {
    Object entry = start();
    while (entry instanceof XaNode) {
      XaNode n = (XaNode) entry;
      int ns = xa.loadShift(n);
      if (shift > ns) {
        break;
      }
      entry = descend(n, ns);
      if (ns == 0) {
        break;
      }
    }
    return entry;
  }

  /**
   * {@code xas_reload} (include/linux/xarray.h, v6.18): re-reads the entry the cursor points at,
   * after the caller took a reference on it. {@link XaConfig.Reload#CURRENT}: recompute the slot
   * from {@code xa_index}, and follow a sibling exactly once (no loop, no node-to-retry
   * conversion). {@link XaConfig.Reload#RELOAD_CANONICAL}: re-read {@code slots[xa_offset]}. With
   * {@code xa_node == NULL} it re-reads the head. Returns the entry. Context: RCU or xa_lock.
   *
   * @throws IllegalStateException if the cursor has not been walked (the kernel would read garbage)
   */
  public Object reload() {
    Object n = node;
    if (n == null) {
      return xa.loadHead();
    }
    checkState(n instanceof XaNode, "xas_reload: cursor is not walked (%s)", n);
    XaNode nd = (XaNode) n;
    int off;
    if (xa.reloadVariant == XaConfig.Reload.CURRENT) {
      off = (int) (index >>> xa.loadShift(nd)) & xa.chunkMask;
      Object entry = xa.loadSlot(nd, off);
      if (!xa.isSibling(entry)) {
        return entry;
      }
      off = ((XaInternal) entry).number;
    } else {
      off = offset;
    }
    return xa.loadSlot(nd, off);
  }

  /**
   * {@code xas_get_order} (lib/xarray.c, a4864671ca0b, v6.10): the order of the entry the cursor
   * was walked to, by probing {@code xa_offset + 1, +2, +4, ...} for siblings, plus the node's
   * shift; 0 for a head entry. Must follow a load. Returns the order. Context: RCU or xa_lock.
   */
  public int getOrder() {
    Object n = node;
    if (n == null) {
      return 0;
    }
    checkState(n instanceof XaNode, "xas_get_order: cursor is not walked (%s)", n);
    XaNode nd = (XaNode) n;
    int order = 0;
    for (;;) {
      int slot = offset + (1 << order);
      if (slot >= xa.chunkSize) {
        break;
      }
      if (!xa.isSibling(xa.loadSlot(nd, slot))) {
        break;
      }
      order++;
    }
    return order + xa.loadShift(nd);
  }

  // ------------------------------------------------------------------ storing

  /**
   * {@code xas_store} (lib/xarray.c, v6.18): stores {@code entry} at the cursor, creating nodes as
   * needed (GFP_NOWAIT; on failure the cursor holds -ENOMEM), for a multi-index cursor writing the
   * canonical slot then {@code sibling(canonical)} into the following slots, every slot with a
   * release store. Storing NULL clears the entry's marks first, then erases the whole (multi-index)
   * entry, frees emptied nodes through RCU and shrinks the tree. An existing larger entry covering
   * the cursor is replaced as a whole. Context: xa_lock held.
   *
   * @return the old entry (for multi-index stores not meaningful, as in the kernel)
   */
  public Object store(Object entry) {
    xa.assertLocked("xas_store");
    Object first;
    Object next;
    int count = 0;
    int values = 0;
    boolean value = entry instanceof XaValue;

    if (entry != null) {
      boolean allowRoot = !(entry instanceof XaNode) && entry != XA_ZERO_ENTRY;
      first = create(allowRoot);
    } else {
      first = load();
    }

    if (invalid()) {
      return first;
    }
    XaNode n = (XaNode) node;
    int nodeShift = n != null ? xa.loadShift(n) : 0;
    if (n != null && shift < nodeShift) {
      sibs = 0;
    }
    if (XaEntry.same(first, entry) && sibs == 0) {
      return first;
    }

    next = first;
    int off = offset;
    int max = offset + sibs;
    if (n != null && sibs != 0) {
      squashMarks();
    }
    if (entry == null) {
      initMarks();
    }

    for (;;) {
      // Marks are cleared before the slot is set to NULL, so that a marked walk never finds a
      // marked NULL entry; the release store orders them.
      if (n == null) {
        xa.storeHead(entry, XaOrder.RELEASE);
      } else {
        xa.storeSlot(n, off, entry, XaOrder.RELEASE);
      }
      if (next instanceof XaNode && (n == null || nodeShift != 0)) {
        freeNodes((XaNode) next);
      }
      if (n == null) {
        break;
      }
      count += (next == null ? 1 : 0) - (entry == null ? 1 : 0);
      values += (first instanceof XaValue ? 0 : 1) - (value ? 0 : 1);
      if (entry != null) {
        if (off == max) {
          break;
        }
        if (!xa.isSibling(entry)) {
          entry = XaEntry.mkSibling(offset);
        }
      } else {
        if (off == xa.chunkMask) {
          break;
        }
      }
      next = xa.loadSlot(n, ++off);
      if (!xa.isSibling(next)) {
        if (entry == null && off > max) {
          break;
        }
        first = next;
      }
    }

    updateNode(n, count, values);
    return first;
  }

  /**
   * {@code xas_create} (lib/xarray.c, static, v6.18): makes sure the slot for the cursor exists,
   * growing the tree ({@code xas_expand}) and allocating empty nodes top-down, each published with
   * a release store before descending into it. Returns the current content of the slot (NULL if
   * new), or NULL with an error in the cursor. Context: xa_lock held.
   */
  Object create(boolean allowRoot) {
    Object entry;
    Object cur = node;
    int s;
    int order = shift;
    XaNode slotNode;
    int slotOff = 0;

    if (top(cur)) {
      entry = xa.loadHead();
      node = null;
      s = expand(entry);
      if (s < 0) {
        return null;
      }
      if (s == 0 && !allowRoot) {
        s = xa.chunkShift;
      }
      entry = xa.loadHead();
      slotNode = null;
    } else if (cur instanceof XaError) {
      return null;
    } else if (cur != null) {
      XaNode nd = (XaNode) cur;
      slotOff = offset;
      s = xa.loadShift(nd);
      entry = xa.loadSlot(nd, slotOff);
      slotNode = nd;
    } else {
      s = 0;
      entry = xa.loadHead();
      slotNode = null;
    }

    while (s > order) {
      s -= xa.chunkShift;
      XaNode nd;
      if (entry == null) {
        nd = alloc(s);
        if (nd == null) {
          break;
        }
        if (slotNode == null) {
          xa.storeHead(nd, XaOrder.RELEASE);
        } else {
          xa.storeSlot(slotNode, slotOff, nd, XaOrder.RELEASE);
        }
      } else if (entry instanceof XaNode) {
        nd = (XaNode) entry;
      } else {
        break;
      }
      entry = descend(nd);
      slotNode = nd;
      slotOff = offset;
    }
    return entry;
  }

  /**
   * {@code xas_size} (include/linux/xarray.h, v6.18): returns the number of indices covered by the
   * cursor's order. Context: any; touches only the cursor.
   */
  long size() {
    return shift >= 64 ? 0 : (sibs + 1L) << shift;
  }

  /**
   * {@code xas_max} (lib/xarray.c, static, v6.18): the largest index that must fit for this cursor;
   * one more when a multi-index range starts at 0, since the head can only hold index 0 alone.
   * Returns that index. Context: any; touches only the cursor.
   */
  long max() {
    long max = index;
    if (shift != 0 || sibs != 0) {
      long mask = size() - 1;
      max |= mask;
      if (mask == max) {
        max++;
      }
    }
    return max;
  }

  /**
   * {@code xas_expand} (lib/xarray.c, static, v6.18): adds root nodes until the tree covers
   * {@link #max()}. Each new root gets the old head in slot 0 (plain store), the array's mark
   * summary in bit 0, and is published with a release store of {@code xa_head} after the old root's
   * parent. Returns the shift the head covers (root shift + chunk shift), 0 when a bare head entry
   * will do, or -ENOMEM. Context: xa_lock held.
   */
  private int expand(Object head) {
    XaNode n = null;
    int s = 0;
    long max = max();
    int cs = xa.chunkShift;

    if (head == null) {
      if (max == 0) {
        return 0;
      }
      while (Long.compareUnsigned(max >>> s, xa.chunkSize) >= 0) {
        s += cs;
      }
      return s + cs;
    } else if (head instanceof XaNode) {
      n = (XaNode) head;
      s = xa.loadShift(n) + cs;
    }
    node = null;

    while (Long.compareUnsigned(max, xa.maxIndex(head)) > 0) {
      n = alloc(s);
      if (n == null) {
        return -XaErrno.ENOMEM;
      }
      xa.storeCount(n, 1);
      if (head instanceof XaValue) {
        xa.storeNrValues(n, 1);
      }
      xa.storeSlot(n, 0, head, XaOrder.PLAIN);
      for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
        if (xa.loadFlagMark(mark)) {
          xa.nodeSetMark(n, 0, mark);
        }
      }
      if (head instanceof XaNode) {
        XaNode old = (XaNode) head;
        xa.storeOffset(old, 0);
        xa.storeParent(old, n, XaOrder.RELEASE);
      }
      head = n;
      xa.storeHead(n, XaOrder.RELEASE);
      update(n);
      s += cs;
    }
    node = n;
    return s;
  }

  /**
   * {@code xas_alloc} (lib/xarray.c, static, v6.18): takes the {@code xa_alloc} node (dropping the
   * rest of its chain, as the kernel does) or allocates one with GFP_NOWAIT, links it under the
   * cursor's node at {@code xa_offset} and initialises its fields with plain stores. Slots and
   * marks are not touched: they are whatever the node holds. Returns the node, or null with -ENOMEM
   * (or the cursor's earlier error) in the cursor. Context: xa_lock held.
   */
  private XaNode alloc(int s) {
    Object parentObj = node;
    XaNode n = alloc;
    if (invalid()) {
      return null;
    }
    if (n != null) {
      alloc = null;
    } else {
      n = allocate(XaGfp.GFP_NOWAIT, XaAllocSite.XAS_ALLOC);
      if (n == null) {
        setErr(-XaErrno.ENOMEM);
        return null;
      }
    }
    if (parentObj != null) {
      XaNode parent = (XaNode) parentObj;
      xa.storeOffset(n, offset);
      xa.storeCount(parent, xa.loadCount(parent) + 1);
      update(parent);
    }
    xa.storeShift(n, s);
    xa.storeCount(n, 0);
    xa.storeNrValues(n, 0);
    xa.storeParent(n, (XaNode) parentObj, XaOrder.PLAIN);
    xa.storeArray(n, xa);
    return n;
  }

  /**
   * {@code kmem_cache_alloc_lru(radix_tree_node_cachep, ...)} (mm/slub.c, v6.18) on the array's
   * allocator, with the {@code might_sleep} check of a blocking allocation under the lock. Returns
   * the node, or null if the allocation fails. Context: a blocking {@code gfp} only without the
   * xa_lock.
   */
  private XaNode allocate(XaGfp gfp, XaAllocSite site) {
    if (gfp.allowsBlocking() && xa.lockdep && xa.isLocked()) {
      throw new IllegalStateException("might_sleep: " + site + " allocates with " + gfp
          + " while holding the xa_lock of " + xa);
    }
    return xa.allocator.kmemCacheAlloc(gfp, site);
  }

  /**
   * {@code xas_update} (lib/xarray.c, static, v6.18): calls the cursor's node update callback on
   * {@code n}, if any. Returns nothing. Context: xa_lock held.
   */
  private void update(XaNode n) {
    if (update != null) {
      update.update(n);
    } else if (n.privateList != null) {
      throw new IllegalStateException("XA_NODE_BUG_ON: " + n + " is on a private list but "
          + "the cursor has no update callback");
    }
  }

  /**
   * {@code update_node} (lib/xarray.c, static, v6.18): adds {@code count} and {@code values} to the
   * node's counters (plain stores), calls the update callback, and deletes the node if entries were
   * removed and it became empty. Returns nothing. Context: xa_lock held.
   */
  private void updateNode(XaNode n, int count, int values) {
    if (n == null || (count == 0 && values == 0)) {
      return;
    }
    xa.storeCount(n, xa.loadCount(n) + count);
    xa.storeNrValues(n, xa.loadNrValues(n) + values);
    update(n);
    if (count < 0) {
      deleteNode();
    }
  }

  /**
   * {@code xa_node_free} (lib/xarray.c, static, v6.18): {@code array = XA_RCU_FREE}, then
   * {@code call_rcu}. Returns nothing. Context: xa_lock held.
   */
  private void nodeFree(XaNode n) {
    if (n.privateList != null) {
      throw new IllegalStateException("XA_NODE_BUG_ON: freeing " + n + " on a private list");
    }
    xa.storeArray(n, XArray.XA_RCU_FREE);
    n.allocator.callRcu(n);
  }

  /**
   * {@code xas_delete_node} (lib/xarray.c, static, v6.18): frees the cursor's node and its
   * ancestors while they are empty (each parent slot cleared with a plain store), then shrinks the
   * tree if the surviving node is the root. Returns nothing. Context: xa_lock held.
   */
  private void deleteNode() {
    XaNode n = (XaNode) node;
    for (;;) {
      if (xa.loadCount(n) != 0) {
        break;
      }
      XaNode parent = xa.loadParent(n);
      node = parent;
      offset = xa.loadOffset(n);
      nodeFree(n);
      if (parent == null) {
        xa.storeHead(null, XaOrder.PLAIN);
        node = XAS_BOUNDS;
        return;
      }
      xa.storeSlot(parent, offset, null, XaOrder.PLAIN);
      xa.storeCount(parent, xa.loadCount(parent) - 1);
      n = parent;
      update(n);
    }
    if (xa.loadParent(n) == null) {
      shrink();
    }
  }

  /**
   * {@code xas_shrink} (lib/xarray.c, static, v6.18): while the root has a single entry in slot 0
   * that is a node (or the root is a leaf), make that entry the head (plain store), retire the old
   * root (count 0, slot 0 = RETRY if it held a leaf entry) and free it through RCU. Returns
   * nothing. Context: xa_lock held.
   */
  private void shrink() {
    XaNode n = (XaNode) node;
    for (;;) {
      if (xa.loadCount(n) != 1) {
        break;
      }
      Object entry = xa.loadSlot(n, 0);
      if (entry == null) {
        break;
      }
      if (!(entry instanceof XaNode) && xa.loadShift(n) != 0) {
        break;
      }
      node = XAS_BOUNDS;
      xa.storeHead(entry, XaOrder.PLAIN);
      xa.storeCount(n, 0);
      xa.storeNrValues(n, 0);
      if (!(entry instanceof XaNode)) {
        xa.storeSlot(n, 0, XA_RETRY_ENTRY, XaOrder.PLAIN);
      }
      update(n);
      nodeFree(n);
      if (!(entry instanceof XaNode)) {
        break;
      }
      n = (XaNode) entry;
      xa.storeParent(n, null, XaOrder.PLAIN);
    }
  }

  /**
   * {@code xas_free_nodes} (lib/xarray.c, static, v6.18): tears down a detached subtree depth
   * first, overwriting every non-NULL non-node slot with RETRY (plain), zeroing the counts and
   * freeing each node through RCU. Returns nothing. Context: xa_lock held (or the subtree is
   * private to the caller).
   */
  void freeNodes(XaNode top) {
    int off = 0;
    XaNode n = top;
    int ns = xa.loadShift(n);
    for (;;) {
      Object entry = xa.loadSlot(n, off);
      if (ns != 0 && entry instanceof XaNode) {
        n = (XaNode) entry;
        ns = xa.loadShift(n);
        off = 0;
        continue;
      }
      if (entry != null) {
        xa.storeSlot(n, off, XA_RETRY_ENTRY, XaOrder.PLAIN);
      }
      off++;
      while (off == xa.chunkSize) {
        XaNode parent = xa.loadParent(n);
        off = xa.loadOffset(n) + 1;
        xa.storeCount(n, 0);
        xa.storeNrValues(n, 0);
        update(n);
        nodeFree(n);
        if (n == top) {
          return;
        }
        n = parent;
        ns = xa.loadShift(n);
      }
    }
  }

  /**
   * {@code xas_create_range} (lib/xarray.c, v6.18): creates every order-0 slot of the range the
   * cursor describes, from the last index down, and leaves the cursor at the start of the range set
   * up for single-index entries (on error, restores shift, sibs and index). Context: xa_lock held.
   */
  public void createRange() {
    xa.assertLocked("xas_create_range");
    long idx = index;
    int sh = shift;
    int sb = sibs;

    index |= (sh >= 64 ? 0 : (sb + 1L) << sh) - 1;
    if (node instanceof XaNode && xa.loadShift((XaNode) node) == shift) {
      offset |= sb;
    }
    shift = 0;
    sibs = 0;

    for (;;) {
      create(true);
      if (error() != 0) {
        shift = sh;
        sibs = sb;
        index = idx;
        return;
      }
      if (Long.compareUnsigned(index, idx | xa.chunkMask) <= 0) {
        break;
      }
      index -= xa.chunkSize;
      for (;;) {
        XaNode n = (XaNode) node;
        if (xa.loadShift(n) >= sh) {
          break;
        }
        int noff = xa.loadOffset(n);
        node = xa.loadParent(n);
        offset = noff - 1;
        if (noff != 0) {
          break;
        }
      }
    }
    index = idx;
    if (node != null) {
      XaNode n = (XaNode) node;
      offset = (int) (index >>> xa.loadShift(n)) & xa.chunkMask;
    }
  }

  // ------------------------------------------------------------------ marks

  /**
   * {@code xas_get_mark} (lib/xarray.c, v6.18): the mark of the entry the cursor was walked to; the
   * array summary when the entry is the head; false if the cursor is invalid. Context: RCU or
   * xa_lock.
   */
  public boolean getMark(int mark) {
    XArray.checkMark(mark);
    if (invalid()) {
      return false;
    }
    if (node == null) {
      return xa.loadFlagMark(mark);
    }
    return xa.loadMark((XaNode) node, mark, offset);
  }

  /**
   * {@code xas_set_mark} (lib/xarray.c, v6.18): sets the mark on the cursor's slot and on each
   * ancestor slot until one already had it, then the array summary. Does nothing on an invalid
   * cursor. Context: xa_lock held.
   */
  public void setMark(int mark) {
    XArray.checkMark(mark);
    xa.assertLocked("xas_set_mark");
    Object cur = node;
    int off = offset;
    if (invalid()) {
      return;
    }
    XaNode n = (XaNode) cur;
    while (n != null) {
      if (xa.nodeSetMark(n, off, mark)) {
        return;
      }
      off = xa.loadOffset(n);
      n = xa.loadParent(n);
    }
    if (!xa.loadFlagMark(mark)) {
      xa.storeFlagMark(mark, true);
    }
  }

  /**
   * {@code xas_clear_mark} (lib/xarray.c, v6.18): clears the mark on the cursor's slot and walks up
   * while the node has no other slot with that mark, finally clearing the array summary. Context:
   * xa_lock held.
   */
  public void clearMark(int mark) {
    XArray.checkMark(mark);
    xa.assertLocked("xas_clear_mark");
    Object cur = node;
    int off = offset;
    if (invalid()) {
      return;
    }
    XaNode n = (XaNode) cur;
    while (n != null) {
      if (!xa.nodeClearMark(n, off, mark)) {
        return;
      }
      if (xa.nodeAnyMark(n, mark)) {
        return;
      }
      off = xa.loadOffset(n);
      n = xa.loadParent(n);
    }
    if (xa.loadFlagMark(mark)) {
      xa.storeFlagMark(mark, false);
    }
  }

  /**
   * {@code xas_init_marks} (lib/xarray.c, v6.18): clears every mark of the cursor's entry (the
   * model has no free-tracking arrays). Context: xa_lock held.
   */
  public void initMarks() {
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      clearMark(mark);
    }
  }

  /**
   * {@code xas_squash_marks} (lib/xarray.c, static, v6.18): before a multi-index store, moves any
   * mark found on the slots after the canonical one onto the canonical slot. Returns nothing.
   * Context: xa_lock held.
   */
  private void squashMarks() {
    if (sibs == 0) {
      return;
    }
    XaNode n = (XaNode) node;
    int limit = offset + sibs + 1;
    long range = limit >= 64 ? -1L << (offset + 1) : ((1L << limit) - 1) & (-1L << (offset + 1));
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      long word = xa.loadMarkWord(n, mark);
      if ((word & range) == 0) {
        continue;
      }
      xa.nodeSetMark(n, offset, mark);
      for (int i = offset + 1; i < limit; i++) {
        xa.nodeClearMark(n, i, mark);
      }
    }
  }

  /**
   * {@code node_get_marks} (lib/xarray.c, static, v6.18): returns the marks of one slot as a bit
   * set (one load per mark). Context: xa_lock held.
   */
  private int nodeGetMarks(XaNode n, int off) {
    int marks = 0;
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      if (xa.loadMark(n, mark, off)) {
        marks |= 1 << mark;
      }
    }
    return marks;
  }

  /**
   * {@code node_set_marks} (lib/xarray.c, static, v6.18): sets {@code marks} on {@code n}'s slot
   * and, for a new child, on the child's slots as the {@link XaConfig.SplitMarks} variant says.
   * Returns nothing. Context: xa_lock held.
   */
  private void nodeSetMarks(XaNode n, int off, XaNode child, int childSibs, int marks) {
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      if ((marks & (1 << mark)) == 0) {
        continue;
      }
      xa.nodeSetMark(n, off, mark);
      if (child == null) {
        continue;
      }
      if (xa.config.splitMarks() == XaConfig.SplitMarks.C010D47F107F || childSibs == 0) {
        xa.nodeMarkAll(child, mark);
      } else {
        for (int i = 0; i < xa.chunkSize; i += childSibs + 1) {
          xa.nodeSetMark(child, i, mark);
        }
      }
    }
  }

  // ------------------------------------------------------------------ splitting

  /**
   * {@code __xas_init_node_for_split} (lib/xarray.c, static, v6.18): fills all slots of a not yet
   * visible node for the cursor's order with plain stores: {@code entry} in every
   * {@code (xa_sibs + 1)}-th slot and {@code sibling(canonical)} in the others; sets {@code array}.
   * Returns nothing. Context: any; the node is not reachable yet.
   */
  private void initNodeForSplit(XaNode n, Object entry) {
    if (n == null) {
      return;
    }
    xa.storeArray(n, xa);
    int mask = sibs;
    Object sibling = null;
    for (int i = 0; i < xa.chunkSize; i++) {
      if ((i & mask) == 0) {
        xa.storeSlot(n, i, entry, XaOrder.PLAIN);
        sibling = XaEntry.mkInternal(i);
      } else {
        xa.storeSlot(n, i, sibling, XaOrder.PLAIN);
      }
    }
  }

  /**
   * {@code xas_split_alloc} (lib/xarray.c, v6.18): preallocates, without the lock, the nodes needed
   * to split an order-{@code order} entry into entries of the cursor's order: none when the new
   * entries stay in the same node, one per old slot when they go one level down (each prefilled
   * with {@code entry}, which is baked in and not rewritten by {@link #split}). Splitting across
   * two levels is unsupported: the kernel WARNs ({@code xa_shift + 2 * XA_CHUNK_SHIFT <= order},
   * Kemeng Shi's 97db889b961e) and the cursor gets -ENOMEM. Allocation failure: -ENOMEM and the
   * chain is destroyed. Context: may sleep if gfp allows; xa_lock not held.
   */
  public void splitAlloc(Object entry, int order, XaGfp gfp) {
    XArray.checkOrder(order);
    checkNotNull(gfp, "gfp");
    int cs = xa.chunkShift;
    int oldSibs = (1 << (order % cs)) - 1;
    if (shift + 2 * cs <= order) {
      xa.warn("xas_split_alloc: cannot split an order-" + order + " entry to xa_shift "
          + shift + " (two levels)");
      destroy();
      setErr(-XaErrno.ENOMEM);
      return;
    }
    if (shift + cs > order) {
      return;
    }
    do {
      XaNode n = allocate(gfp, XaAllocSite.XAS_SPLIT_ALLOC);
      if (n == null) {
        destroy();
        setErr(-XaErrno.ENOMEM);
        return;
      }
      initNodeForSplit(n, entry);
      xa.storeParent(n, alloc, XaOrder.PLAIN);
      alloc = n;
    } while (oldSibs-- > 0);
  }

  /**
   * {@code xas_split} (lib/xarray.c, v6.18): replaces the order-{@code order} entry at the cursor
   * by entries of the cursor's order, all equal to {@code entry}. Walks with {@link #load()}, reads
   * the canonical slot's marks once, then from the last old slot down to the canonical one either
   * installs a preallocated child node (fields and marks first, then a release store of the
   * pointer; the child's slots are as {@link #splitAlloc} left them) or rewrites the group in place
   * (new canonical first, then its siblings from high to low). Adjusts nr_values; count does not
   * change. Context: xa_lock held.
   *
   * @throws IllegalStateException if a child node is needed and {@code xa_alloc} is empty (the
   *     kernel would dereference NULL)
   */
  public void split(Object entry, int order) {
    XArray.checkOrder(order);
    xa.assertLocked("xas_split");
    int cs = xa.chunkShift;
    int oldSibs = (1 << (order % cs)) - 1;
    int values = 0;
    Object curr = load();
    if (top(node)) {
      return;
    }
    XaNode n = (XaNode) node;
    int marks = nodeGetMarks(n, offset);
    int off = offset + oldSibs;
    int ns = xa.loadShift(n);
    do {
      if (shift < ns) {
        XaNode child = alloc;
        checkState(child != null, "xas_split: xa_alloc is empty at slot %s of %s", off, n);
        alloc = xa.loadParent(child);
        installChild(n, ns, off, child, entry, marks);
        if (curr instanceof XaValue) {
          values--;
        }
        update(child);
      } else {
        off = storeGroup(n, off, entry, marks);
        values += ((entry instanceof XaValue ? 1 : 0) - (curr instanceof XaValue ? 1 : 0))
            * (sibs + 1);
      }
    } while (off-- > offset);
    xa.storeNrValues(n, xa.loadNrValues(n) + values);
    update(n);
  }

  /**
   * The common part of rewriting a node in place in {@code xas_split} / {@code xas_try_split}
   * (lib/xarray.c, v6.18): the group of new entries whose last slot is {@code off} gets the old
   * entry's marks on its canonical slot, then {@code entry} in the canonical slot and sibling
   * entries in the others, each a release store, from high to low. Returns the canonical slot.
   * Context: xa_lock held.
   */
  private int storeGroup(XaNode n, int off, Object entry, int marks) {
    int canon = off - sibs;
    nodeSetMarks(n, canon, null, 0, marks);
    xa.storeSlot(n, canon, entry, XaOrder.RELEASE);
    while (off > canon) {
      xa.storeSlot(n, off--, XaEntry.mkSibling(canon), XaOrder.RELEASE);
    }
    return canon;
  }

  /**
   * The common part of installing a child node in {@code xas_split} / {@code xas_try_split}
   * (lib/xarray.c, v6.18): the child's fields (plain stores), the marks of the parent's slot and of
   * the child's canonical slots, then the release store of the child pointer into the parent.
   * Returns nothing. Context: xa_lock held.
   */
  private void installChild(XaNode n, int ns, int off, XaNode child, Object entry, int marks) {
    xa.storeShift(child, ns - xa.chunkShift);
    xa.storeOffset(child, off);
    xa.storeCount(child, xa.chunkSize);
    xa.storeNrValues(child, entry instanceof XaValue ? xa.chunkSize : 0);
    xa.storeParent(child, n, XaOrder.PLAIN);
    nodeSetMarks(n, off, child, sibs, marks);
    xa.storeSlot(n, off, child, XaOrder.RELEASE);
  }

  /**
   * {@code xas_try_split} (lib/xarray.c, "Minimize xa_node allocation during xarray split", Zi
   * Yan 2025, gfp-less form): like {@link #split} but allocates itself. When the new entries need
   * a new node, only a single-slot entry split to exactly {@code order - 1} is allowed (else the
   * chain is destroyed and the cursor gets -EINVAL); the node is taken from {@code xa_alloc} or
   * allocated with GFP_NOWAIT (failure: -ENOMEM), and its slots are initialised from
   * {@code entry} now, under the lock. Context: xa_lock held.
   */
  public void trySplit(Object entry, int order) {
    XArray.checkOrder(order);
    xa.assertLocked("xas_try_split");
    int cs = xa.chunkShift;
    int oldSibs = (1 << (order % cs)) - 1;
    int values = 0;
    Object curr = load();
    if (top(node)) {
      return;
    }
    XaNode n = (XaNode) node;
    int marks = nodeGetMarks(n, offset);
    int off = offset + oldSibs;
    int ns = xa.loadShift(n);

    if (shift < ns) {
      XaNode child = alloc;
      int expectedSibs = order == 0 ? -1 : (1 << ((order - 1) % cs)) - 1;
      if (oldSibs != 0 || sibs != expectedSibs) {
        destroy();
        setErr(-XaErrno.EINVAL);
        return;
      }
      if (child == null) {
        child = allocate(XaGfp.GFP_NOWAIT, XaAllocSite.XAS_TRY_SPLIT);
        if (child == null) {
          destroy();
          setErr(-XaErrno.ENOMEM);
          return;
        }
        xa.storeParent(child, alloc, XaOrder.PLAIN);
      }
      initNodeForSplit(child, entry);
      alloc = xa.loadParent(child);
      installChild(n, ns, off, child, entry, marks);
      if (curr instanceof XaValue) {
        values--;
      }
      update(child);
    } else {
      do {
        off = storeGroup(n, off, entry, marks);
        values += ((entry instanceof XaValue ? 1 : 0) - (curr instanceof XaValue ? 1 : 0))
            * (sibs + 1);
      } while (off-- > offset);
    }
    xa.storeNrValues(n, xa.loadNrValues(n) + values);
    update(n);
  }

  /**
   * {@code xas_try_split_min_order(order)} (lib/xarray.c, v6.18) for this cursor's array: returns
   * the smallest order {@link #trySplit} accepts in one step from {@code order}: {@code order - 1}
   * when the entry is a single slot ({@code order % XA_CHUNK_SHIFT == 0}; 0 for 0), else the order
   * at the bottom of the same node ({@code order - order % XA_CHUNK_SHIFT}). Context: any; pure.
   */
  public int trySplitMinOrder(int order) {
    return xa.trySplitMinOrder(order);
  }

  // ------------------------------------------------------------------ memory

  /**
   * {@code xas_nomem} (lib/xarray.c, v6.18): if the cursor failed with -ENOMEM, allocates one node
   * with {@code gfp} into {@code xa_alloc} (replacing the pointer to any previous chain), resets
   * the cursor and returns true so that the caller retries; otherwise destroys the preallocation
   * and returns false. Also false when the allocation fails. Context: the caller has dropped the
   * xa_lock if gfp may sleep.
   */
  public boolean nomem(XaGfp gfp) {
    checkNotNull(gfp, "gfp");
    if (node != XaEntry.error(-XaErrno.ENOMEM)) {
      destroy();
      return false;
    }
    XaNode n = allocate(gfp, XaAllocSite.XAS_NOMEM);
    alloc = n;
    if (n == null) {
      return false;
    }
    xa.storeParent(n, null, XaOrder.PLAIN);
    node = XAS_RESTART;
    return true;
  }

  /**
   * {@code __xas_nomem} (lib/xarray.c, static, v6.18): {@link #nomem} for the normal API, which
   * holds the xa_lock: when gfp may sleep the lock is dropped around the allocation and retaken. A
   * separate copy of {@link #nomem}, as in lib/xarray.c. Returns true if the caller should retry.
   * Context: xa_lock held (dropped around a blocking allocation).
   */
  boolean __nomem(XaGfp gfp) {
    checkNotNull(gfp, "gfp");
    if (node != XaEntry.error(-XaErrno.ENOMEM)) {
      destroy();
      return false;
    }
    XaNode n;
    if (gfp.allowsBlocking()) {
      xa.xaUnlock();
      n = allocate(gfp, XaAllocSite.XAS_NOMEM);
      xa.xaLock();
    } else {
      n = allocate(gfp, XaAllocSite.XAS_NOMEM);
    }
    alloc = n;
    if (n == null) {
      return false;
    }
    xa.storeParent(n, null, XaOrder.PLAIN);
    node = XAS_RESTART;
    return true;
  }

  /**
   * {@code xas_destroy} (lib/xarray.c, v6.18): frees the unused preallocated nodes. Current kernels
   * (since 8fc75643c5e1) walk the whole chain and call {@code radix_tree_node_rcu_free} on each
   * node directly: slots and marks are zeroed with plain stores and the node is back on the free
   * list at once (it was never visible, so no grace period). The
   * {@link XaConfig.Destroy#KMEM_CACHE_FREE} variant frees only the chain head, as it is. Context:
   * any.
   */
  public void destroy() {
    XaNode n = alloc;
    if (xa.config.destroy() == XaConfig.Destroy.KMEM_CACHE_FREE) {
      if (n == null) {
        return;
      }
      checkFreeable(n);
      n.allocator.kmemCacheFree(n);
      alloc = null;
      return;
    }
    while (n != null) {
      checkFreeable(n);
      XaNode next = xa.loadParent(n);
      xa.radixTreeNodeRcuFree(n);
      alloc = n = next;
    }
  }

  private static void checkFreeable(XaNode n) {
    if (n.privateList != null) {
      throw new IllegalStateException("XA_NODE_BUG_ON: destroying " + n + " on a private list");
    }
  }

  // ------------------------------------------------------------------ iteration

  /**
   * {@code xas_move_index} (lib/xarray.c, static, v6.18): moves {@code xa_index} to the first index
   * of slot {@code off} of {@code n} (loads its shift). Returns nothing. Context: RCU or xa_lock.
   */
  private void moveIndex(XaNode n, long off) {
    int s = xa.loadShift(n);
    index &= (~(long) xa.chunkMask) << s;
    index += off << s;
  }

  /**
   * {@code xas_next_offset} (lib/xarray.c, static, v6.18): moves to the next slot, the index to its
   * first index. Returns nothing. Context: RCU or xa_lock.
   */
  private void nextOffset(XaNode n) {
    offset++;
    moveIndex(n, offset);
  }

  /**
   * {@code xas_find} (lib/xarray.c, v6.18): the next present entry at an index &gt;=
   * {@code xa_index} (not yet walked) or after the current one (walked), up to {@code max}. Skips
   * siblings and NULL, descends into nodes, returns retry and zero entries (callers use
   * {@link #retry}). A walk that starts inside a multi-index entry returns it without moving the
   * index. On failure the cursor is at BOUNDS. Context: RCU or xa_lock.
   */
  public Object find(long max) {
    Object entry;
    if (node instanceof XaError || node == XAS_BOUNDS) {
      return null;
    }
    if (Long.compareUnsigned(index, max) > 0) {
      node = XAS_BOUNDS;
      return null;
    }
    if (node == null) {
      index = 1;
      node = XAS_BOUNDS;
      return null;
    } else if (node == XAS_RESTART) {
      entry = load();
      if (entry != null || !(node instanceof XaNode)) {
        return entry;
      }
    } else {
      XaNode n = (XaNode) node;
      if (xa.loadShift(n) == 0 && offset != (int) (index & xa.chunkMask)) {
        offset = (int) ((index - 1) & xa.chunkMask) + 1;
      }
    }

    nextOffset((XaNode) node);

    while (node != null && Long.compareUnsigned(index, max) <= 0) {
      XaNode n = (XaNode) node;
      if (offset == xa.chunkSize) {
        offset = xa.loadOffset(n) + 1;
        node = xa.loadParent(n);
        continue;
      }
      entry = xa.loadSlot(n, offset);
      if (entry instanceof XaNode) {
        node = entry;
        offset = 0;
        continue;
      }
      if (entry != null && !xa.isSibling(entry)) {
        return entry;
      }
      nextOffset(n);
    }

    if (node == null) {
      node = XAS_BOUNDS;
    }
    return null;
  }

  /**
   * {@code xas_next_entry} (include/linux/xarray.h, v6.18): the fast path of {@code xas_for_each}:
   * in a leaf, returns the next non-NULL slot if it is not internal, else falls back to
   * {@link #find}. Context: RCU or xa_lock.
   */
  public Object nextEntry(long max) {
    Object cur = node;
    if (!(cur instanceof XaNode)) {
      return find(max);
    }
    XaNode n = (XaNode) cur;
    if (xa.loadShift(n) != 0 || offset != (int) (index & xa.chunkMask)) {
      return find(max);
    }
    Object entry;
    do {
      if (Long.compareUnsigned(index, max) >= 0) {
        return find(max);
      }
      if (offset == xa.chunkMask) {
        return find(max);
      }
      entry = xa.loadSlot(n, offset + 1);
      if (XaEntry.isInternal(entry)) {
        return find(max);
      }
      offset++;
      index++;
    } while (entry == null);
    return entry;
  }

  /**
   * {@code xas_find_chunk} (include/linux/xarray.h, v6.18): returns the next set bit of
   * {@code mark} in the node at or after the cursor's offset (after it if {@code advance}), or
   * {@code XA_CHUNK_SIZE}; one load of the mark word. Context: RCU or xa_lock.
   */
  private int findChunk(XaNode n, boolean advance, int mark) {
    int off = offset;
    if (advance) {
      off++;
    }
    if (off < xa.chunkSize) {
      long data = xa.loadMarkWord(n, mark) & (-1L << off);
      if (data != 0) {
        return Long.numberOfTrailingZeros(data);
      }
    }
    return xa.chunkSize;
  }

  /**
   * {@code xas_find_marked} (lib/xarray.c, v6.18): the next entry with {@code mark} at an index
   * &gt;= {@code xa_index} (not walked) or after the current one (walked), up to {@code max}. A
   * marked multi-index entry is reported at its first index; sibling slots are skipped
   * (7e060df04f56, 2025). When nothing is found: BOUNDS if the array ends before {@code max},
   * RESTART if {@code max} was passed. Returns the entry or NULL. Context: RCU or xa_lock.
   */
  public Object findMarked(long max, int mark) {
    XArray.checkMark(mark);
    boolean advance = true;
    Object entry;

    if (node instanceof XaError) {
      return null;
    }
    if (Long.compareUnsigned(index, max) > 0) {
      node = XAS_RESTART;
      return null;
    }

    if (node == null) {
      index = 1;
      return findMarkedOut(max);
    } else if (top(node)) {
      advance = false;
      entry = xa.loadHead();
      node = null;
      if (Long.compareUnsigned(index, xa.maxIndex(entry)) > 0) {
        return findMarkedOut(max);
      }
      if (!(entry instanceof XaNode)) {
        if (xa.loadFlagMark(mark)) {
          return entry;
        }
        index = 1;
        return findMarkedOut(max);
      }
      node = entry;
      offset = (int) (index >>> xa.loadShift((XaNode) entry));
    }

    while (Long.compareUnsigned(index, max) <= 0) {
      XaNode n = (XaNode) node;
      if (offset == xa.chunkSize) {
        offset = xa.loadOffset(n) + 1;
        node = xa.loadParent(n);
        if (node == null) {
          break;
        }
        advance = false;
        continue;
      }

      if (!advance) {
        entry = xa.loadSlot(n, offset);
        if (xa.isSibling(entry)) {
          offset = ((XaInternal) entry).number;
          moveIndex(n, offset);
        }
      }

      int off = findChunk(n, advance, mark);
      if (off > offset) {
        advance = false;
        moveIndex(n, off);
        if (Long.compareUnsigned(index - 1, max) >= 0) {
          node = XAS_RESTART;
          return null;
        }
        offset = off;
        if (off == xa.chunkSize) {
          continue;
        }
      }

      entry = xa.loadSlot(n, offset);
      if (entry == null) {
        continue;
      }
      if (xa.isSibling(entry)) {
        continue;
      }
      if (!(entry instanceof XaNode)) {
        return entry;
      }
      node = entry;
      offset = (int) (index >>> xa.loadShift((XaNode) entry)) & xa.chunkMask;
    }
    return findMarkedOut(max);
  }

  private Object findMarkedOut(long max) {
    if (Long.compareUnsigned(index, max) > 0) {
      node = XAS_RESTART;
      return null;
    }
    node = XAS_BOUNDS;
    return null;
  }

  /**
   * {@code xas_next_marked} (include/linux/xarray.h, v6.18): the fast path of
   * {@code xas_for_each_marked} within a leaf; falls back to {@link #findMarked}. Returns the entry
   * or NULL. Context: RCU or xa_lock.
   */
  public Object nextMarked(long max, int mark) {
    XArray.checkMark(mark);
    Object cur = node;
    if (!(cur instanceof XaNode) || xa.loadShift((XaNode) cur) != 0) {
      return findMarked(max, mark);
    }
    XaNode n = (XaNode) cur;
    int off = findChunk(n, true, mark);
    offset = off;
    index = (index & ~(long) xa.chunkMask) + off;
    if (Long.compareUnsigned(index, max) > 0) {
      return null;
    }
    if (off == xa.chunkSize) {
      return findMarked(max, mark);
    }
    Object entry = xa.loadSlot(n, off);
    if (entry == null) {
      return findMarked(max, mark);
    }
    return entry;
  }

  /**
   * {@code xas_find_conflict} (lib/xarray.c, v6.18): the next entry present in the range the
   * (multi-index) cursor describes. The first call walks all the way down along the index and
   * returns a larger entry covering the range (its canonical entry) or the entry at the first
   * index; later calls scan the rest of the range, descending into nodes. NULL at the end, with
   * {@code xa_offset} back at the start of the range. Context: xa_lock held.
   */
  public Object findConflict() {
    xa.assertLocked("xas_find_conflict");
    Object curr;
    if (node instanceof XaError) {
      return null;
    }
    if (node == null) {
      return null;
    }
    if (top(node)) {
      curr = start();
      if (curr == null) {
        return null;
      }
      while (curr instanceof XaNode) {
        curr = descend((XaNode) curr);
      }
      if (curr != null) {
        return curr;
      }
    }
    if (xa.loadShift((XaNode) node) > shift) {
      return null;
    }
    for (;;) {
      XaNode n = (XaNode) node;
      if (xa.loadShift(n) == shift) {
        if ((offset & sibs) == sibs) {
          break;
        }
      } else if (offset == xa.chunkMask) {
        offset = xa.loadOffset(n);
        node = xa.loadParent(n);
        if (node == null) {
          break;
        }
        continue;
      }
      curr = xa.loadSlot(n, ++offset);
      if (xa.isSibling(curr)) {
        continue;
      }
      while (curr instanceof XaNode) {
        node = curr;
        offset = 0;
        curr = xa.loadSlot((XaNode) curr, 0);
      }
      if (curr != null) {
        return curr;
      }
    }
    offset -= sibs;
    return null;
  }

  /**
   * {@code xas_pause} (lib/xarray.c, v6.18): prepares the cursor for dropping the lock
   * mid-iteration: it is reset, and its index moves past the current entry (and its siblings). With
   * c9ba5249ef8b (2025) the index is first rounded down to the slot's first index. Wrapping past
   * {@code ULONG_MAX} gives BOUNDS. Returns nothing. Context: RCU or xa_lock, about to be dropped.
   */
  public void pause() {
    Object cur = node;
    if (invalid()) {
      return;
    }
    node = XAS_RESTART;
    if (cur != null) {
      XaNode n = (XaNode) cur;
      int off = offset;
      while (++off < xa.chunkSize) {
        if (!xa.isSibling(xa.loadSlot(n, off))) {
          break;
        }
      }
      int s = xa.loadShift(n);
      index &= -1L << s;
      index += (long) (off - offset) << s;
      if (index == 0) {
        node = XAS_BOUNDS;
      }
    } else {
      index++;
    }
  }

  /**
   * {@code xas_next} (include/linux/xarray.h, v6.18) and {@code __xas_next}: moves to exactly the
   * next index and returns its slot, descending into nodes but not resolving siblings. Not for
   * multi-index cursors. Context: RCU or xa_lock.
   */
  public Object next() {
    Object cur = node;
    if (cur instanceof XaNode && xa.loadShift((XaNode) cur) == 0 && offset != xa.chunkMask) {
      index++;
      offset++;
      return xa.loadSlot((XaNode) cur, offset);
    }
    if (!frozen(node)) {
      index++;
    }
    if (node == null) {
      node = XAS_BOUNDS;
      return null;
    }
    if (!(node instanceof XaNode)) {
      return load();
    }
    XaNode n = (XaNode) node;
    if (offset != ((int) (index >>> xa.loadShift(n)) & xa.chunkMask)) {
      offset++;
    }
    while (offset == xa.chunkSize) {
      offset = xa.loadOffset(n) + 1;
      n = xa.loadParent(n);
      node = n;
      if (n == null) {
        node = XAS_BOUNDS;
        return null;
      }
    }
    for (;;) {
      Object entry = xa.loadSlot(n, offset);
      if (!(entry instanceof XaNode)) {
        return entry;
      }
      n = (XaNode) entry;
      node = n;
      offset = (int) (index >>> xa.loadShift(n)) & xa.chunkMask;
    }
  }

  /**
   * {@code xas_prev} (include/linux/xarray.h, v6.18) and {@code __xas_prev}: moves to exactly the
   * previous index and returns its slot; see {@link #next()}. Context: RCU or xa_lock. Kept as a
   * mirror image of {@link #next()} rather than sharing code with it, as lib/xarray.c keeps the
   * two.
   */
  public Object prev() {
    Object cur = node;
    if (cur instanceof XaNode && xa.loadShift((XaNode) cur) == 0 && offset != 0) {
      index--;
      offset--;
      return xa.loadSlot((XaNode) cur, offset);
    }
    if (!frozen(node)) {
      index--;
    }
    if (node == null) {
      node = XAS_BOUNDS;
      return null;
    }
    if (!(node instanceof XaNode)) {
      return load();
    }
    XaNode n = (XaNode) node;
    if (offset != ((int) (index >>> xa.loadShift(n)) & xa.chunkMask)) {
      offset--;
    }
    while (offset == -1) {
      offset = xa.loadOffset(n) - 1;
      n = xa.loadParent(n);
      node = n;
      if (n == null) {
        node = XAS_BOUNDS;
        return null;
      }
    }
    for (;;) {
      Object entry = xa.loadSlot(n, offset);
      if (!(entry instanceof XaNode)) {
        return entry;
      }
      n = (XaNode) entry;
      node = n;
      offset = (int) (index >>> xa.loadShift(n)) & xa.chunkMask;
    }
  }

  /**
   * {@code xas_sibling} (lib/xarray.c, static, v6.18): true if the cursor's index lies after the
   * first index of the slot it sits on, i.e. the entry found started before the index. Context: RCU
   * or xa_lock (loads the node's shift).
   */
  boolean sibling() {
    if (!(node instanceof XaNode)) {
      return false;
    }
    XaNode n = (XaNode) node;
    int s = xa.loadShift(n);
    long mask = ((long) xa.chunkSize << s) - 1;
    return Long.compareUnsigned(index & mask, (long) offset << s) > 0;
  }

  /**
   * {@code xas_set_range} (lib/xarray.c, static, v6.18): sets the cursor to the largest aligned
   * chunk of {@code [first, last]} that starts at {@code first} and fits one node. Returns nothing.
   * Context: any; touches only the cursor.
   */
  void setRange(long first, long last) {
    int cs = xa.chunkShift;
    long mask = xa.chunkMask;
    int sh = 0;
    long sb = last - first;
    long off = mask;

    set(first);
    while ((first & mask) == 0) {
      if (Long.compareUnsigned(sb, mask) < 0) {
        break;
      }
      if (sb == mask && off < mask) {
        break;
      }
      sh += cs;
      if (off == mask) {
        off = sb & mask;
      }
      sb >>>= cs;
      first >>>= cs;
    }
    off = first & mask;
    if (Long.compareUnsigned(off + sb, mask) > 0) {
      sb = mask - off;
    }
    if (Long.compareUnsigned(((first + sb + 1) << sh) - 1, last) > 0) {
      sb -= 1;
    }
    shift = sh;
    sibs = (int) sb;
  }

  @Override
  public String toString() {
    return "xas{index=" + Long.toUnsignedString(index) + ", shift=" + shift + ", sibs=" + sibs
        + ", offset=" + offset + ", node=" + XaEntry.describe(node) + ", alloc="
        + XaEntry.describe(alloc) + "}";
  }
}
