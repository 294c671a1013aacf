package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayDeque;

/**
 * The {@code radix_tree_node} slab cache (lib/radix-tree.c, v6.18) together with the RCU
 * callbacks that free nodes into it. Shareable by several {@link XArray}s with the same chunk
 * shift, so that a node freed by one file can be reused by another, as in the kernel.
 *
 * <ul>
 *   <li>{@link #kmemCacheAlloc} pops the most recently freed node (LIFO) and returns it exactly as
 *       it was left; only a brand-new node is zeroed (the slab constructor
 *       {@code radix_tree_node_ctor}). Failure is decided by the {@link XaAllocPolicy}.
 *   <li>{@link #kmemCacheFree} pushes a node back as it is, without zeroing.
 *   <li>{@link #callRcu} queues a node for {@code radix_tree_node_rcu_free}; it stays untouched
 *       until {@link #completeGracePeriod} runs the callback, which zeroes the slots and marks,
 *       re-initialises {@code private_list} and frees the node.
 * </ul>
 *
 * <p>All kernel freeing paths zero a node before it reaches the free list
 * ({@code radix_tree_node_rcu_free}); {@code xas_destroy} does so synchronously. A node with
 * stale contents can therefore only come back from the free list through a freeing path that skips
 * the zeroing, which is what the pre-8fc75643c5e1 {@code xas_destroy} variant models.
 */
public final class XaNodeAllocator {
  private final int chunkShift;
  private final ArrayDeque<XaNode> freeList = new ArrayDeque<>();
  private final ArrayDeque<XaNode> rcuPending = new ArrayDeque<>();
  private final java.util.List<XaNode> created = new java.util.ArrayList<>();
  private XaAllocPolicy policy = XaAllocPolicy.ALWAYS;
  private int nextId;
  private long nextRcuSequence;
  private long allocations;
  private long failures;
  private long directFrees;
  private long rcuFrees;
  private long rcuCallbacks;
  private long gracePeriods;

  /** An allocator for 64-slot nodes ({@code XA_CHUNK_SHIFT} 6). */
  public XaNodeAllocator() {
    this(XaConfig.DEFAULT_CHUNK_SHIFT);
  }

  /**
   * An allocator for nodes of {@code 1 << chunkShift} slots.
   *
   * @throws IllegalArgumentException unless chunkShift is 4 or 6
   */
  public XaNodeAllocator(int chunkShift) {
    checkArgument(chunkShift == 4 || chunkShift == 6,
        "chunk shift %s: XA_CHUNK_SHIFT must be 4 or 6", chunkShift);
    this.chunkShift = chunkShift;
  }

  /** The {@code XA_CHUNK_SHIFT} of the nodes this allocator makes. */
  public int chunkShift() {
    return chunkShift;
  }

  /** Installs the policy deciding which allocations fail. */
  public void setPolicy(XaAllocPolicy policy) {
    this.policy = checkNotNull(policy, "policy");
  }

  /** The current allocation policy. */
  public XaAllocPolicy policy() {
    return policy;
  }

  /**
   * {@code kmem_cache_alloc_lru(radix_tree_node_cachep, lru, gfp)} (mm/slub.c, v6.18, as
   * {@code xas_alloc} and {@code xas_nomem} call it): returns a node exactly as it was left on the
   * free list (a new node, zeroed by the constructor, if the list is empty), or null if the policy
   * makes this allocation fail. Context: the caller checked that a blocking {@code gfp} is not used
   * under the xa_lock.
   */
  public XaNode kmemCacheAlloc(XaGfp gfp, XaAllocSite site) {
    if (!policy.allocate(gfp, site)) {
      failures++;
      return null;
    }
    allocations++;
    XaNode node = freeList.pollFirst();
    if (node == null) {
      node = new XaNode(nextId++, this, 1 << chunkShift);
      created.add(node);
    }
    node.state = XaNode.State.ALLOCATED;
    return node;
  }

  /**
   * {@code kmem_cache_free(radix_tree_node_cachep, node)} (mm/slub.c, v6.18): puts the node on the
   * free list as it is (no zeroing). Returns nothing. Context: any; the node must not be reachable
   * by RCU readers.
   *
   * @throws IllegalStateException if the node is already free or waiting for RCU (double free)
   */
  public void kmemCacheFree(XaNode node) {
    checkArgument(node.allocator == this, "%s belongs to another allocator", node);
    checkState(node.state == XaNode.State.ALLOCATED, "kmem_cache_free(%s): node is %s",
        node, node.state);
    node.state = XaNode.State.FREE;
    freeList.addFirst(node);
    directFrees++;
  }

