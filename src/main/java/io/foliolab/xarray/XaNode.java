package io.foliolab.xarray;

/**
 * One node of the tree: the model of {@code struct xa_node} (include/linux/xarray.h, v6.18), which
 * is also {@code struct radix_tree_node}. A node pointer entry ({@code xa_mk_node}) is the node
 * object itself.
 *
 * <p>The fields are shared words. Code that models kernel paths must read and write them through
 * the owning array's primitives ({@link XArray#loadSlot}, {@link XArray#loadShift}, ...), which
 * report to the array's {@link XaObserver}. The {@code peek*} accessors here are raw reads that
 * report nothing; they are meant for dumps, checks and tests.
 *
 * <p>Nodes come from an {@link XaNodeAllocator} (the {@code radix_tree_node} slab cache) and go
 * back to it; {@link #id()} is a small number stable for the life of the object (across reuse),
 * used by dumps and validation messages.
 */
public final class XaNode {
  /** Where a node is in its life cycle; maintained by the {@link XaNodeAllocator}. */
  public enum State {
    /** Handed out by {@code kmem_cache_alloc}: in a tree, in an {@code xa_alloc} chain, or leaked. */
    ALLOCATED,
    /** Passed to {@code call_rcu}; its memory is intact until a grace period completes. */
    RCU_PENDING,
    /** On the allocator's free list. */
    FREE
  }

  final int id;
  final XaNodeAllocator allocator;
  int shift;
  int offset;
  int count;
  int nrValues;
  XaNode parent;
  /** The owning {@link XArray}, {@link XArray#XA_RCU_FREE}, or null when never set. */
  Object array;
  /** {@code private_list}: null when the list head is empty (the only state the model uses). */
  Object privateList;
  final Object[] slots;
  /** {@code marks[XA_MAX_MARKS][XA_MARK_LONGS]}: one 64-bit word per mark. */
  final long[] marks = new long[XArray.XA_MAX_MARKS];
  State state = State.ALLOCATED;
  long rcuSequence;

  XaNode(int id, XaNodeAllocator allocator, int chunkSize) {
    this.id = id;
    this.allocator = allocator;
    this.slots = new Object[chunkSize];
  }

  /** Small id, unique within its allocator, stable across reuse. */
  public int id() {
    return id;
  }

  /** {@code XA_CHUNK_SIZE} of this node (64, or 16 with chunk shift 4). */
  public int chunkSize() {
    return slots.length;
  }

  /** Life-cycle state (allocated, waiting for RCU, free). */
  public State state() {
    return state;
  }

  /** The allocator this node belongs to. */
  public XaNodeAllocator allocator() {
    return allocator;
  }

  /** Raw read of {@code slots[offset]}; not reported to any observer. */
  public Object peekSlot(int offset) {
    return slots[offset];
  }

  /** Raw read of {@code shift}; not reported. */
  public int peekShift() {
    return shift;
  }

  /** Raw read of {@code offset}; not reported. */
  public int peekOffset() {
    return offset;
  }

  /** Raw read of {@code count}; not reported. */
  public int peekCount() {
    return count;
  }

  /** Raw read of {@code nr_values}; not reported. */
  public int peekNrValues() {
    return nrValues;
  }

  /** Raw read of {@code parent}; not reported. */
  public XaNode peekParent() {
    return parent;
  }

  /** Raw read of {@code array} (an {@link XArray}, {@link XArray#XA_RCU_FREE} or null). */
  public Object peekArray() {
    return array;
  }

  /** Raw read of mark bit {@code offset} of {@code mark}; not reported. */
  public boolean peekMark(int mark, int offset) {
    return (marks[mark] >>> offset & 1) != 0;
  }

  /** Raw read of the bitmap of {@code mark}; not reported. */
  public long peekMarks(int mark) {
    return marks[mark];
  }

  /** {@code private_list}; null means the list head is empty. Not a modelled shared word. */
  public Object privateList() {
    return privateList;
  }

  /**
   * Sets {@code private_list} (the page cache's shadow-node LRU uses it). The kernel BUGs when a
   * node with a non-empty list is freed or updated without an update callback; so does the model.
   */
  public void setPrivateList(Object privateList) {
    this.privateList = privateList;
  }

  @Override
  public String toString() {
    return "node#" + id;
  }
}
