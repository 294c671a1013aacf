package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model of the Linux XArray, {@code struct xarray} and the normal API of lib/xarray.c and
 * include/linux/xarray.h (v6.18 plus the 2025 {@code xas_try_split} series): {@code xa_foo(xa,
 * ...)} is {@code xa.foo(...)}, and the variants that expect the lock held, {@code __xa_foo}, are
 * {@code xa.__foo(...)}. The advanced API is on {@link XaState}.
 *
 * <h2>Shared words and the observer</h2>
 *
 * Every load and store of a shared word (the head, the mark summary in {@code xa_flags}, and the
 * slots, mark bits and fields of nodes) goes through one primitive per direction. Loads are
 * public ({@link #loadHead}, {@link #loadSlot}, {@link #loadMark}, {@link #loadShift}, ...) so
 * that a step program outside this package can run {@code xas_load} and friends one load at a
 * time; stores are internal. When an {@link XaObserver} is installed, each load is reported
 * before it happens and each store after, as an {@link XaStore} with its ordering
 * ({@link XaOrder#RELEASE} for {@code rcu_assign_pointer}, {@link XaOrder#PLAIN} otherwise, as in
 * kernel-notes/xarray.md section 5.15). Without an observer a primitive is a field access and a
 * null check.
 *
 * <h2>Locking</h2>
 *
 * {@code xa_lock} is modelled as a flag ({@link #xaLock}, {@link #xaUnlock}); functions that
 * take the lock take it, functions that expect it held assert it like lockdep (disable with
 * {@link #setLockdep}). RCU is the caller's business; node memory is returned to the allocator
 * only when the caller completes a grace period ({@link XaNodeAllocator#completeGracePeriod}).
 *
 * <h2>Errors</h2>
 *
 * Functions return errors as the kernel does: negative errno ints, or {@link XaError} entries
 * where the kernel returns an entry ({@code xa_is_err} / {@link XaEntry#err}). Where the kernel
 * would BUG or WARN on a bad argument (order above 63, mark above 2, negative value) an
 * {@link IllegalArgumentException} names the value. Indices are unsigned: {@code -1L} is
 * {@code ULONG_MAX}. The kernel's run-time {@code WARN_ON}s that have a defined outcome (an
 * advanced entry passed to {@code xa_store}, a two-level {@code xas_split_alloc}) keep that
 * outcome and are recorded in {@link #warnings()}.
 *
 * <p>Not modelled: allocating arrays ({@code XA_FLAGS_ALLOC}, {@code XA_FLAGS_TRACK_FREE},
 * {@code XA_FLAGS_ZERO_BUSY}), {@code xa_extract}, the lock types (irq/bh), memcg accounting.
 */
public final class XArray {
  public static final int XA_MARK_0 = 0;
  public static final int XA_MARK_1 = 1;
  public static final int XA_MARK_2 = 2;
  public static final int XA_MARK_MAX = XA_MARK_2;
  /** {@code XA_MAX_MARKS}. */
  public static final int XA_MAX_MARKS = 3;
  /** {@code XA_PRESENT}: the filter meaning "any present entry" for {@link #find}. */
  public static final int XA_PRESENT = 8;
  /** {@code ULONG_MAX} as a Java long. */
  public static final long ULONG_MAX = -1L;

  /** {@code XA_RCU_FREE}: the value of a node's {@code array} once it has been handed to RCU. */
  public static final Object XA_RCU_FREE = new Object() {
    @Override
    public String toString() {
      return "XA_RCU_FREE";
    }
  };

  final XaConfig config;
  final int chunkShift;
  final int chunkSize;
  final int chunkMask;
  final int maxSibling;
  final XaConfig.Descend descendVariant;
  final XaConfig.Reload reloadVariant;
  final XaNodeAllocator allocator;
  private final String name;

  /** {@code xa_head}. */
  Object head;
  /** The mark bits of {@code xa_flags} ({@code XA_FLAGS_MARK(mark)}), bit {@code mark}. */
  int markFlags;
  XaObserver observer;
  private boolean locked;
  boolean lockdep = true;
  private final List<String> warnings = new ArrayList<>();

  /** An empty array ({@code DEFINE_XARRAY}) with the default configuration and its own slab. */
  public XArray() {
    this("xa", XaConfig.DEFAULT);
  }

  /** An empty array with the given configuration and its own node allocator. */
  public XArray(String name, XaConfig config) {
    this(name, config, new XaNodeAllocator(config.chunkShift()));
  }

  /**
   * An empty array whose nodes come from {@code allocator}, which other arrays may share.
   *
   * @throws IllegalArgumentException if the allocator's chunk shift differs from the config's
   */
  public XArray(String name, XaConfig config, XaNodeAllocator allocator) {
    this.name = checkNotNull(name, "name");
    this.config = checkNotNull(config, "config");
    this.allocator = checkNotNull(allocator, "allocator");
    checkArgument(allocator.chunkShift() == config.chunkShift(),
        "allocator makes %s-slot nodes but the array uses chunk shift %s",
        1 << allocator.chunkShift(), config.chunkShift());
    this.chunkShift = config.chunkShift();
    this.chunkSize = 1 << chunkShift;
    this.chunkMask = chunkSize - 1;
    this.maxSibling = chunkSize - 2;
    this.descendVariant = config.descend();
    this.reloadVariant = config.reload();
  }

  public String name() {
    return name;
  }

  public XaConfig config() {
    return config;
  }

  /** {@code XA_CHUNK_SHIFT} of this array. */
  public int chunkShift() {
    return chunkShift;
  }

  /** {@code XA_CHUNK_SIZE} of this array. */
  public int chunkSize() {
    return chunkSize;
  }

  public XaNodeAllocator allocator() {
    return allocator;
  }

  /** Installs (or with null removes) the observer of this array's loads and stores. */
  public void setObserver(XaObserver observer) {
    this.observer = observer;
  }

  public XaObserver observer() {
    return observer;
  }

  // ------------------------------------------------------------------ lock

  /**
   * {@code xa_lock(xa)} (include/linux/xarray.h, v6.18): takes the array's spinlock (here a flag; a
   * simulated machine's lock, if any, is taken separately by the caller). Returns nothing. Context:
   * process; must not already hold it.
   *
   * @throws IllegalStateException if already held (a recursive spin_lock deadlocks)
   */
  public void xaLock() {
    checkState(!locked, "xa_lock(%s): already held; spin_lock would deadlock", name);
    locked = true;
  }

  /**
   * {@code xa_unlock(xa)} (include/linux/xarray.h, v6.18): releases the array's spinlock. Returns
   * nothing. Context: xa_lock held.
   *
   * @throws IllegalStateException if not held
   */
  public void xaUnlock() {
    checkState(locked, "xa_unlock(%s): not held", name);
    locked = false;
  }

  /** True while the modelled {@code xa_lock} is held. */
  public boolean isLocked() {
    return locked;
  }

  /**
   * Turns the lockdep-style assertions on or off (on by default): advanced write functions
   * asserting the lock is held, and sleeping allocations under the lock.
   */
  public void setLockdep(boolean on) {
    this.lockdep = on;
  }

  void assertLocked(String function) {
    if (lockdep && !locked) {
      throw new IllegalStateException(function + ": xa_lock of " + name + " not held");
    }
  }

  // ------------------------------------------------------------------ primitives

  /**
   * Reports a load of word {@code field} (at {@code index}, as {@link XaObserver#load} numbers it)
   * of {@code owner} to the observer, if one is installed; called before the load.
   */
  private void reportLoad(Object owner, XaField field, int index) {
    XaObserver o = observer;
    if (o != null) {
      o.load(owner, field, index);
    }
  }

  /**
   * Reports a store of word {@code field} of {@code owner} from {@code old} to {@code value} with
   * ordering {@code order} to the observer, if one is installed; called after the store.
   */
  private void reportStore(Object owner, XaField field, int index, Object old, Object value,
      XaOrder order) {
    XaObserver o = observer;
    if (o != null) {
      o.store(new XaStore(owner, field, index, old, value, order));
    }
  }

  /**
   * Loads {@code xa_head} ({@code xa_head}, include/linux/xarray.h, v6.18:
   * {@code rcu_dereference_check}). Returns the head entry. Context: RCU or xa_lock.
   */
  public Object loadHead() {
    reportLoad(this, XaField.HEAD, 0);
    return head;
  }

  void storeHead(Object entry, XaOrder order) {
    Object old = head;
    head = entry;
    reportStore(this, XaField.HEAD, 0, old, entry, order);
  }

  /**
   * Loads the mark summary bit of {@code xa_flags} ({@code xa_marked}, include/linux/xarray.h,
   * v6.18). Returns the bit. Context: RCU or xa_lock.
   */
  public boolean loadFlagMark(int mark) {
    reportLoad(this, XaField.FLAG_MARK, mark);
    return (markFlags >>> mark & 1) != 0;
  }

  void storeFlagMark(int mark, boolean on) {
    boolean old = (markFlags >>> mark & 1) != 0;
    markFlags = on ? markFlags | (1 << mark) : markFlags & ~(1 << mark);
    reportStore(this, XaField.FLAG_MARK, mark, old, on, XaOrder.PLAIN);
  }

  /**
   * Loads {@code node->slots[offset]} ({@code xa_entry}, include/linux/xarray.h, v6.18:
   * {@code rcu_dereference_check}). Returns the entry. Context: RCU or xa_lock.
   */
  public Object loadSlot(XaNode node, int offset) {
    reportLoad(node, XaField.SLOT, offset);
    return node.slots[offset];
  }

  void storeSlot(XaNode node, int offset, Object entry, XaOrder order) {
    Object old = node.slots[offset];
    node.slots[offset] = entry;
    reportStore(node, XaField.SLOT, offset, old, entry, order);
  }

  /**
   * Loads mark bit {@code offset} of {@code mark} in {@code node} ({@code node_get_mark},
   * lib/xarray.c, static, v6.18). Returns the bit. Context: RCU or xa_lock.
   */
  public boolean loadMark(XaNode node, int mark, int offset) {
    reportLoad(node, XaField.MARK, mark * chunkSize + offset);
    return (node.marks[mark] >>> offset & 1) != 0;
  }

  /**
   * Loads the whole bitmap of {@code mark} in {@code node}, as {@code find_next_bit} and
   * {@code bitmap_empty} do (include/linux/bitmap.h, v6.18): a single word load, reported as a load
   * of each of its bits. Returns the word. Context: RCU or xa_lock.
   */
  public long loadMarkWord(XaNode node, int mark) {
    XaObserver o = observer;
    if (o != null) {
      for (int i = 0; i < chunkSize; i++) {
        o.load(node, XaField.MARK, mark * chunkSize + i);
      }
    }
    return node.marks[mark];
  }

  /** Stores one mark bit (a plain, non-atomic bit operation under the lock) if it changes. */
  void storeMark(XaNode node, int mark, int offset, boolean on) {
    long bit = 1L << offset;
    boolean old = (node.marks[mark] & bit) != 0;
    if (old == on) {
      return;
    }
    if (on) {
      node.marks[mark] |= bit;
    } else {
      node.marks[mark] &= ~bit;
    }
    reportStore(node, XaField.MARK, mark * chunkSize + offset, old, on, XaOrder.PLAIN);
  }

  /** Loads {@code node->shift}. */
  public int loadShift(XaNode node) {
    reportLoad(node, XaField.SHIFT, 0);
    return node.shift;
  }

  void storeShift(XaNode node, int value) {
    int old = node.shift;
    node.shift = value;
    reportStore(node, XaField.SHIFT, 0, old, value, XaOrder.PLAIN);
  }

  /** Loads {@code node->offset}. */
  public int loadOffset(XaNode node) {
    reportLoad(node, XaField.OFFSET, 0);
    return node.offset;
  }

  void storeOffset(XaNode node, int value) {
    int old = node.offset;
    node.offset = value;
    reportStore(node, XaField.OFFSET, 0, old, value, XaOrder.PLAIN);
  }

  /** Loads {@code node->count}. */
  public int loadCount(XaNode node) {
    reportLoad(node, XaField.COUNT, 0);
    return node.count;
  }

  void storeCount(XaNode node, int value) {
    int old = node.count;
    node.count = value;
    reportStore(node, XaField.COUNT, 0, old, value, XaOrder.PLAIN);
  }

  /** Loads {@code node->nr_values}. */
  public int loadNrValues(XaNode node) {
    reportLoad(node, XaField.NR_VALUES, 0);
    return node.nrValues;
  }

  void storeNrValues(XaNode node, int value) {
    int old = node.nrValues;
    node.nrValues = value;
    reportStore(node, XaField.NR_VALUES, 0, old, value, XaOrder.PLAIN);
  }

  /**
   * Loads {@code node->parent} ({@code xa_parent}, include/linux/xarray.h, v6.18). Returns the
   * parent, null for the root. Context: RCU or xa_lock.
   */
  public XaNode loadParent(XaNode node) {
    reportLoad(node, XaField.PARENT, 0);
    return node.parent;
  }

  void storeParent(XaNode node, XaNode parent, XaOrder order) {
    XaNode old = node.parent;
    node.parent = parent;
    reportStore(node, XaField.PARENT, 0, old, parent, order);
  }

  /** Loads {@code node->array}: an {@link XArray}, {@link #XA_RCU_FREE} or null. */
  public Object loadArray(XaNode node) {
    reportLoad(node, XaField.ARRAY, 0);
    return node.array;
  }

  void storeArray(XaNode node, Object array) {
    Object old = node.array;
    node.array = array;
    reportStore(node, XaField.ARRAY, 0, old, array, XaOrder.PLAIN);
  }

  // ------------------------------------------------------------------ helpers on primitives

  /**
   * {@code xa_is_sibling(entry)} (include/linux/xarray.h, v6.18) for this array's chunk size:
   * returns true for an internal entry 0 .. {@code XA_CHUNK_SIZE - 2}. Context: any; pure.
   */
  boolean isSibling(Object e) {
    if (e instanceof XaInternal) {
      int n = ((XaInternal) e).number;
      return n >= 0 && n <= maxSibling;
    }
    return false;
  }

  /**
   * {@code max_index} (lib/xarray.c, static, v6.18): returns the largest index the head covers
   * (loads the root's shift). Context: RCU or xa_lock.
   */
  long maxIndex(Object entry) {
    if (!(entry instanceof XaNode)) {
      return 0;
    }
    return ((long) chunkSize << loadShift((XaNode) entry)) - 1;
  }

  /**
   * {@code node_set_mark} (lib/xarray.c, static, v6.18): sets the bit; returns true if it was
   * already set. Context: xa_lock held.
   */
  boolean nodeSetMark(XaNode node, int offset, int mark) {
    if (loadMark(node, mark, offset)) {
      return true;
    }
    storeMark(node, mark, offset, true);
    return false;
  }

  /**
   * {@code node_clear_mark} (lib/xarray.c, static, v6.18): clears the bit; returns true if it was
   * set. Context: xa_lock held.
   */
  boolean nodeClearMark(XaNode node, int offset, int mark) {
    if (!loadMark(node, mark, offset)) {
      return false;
    }
    storeMark(node, mark, offset, false);
    return true;
  }

  /**
   * {@code node_any_mark} (lib/xarray.c, static, v6.18): returns true if any slot of the node has
   * {@code mark} (one load of the mark word). Context: xa_lock held.
   */
  boolean nodeAnyMark(XaNode node, int mark) {
    return loadMarkWord(node, mark) != 0;
  }

  /**
   * {@code node_mark_all} (lib/xarray.c, static, v6.18): {@code bitmap_fill} over
   * {@code XA_CHUNK_SIZE} bits. Returns nothing. Context: xa_lock held, or a node not yet visible.
   */
  void nodeMarkAll(XaNode node, int mark) {
    for (int i = 0; i < chunkSize; i++) {
      storeMark(node, mark, i, true);
    }
  }

  /**
   * {@code radix_tree_node_rcu_free} (lib/radix-tree.c, v6.18) called directly, as
   * {@code xas_destroy} does: zeroes slots and marks with plain stores (reported, so a recorded
   * operation stays consistent), empties the private list and frees the node to the slab at once.
   * Returns nothing. Context: any; the node was never visible to readers.
   */
  void radixTreeNodeRcuFree(XaNode node) {
    for (int i = 0; i < chunkSize; i++) {
      if (node.slots[i] != null) {
        storeSlot(node, i, null, XaOrder.PLAIN);
      }
    }
    for (int mark = 0; mark < XA_MAX_MARKS; mark++) {
      for (int i = 0; i < chunkSize; i++) {
        storeMark(node, mark, i, false);
      }
    }
    node.privateList = null;
    node.allocator.kmemCacheFree(node);
  }

  private static final int MAX_WARNINGS = 64;
  private long warnCount;

  void warn(String message) {
    warnCount++;
    if (warnings.size() < MAX_WARNINGS) {
      warnings.add(message);
    }
  }

  /** The first (up to 64) kernel WARNs that fired on this array, oldest first. */
  public List<String> warnings() {
    return ImmutableList.copyOf(warnings);
  }

  /** How many kernel WARNs fired on this array. */
  public long warnCount() {
    return warnCount;
  }

  static void checkMark(int mark) {
    checkArgument(mark >= 0 && mark <= XA_MARK_MAX, "mark %s: must be XA_MARK_0..XA_MARK_2",
        mark);
  }

  static void checkOrder(int order) {
    checkArgument(order >= 0 && order < 64, "order %s: must be in 0..63", order);
  }

  /**
   * {@code xas_result} (lib/xarray.c, static, v6.18): returns {@code curr}, with a zero entry as
   * NULL and the cursor's error entry, if any, instead. Context: any; touches only the cursor.
   */
  private static Object xasResult(XaState xas, Object curr) {
    if (curr == XaEntry.XA_ZERO_ENTRY) {
      return null;
    }
    if (xas.error() != 0) {
      curr = xas.node;
    }
    return curr;
  }

  // ------------------------------------------------------------------ normal API

  /**
   * {@code xa_load} (lib/xarray.c, v6.18): the entry at {@code index}, NULL for a zero entry;
   * restarts the walk on a retry entry. Returns the entry. Context: takes and releases the RCU read
   * lock.
   */
  public Object load(long index) {
    XaState xas = new XaState(this, index);
    Object entry;
    do {
      entry = xas.load();
      if (entry == XaEntry.XA_ZERO_ENTRY) {
        entry = null;
      }
    } while (xas.retry(entry));
    return entry;
  }

  /**
   * {@code __xa_store} (lib/xarray.c, v6.18): stores {@code entry} at {@code index}, replacing a
   * whole multi-index entry that covers it; marks are unaffected unless {@code entry} is NULL.
   * Drops and retakes the lock to allocate if gfp may sleep. Context: xa_lock held.
   *
   * @return the old entry (zero reads as NULL), or an error entry: -EINVAL for an advanced entry
   *     (sibling or retry; the kernel also WARNs), -ENOMEM
   */
  public Object __store(long index, Object entry, XaGfp gfp) {
    assertLocked("__xa_store");
    checkNotNull(gfp, "gfp");
    XaState xas = new XaState(this, index);
    if (XaEntry.isAdvanced(entry)) {
      warn("__xa_store: advanced entry " + XaEntry.describe(entry));
      return XaEntry.error(-XaErrno.EINVAL);
    }
    Object curr;
    do {
      curr = xas.store(entry);
    } while (xas.__nomem(gfp));
    return xasResult(xas, curr);
  }

  /**
   * {@code xa_store} (lib/xarray.c, v6.18): {@link #__store} with the lock taken and released.
   * Returns what {@link #__store} returns. Context: process; takes the xa_lock.
   */
  public Object store(long index, Object entry, XaGfp gfp) {
    xaLock();
    try {
      return __store(index, entry, gfp);
    } finally {
      xaUnlock();
    }
  }

  /**
   * {@code xa_store(xa, index, entry, GFP_KERNEL)} (lib/xarray.c, v6.18): see
   * {@link #store(long, Object, XaGfp)}. Returns the old entry or an error entry. Context: process,
   * may sleep; takes the xa_lock.
   */
  public Object store(long index, Object entry) {
    return store(index, entry, XaGfp.GFP_KERNEL);
  }

  /**
   * {@code xa_store_order} (lib/test_xarray.c, v6.18): stores {@code entry} as one
   * order-{@code order} entry covering {@code index} rounded down, with an {@code XA_STATE_ORDER}
   * cursor and the {@code xas_nomem} loop. Returns what {@code xas_store} returned (not meaningful
   * for multi-index stores) or the cursor's error entry. Context: process; takes the xa_lock for
   * each attempt, allocates outside it.
   */
  public Object storeOrder(long index, int order, Object entry, XaGfp gfp) {
    checkOrder(order);
    XaState xas = new XaState(this, index, order);
    Object curr;
    do {
      xaLock();
      try {
        curr = xas.store(entry);
      } finally {
        xaUnlock();
      }
    } while (xas.nomem(gfp));
    return xas.error() != 0 ? xas.node : curr;
  }

  /**
   * {@code __xa_erase} (lib/xarray.c, v6.18): erases the entry at {@code index}, the whole entry if
   * it is multi-index. Context: xa_lock held. Returns the old entry (zero reads as NULL).
   */
  public Object __erase(long index) {
    assertLocked("__xa_erase");
    XaState xas = new XaState(this, index);
    return xasResult(xas, xas.store(null));
  }

  /**
   * {@code xa_erase} (lib/xarray.c, v6.18): {@link #__erase} with the lock taken and released.
   * Returns the old entry. Context: process; takes the xa_lock.
   */
  public Object erase(long index) {
    xaLock();
    try {
      return __erase(index);
    } finally {
      xaUnlock();
    }
  }

  /**
   * {@code __xa_cmpxchg} (lib/xarray.c, v6.18): stores {@code entry} if the current entry is
   * {@code old} ({@link XaEntry#same}). Context: xa_lock held.
   *
   * @return the entry that was there (zero reads as NULL), or an error entry (-EINVAL for an
   *     advanced entry, -ENOMEM)
   */
  public Object __cmpxchg(long index, Object old, Object entry, XaGfp gfp) {
    assertLocked("__xa_cmpxchg");
    checkNotNull(gfp, "gfp");
    XaState xas = new XaState(this, index);
    if (XaEntry.isAdvanced(entry)) {
      warn("__xa_cmpxchg: advanced entry " + XaEntry.describe(entry));
      return XaEntry.error(-XaErrno.EINVAL);
    }
    Object curr;
    do {
      curr = xas.load();
      if (XaEntry.same(curr, old)) {
        xas.store(entry);
      }
    } while (xas.__nomem(gfp));
    return xasResult(xas, curr);
  }

  /**
   * {@code xa_cmpxchg} (include/linux/xarray.h, v6.18): {@link #__cmpxchg} with the lock taken and
   * released. Returns what {@link #__cmpxchg} returns. Context: process; takes the xa_lock.
   */
  public Object cmpxchg(long index, Object old, Object entry, XaGfp gfp) {
    xaLock();
    try {
      return __cmpxchg(index, old, entry, gfp);
    } finally {
      xaUnlock();
    }
  }

  /**
   * {@code __xa_insert} (lib/xarray.c, v6.18): stores {@code entry} only if nothing (not even a
   * reserved entry) is at {@code index}; a NULL entry reserves the index. Context: xa_lock held.
   *
   * @return 0, -EBUSY if an entry is present, -EINVAL for an advanced entry, -ENOMEM
   */
  public int __insert(long index, Object entry, XaGfp gfp) {
    assertLocked("__xa_insert");
    checkNotNull(gfp, "gfp");
    XaState xas = new XaState(this, index);
    if (XaEntry.isAdvanced(entry)) {
      warn("__xa_insert: advanced entry " + XaEntry.describe(entry));
      return -XaErrno.EINVAL;
    }
    if (entry == null) {
      entry = XaEntry.XA_ZERO_ENTRY;
    }
    do {
      Object curr = xas.load();
      if (curr == null) {
        xas.store(entry);
      } else {
        xas.setErr(-XaErrno.EBUSY);
      }
    } while (xas.__nomem(gfp));
    return xas.error();
  }

  /**
   * {@code xa_insert} (include/linux/xarray.h, v6.18): {@link #__insert} with the lock taken and
   * released. Returns 0 or the errno {@link #__insert} returns. Context: process; takes the
   * xa_lock.
   */
  public int insert(long index, Object entry, XaGfp gfp) {
    xaLock();
    try {
      return __insert(index, entry, gfp);
    } finally {
      xaUnlock();
    }
  }

  /**
   * {@code xa_reserve} (include/linux/xarray.h, v6.18): stores a zero entry at {@code index} if it
   * is empty, so that a later store cannot fail for lack of memory. Returns 0 or -ENOMEM. Context:
   * process; takes the xa_lock.
   */
  public int reserve(long index, XaGfp gfp) {
    return XaEntry.err(cmpxchg(index, null, XaEntry.XA_ZERO_ENTRY, gfp));
  }

  /**
   * {@code xa_release} (include/linux/xarray.h, v6.18): erases the entry at {@code index} if it is
   * still a reserved (zero) entry. Returns nothing. Context: process; takes the xa_lock.
   */
  public void release(long index) {
    cmpxchg(index, XaEntry.XA_ZERO_ENTRY, null, XaGfp.NONE);
  }

  /**
   * {@code xa_store_range} (lib/xarray.c, v6.18): makes every index in {@code [first, last]} load
   * {@code entry}, using the largest aligned multi-index entries (NULL erases). Context: takes the
   * xa_lock; allocates with gfp outside it.
   *
   * <p>Like the kernel, this never returns when {@code last == ULONG_MAX}: after the chunk that
   * ends at {@code ULONG_MAX}, {@code first += xas_size()} wraps to 0 and the {@code first <= last}
   * loop starts over from index 0 (the top chunk's size itself wraps to 0).
   *
   * @return NULL on success, or an error entry: -EINVAL for an internal entry (the kernel also
   *     WARNs) or {@code last < first}, -ENOMEM
   */
  public Object storeRange(long first, long last, Object entry, XaGfp gfp) {
    checkNotNull(gfp, "gfp");
    XaState xas = new XaState(this, 0);
    if (XaEntry.isInternal(entry)) {
      warn("xa_store_range: internal entry " + XaEntry.describe(entry));
      return XaEntry.error(-XaErrno.EINVAL);
    }
    if (Long.compareUnsigned(last, first) < 0) {
      return XaEntry.error(-XaErrno.EINVAL);
    }
    do {
      xaLock();
      try {
        storeRangeLocked(xas, first, last, entry);
      } finally {
        xaUnlock();
      }
    } while (xas.nomem(gfp));
    return xasResult(xas, null);
  }

  private static void storeRangeLocked(XaState xas, long first, long last, Object entry) {
    if (entry != null) {
      int order = 64;
      if (last + 1 != 0) {
        order = Long.numberOfTrailingZeros(last + 1);
      }
      xas.setOrder(last, order);
      xas.create(true);
      if (xas.error() != 0) {
        return;
      }
    }
    do {
      xas.setRange(first, last);
      xas.store(entry);
      if (xas.error() != 0) {
        return;
      }
      first += xas.size();
    } while (Long.compareUnsigned(first, last) <= 0);
  }

  /**
   * {@code xa_get_order} (lib/xarray.c, v6.18): the order of the entry at {@code index}, 0 if none.
   * Context: RCU; the answer may be stale when it returns.
   */
  public int getOrder(long index) {
    XaState xas = new XaState(this, index);
    Object entry = xas.load();
    if (entry == null) {
      return 0;
    }
    return xas.getOrder();
  }

  /**
   * {@code xas_try_split_min_order(order)} (lib/xarray.c, v6.18) for this array's chunk shift:
   * returns the smallest order {@code xas_try_split} reaches from {@code order} in one step (see
   * {@link XaState#trySplitMinOrder}). Context: any; pure.
   */
  public int trySplitMinOrder(int order) {
    checkArgument(order >= 0 && order < 64, "order %s: must be in 0..63", order);
    if (order % chunkShift == 0) {
      return order == 0 ? 0 : order - 1;
    }
    return order - order % chunkShift;
  }

  /**
   * {@code __xa_set_mark} (lib/xarray.c, v6.18): marks the entry at {@code index} if present.
   * Returns nothing. Context: xa_lock held.
   */
  public void __setMark(long index, int mark) {
    checkMark(mark);
    assertLocked("__xa_set_mark");
    XaState xas = new XaState(this, index);
    Object entry = xas.load();
    if (entry != null) {
      xas.setMark(mark);
    }
  }

  /**
   * {@code __xa_clear_mark} (lib/xarray.c, v6.18): clears the mark of the entry at {@code index} if
   * present. Returns nothing. Context: xa_lock held.
   */
  public void __clearMark(long index, int mark) {
    checkMark(mark);
    assertLocked("__xa_clear_mark");
    XaState xas = new XaState(this, index);
    Object entry = xas.load();
    if (entry != null) {
      xas.clearMark(mark);
    }
  }

  /**
   * {@code xa_set_mark} (lib/xarray.c, v6.18): {@link #__setMark} under the lock; a NULL entry is
   * not marked. Returns nothing. Context: process; takes the xa_lock.
   */
  public void setMark(long index, int mark) {
    xaLock();
    try {
      __setMark(index, mark);
    } finally {
      xaUnlock();
    }
  }

  /**
   * {@code xa_clear_mark} (lib/xarray.c, v6.18): {@link #__clearMark} under the lock. Returns
   * nothing. Context: process; takes the xa_lock.
   */
  public void clearMark(long index, int mark) {
    xaLock();
    try {
      __clearMark(index, mark);
    } finally {
      xaUnlock();
    }
  }

  /**
   * {@code xa_get_mark} (lib/xarray.c, v6.18): true if the mark is set on every level from the head
   * down to the entry at {@code index}. Context: RCU.
   */
  public boolean getMark(long index, int mark) {
    checkMark(mark);
    XaState xas = new XaState(this, index);
    Object entry = xas.start();
    while (xas.getMark(mark)) {
      if (!(entry instanceof XaNode)) {
        return true;
      }
      entry = xas.descend((XaNode) entry);
    }
    return false;
  }

  /**
   * {@code xa_marked} (include/linux/xarray.h, v6.18): returns true if some entry in the array has
   * the mark (one load of the summary bit). Context: RCU or xa_lock.
   */
  public boolean marked(int mark) {
    checkMark(mark);
    return loadFlagMark(mark);
  }

  /**
   * {@code xa_empty} (include/linux/xarray.h, v6.18): returns true if the head is NULL (one load).
   * Context: RCU or xa_lock.
   */
  public boolean empty() {
    return loadHead() == null;
  }

  private static void checkFilter(int filter) {
    checkArgument((filter >= 0 && filter <= XA_MARK_MAX) || filter == XA_PRESENT,
        "filter %s: must be a mark (0..2) or XA_PRESENT (8)", filter);
  }

  /**
   * {@code xa_find} (lib/xarray.c, v6.18): the first entry matching {@code filter} (a mark or
   * {@link #XA_PRESENT}) at an index in {@code [indexp[0], max]}; stores its index in
   * {@code indexp[0]}. Skips zero entries and restarts on retry entries. Returns the entry or NULL.
   * Context: takes and releases the RCU read lock.
   */
  public Object find(long[] indexp, long max, int filter) {
    checkFilter(filter);
    XaState xas = new XaState(this, indexp[0]);
    Object entry;
    do {
      if (filter < XA_MAX_MARKS) {
        entry = xas.findMarked(max, filter);
      } else {
        entry = xas.find(max);
      }
    } while (xas.retry(entry));
    if (entry != null) {
      indexp[0] = xas.index;
    }
    return entry;
  }

  /**
   * {@code xa_find_after} (lib/xarray.c, v6.18): like {@link #find} for indices after
   * {@code indexp[0]}; an entry that started before that index (the tail of a multi-index entry
   * already reported) is skipped. Returns the entry or NULL. Context: takes and releases the RCU
   * read lock.
   */
  public Object findAfter(long[] indexp, long max, int filter) {
    checkFilter(filter);
    XaState xas = new XaState(this, indexp[0] + 1);
    if (xas.index == 0) {
      return null;
    }
    Object entry;
    for (;;) {
      if (filter < XA_MAX_MARKS) {
        entry = xas.findMarked(max, filter);
      } else {
        entry = xas.find(max);
      }
      if (xas.invalid()) {
        break;
      }
      if (xas.sibling()) {
        continue;
      }
      if (!xas.retry(entry)) {
        break;
      }
    }
    if (entry != null) {
      indexp[0] = xas.index;
    }
    return entry;
  }

  /**
   * {@code xa_for_each_range(xa, index, entry, start, last)} (include/linux/xarray.h, v6.18): calls
   * {@code action} with each present entry in {@code [start, last]} (a multi-index entry once)
   * using {@code xa_find} then {@code xa_find_after}; the action may modify the array. Returns
   * nothing. Context: RCU inside each lookup; the action runs outside it.
   */
  public void forEachRange(long start, long last, XaEntryConsumer action) {
    forEachFiltered(start, last, XA_PRESENT, action);
  }

  /**
   * {@code xa_for_each(xa, index, entry)} (include/linux/xarray.h, v6.18): {@link #forEachRange}
   * over the whole array. Returns nothing. Context: as {@link #forEachRange}.
   */
  public void forEach(XaEntryConsumer action) {
    forEachFiltered(0, ULONG_MAX, XA_PRESENT, action);
  }

  /**
   * {@code xa_for_each_start(xa, index, entry, start)} (include/linux/xarray.h, v6.18):
   * {@link #forEachRange} from {@code start}. Returns nothing. Context: as {@link #forEachRange}.
   */
  public void forEachStart(long start, XaEntryConsumer action) {
    forEachFiltered(start, ULONG_MAX, XA_PRESENT, action);
  }

  /**
   * {@code xa_for_each_marked(xa, index, entry, filter)} (include/linux/xarray.h, v6.18): each
   * entry with {@code mark}, using {@code xa_find} then {@code xa_find_after}. Returns nothing.
   * Context: as {@link #forEachRange}.
   */
  public void forEachMarked(int mark, XaEntryConsumer action) {
    checkMark(mark);
    forEachFiltered(0, ULONG_MAX, mark, action);
  }

  private void forEachFiltered(long start, long last, int filter, XaEntryConsumer action) {
    long[] index = {start};
    for (Object entry = find(index, last, filter); entry != null;
        entry = findAfter(index, last, filter)) {
      action.accept(index[0], entry);
    }
  }

  /**
   * {@code xa_delete_node} (lib/xarray.c, v6.18): removes an (empty or shadow-only) node from the
   * tree by storing NULL over its slot in the parent (workingset shadow-node reclaim). Context:
   * xa_lock held.
   */
  public void deleteNode(XaNode node, XaUpdate update) {
    assertLocked("xa_delete_node");
    checkArgument(node.array == this, "%s does not belong to %s", node, name);
    int nodeOffset = loadOffset(node);
    int nodeShift = loadShift(node);
    XaState xas = new XaState(this, (long) nodeOffset << (nodeShift + chunkShift));
    xas.shift = nodeShift + chunkShift;
    xas.offset = nodeOffset;
    xas.node = loadParent(node);
    xas.update = update;
    xas.store(null);
  }

  /**
   * {@code xa_destroy} (lib/xarray.c, v6.18): empties the array: the head is cleared, the marks
   * reset, and every node is torn down (slots set to RETRY) and freed through RCU. Context: takes
   * the xa_lock.
   */
  public void destroy() {
    xaLock();
    try {
      XaState xas = new XaState(this, 0);
      xas.node = null;
      Object entry = loadHead();
      storeHead(null, XaOrder.PLAIN);
      xas.initMarks();
      if (entry instanceof XaNode) {
        xas.freeNodes((XaNode) entry);
      }
    } finally {
      xaUnlock();
    }
  }

  // ------------------------------------------------------------------ inspection

  /** Raw read of {@code xa_head}, not reported. */
  public Object peekHead() {
    return head;
  }

  /** Raw read of the mark summary bit, not reported. */
  public boolean peekFlagMark(int mark) {
    checkMark(mark);
    return (markFlags >>> mark & 1) != 0;
  }

  /**
   * A dump of the tree in the spirit of {@code xa_dump}: the array line, then one line per node
   * and per non-empty slot, indented by depth, with index ranges, entries described by
   * {@link XaEntry#describe} and marks. Deterministic. Uses raw reads (nothing is reported).
   */
  public String dump() {
    return XaDump.dump(this);
  }

  /**
   * Checks every structural invariant and returns the first violation, naming the node, slot and
   * index, or empty. In addition to {@link #validateStructure()}: no node is empty, and the tree
   * is as low as {@code xas_shrink} leaves it. These two only hold when no node allocation has
   * failed part way (an interrupted {@code xas_create} legitimately leaves empty nodes and an
   * expanded root).
   */
  public Optional<String> validate() {
    return XaValidator.validate(this, true);
  }

  /**
   * Checks the invariants that hold in every state the kernel leaves when it drops the lock:
   * node fields (array, shift, offset, parent, life-cycle), siblings pointing at an earlier
   * canonical slot of the same node with nothing but siblings in between, no sibling of a node
   * pointer, no node pointer in a leaf, no retry or error entry in the tree, count and
   * nr_values, marks only on present canonical slots, and marks propagated to parents and to the
   * summary in {@code xa_flags} (set exactly when some child has the mark).
   */
  public Optional<String> validateStructure() {
    return XaValidator.validate(this, false);
  }

  @Override
  public String toString() {
    return name;
  }
}