  /**
   * {@code call_rcu(&node->rcu_head, radix_tree_node_rcu_free)} (kernel/rcu/tree.c, v6.18, as
   * {@code xa_node_free} calls it): queues the node; its memory is not touched until a grace period
   * that started after this call completes. Returns nothing. Context: xa_lock held by the XArray
   * caller.
   */
  void callRcu(XaNode node) {
    checkArgument(node.allocator == this, "%s belongs to another allocator", node);
    checkState(node.state == XaNode.State.ALLOCATED, "call_rcu(%s): node is %s", node,
        node.state);
    node.state = XaNode.State.RCU_PENDING;
    node.rcuSequence = nextRcuSequence++;
    rcuPending.addLast(node);
    rcuFrees++;
  }

  /**
   * The sequence number the next {@code call_rcu} will get. A simulator records it when an RCU
   * reader enters its read-side section; once every reader that entered before that point has
   * left, it may call {@link #completeGracePeriod(long)} with it.
   */
  public long rcuSequence() {
    return nextRcuSequence;
  }

  /**
   * Completes a grace period for every node queued so far: runs {@code radix_tree_node_rcu_free}
   * (lib/radix-tree.c, v6.18) on each (zero slots and marks, empty private list) and puts it on the
   * free list, oldest first. Returns the number of nodes freed. Context: the simulator, when every
   * reader that could see these nodes has left its read-side section.
   */
  public int completeGracePeriod() {
    return completeGracePeriod(Long.MAX_VALUE);
  }

  /**
   * Completes a grace period for the nodes queued before sequence number {@code before} (see
   * {@link #rcuSequence()}). Returns the number of nodes freed.
   */
  public int completeGracePeriod(long before) {
    gracePeriods++;
    int n = 0;
    while (!rcuPending.isEmpty() && rcuPending.peekFirst().rcuSequence < before) {
      XaNode node = rcuPending.pollFirst();
      zero(node);
      node.state = XaNode.State.FREE;
      freeList.addFirst(node);
      rcuCallbacks++;
      n++;
    }
    return n;
  }

  /**
   * The memset part of {@code radix_tree_node_rcu_free} (lib/radix-tree.c, v6.18), as raw writes.
   * Returns nothing. Context: after the grace period; nobody can read the node.
   */
  static void zero(XaNode node) {
    java.util.Arrays.fill(node.slots, null);
    java.util.Arrays.fill(node.marks, 0L);
    node.privateList = null;
  }

  /** Nodes on the free list. */
  public int freeCount() {
    return freeList.size();
  }

  /** Nodes passed to {@code call_rcu} whose grace period has not completed. */
  public int rcuPendingCount() {
    return rcuPending.size();
  }

  /** Node objects ever created (slab constructor runs). */
  public int createdCount() {
    return nextId;
  }

  /** Nodes currently allocated: created, not free, not waiting for RCU. */
  public int allocatedCount() {
    return nextId - freeList.size() - rcuPending.size();
  }

  /** Successful allocations so far. */
  public long allocations() {
    return allocations;
  }

  /** Allocations the policy made fail. */
  public long failures() {
    return failures;
  }

  /** Direct frees ({@code kmem_cache_free}, including from {@code xas_destroy}). */
  public long directFrees() {
    return directFrees;
  }

  /** Calls to {@code call_rcu}. */
  public long rcuFrees() {
    return rcuFrees;
  }

  /** {@code radix_tree_node_rcu_free} callbacks run after a grace period. */
  public long rcuCallbacks() {
    return rcuCallbacks;
  }

  /** Calls to {@link #completeGracePeriod}. */
  public long gracePeriods() {
    return gracePeriods;
  }

  /** Every node this allocator ever created, by id (for leak checks and snapshots). */
  public java.util.List<XaNode> allNodes() {
    return java.util.Collections.unmodifiableList(created);
  }

  /**
   * The node the next successful {@link #kmemCacheAlloc} will return, or null if a new node will
   * be created. For tests and explanations.
   */
  public XaNode peekNextFree() {
    return freeList.peekFirst();
  }

  /**
   * A hash of what decides this allocator's future behaviour: the free list and the RCU queue in
   * order (by node id), the next node id and RCU sequence number. Equal states give equal hashes
   * in any run; for a simulator's state fingerprints (the statistics counters are left out).
   */
  public long stateHash() {
    long h = 0x58414e4fL * 31 + chunkShift;
    h = h * 0x100000001b3L + nextId;
    h = h * 0x100000001b3L + nextRcuSequence;
    for (XaNode n : freeList) {
      h = (h ^ (n.id + 1)) * 0x100000001b3L;
    }
    h = h * 0x9e3779b97f4a7c15L + 0x52435550L;
    for (XaNode n : rcuPending) {
      h = (h ^ (n.id + 1)) * 0x100000001b3L;
      h = (h ^ n.rcuSequence) * 0x100000001b3L;
    }
    return h;
  }

  @Override
  public String toString() {
    return "XaNodeAllocator{shift=" + chunkShift + ", created=" + nextId + ", free="
        + freeList.size() + ", rcuPending=" + rcuPending.size() + "}";
  }
}
