package io.foliolab.xarray;

import static io.foliolab.xarray.XArrayApiTest.assertValid;
import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Node life cycle (kernel-notes/xarray.md 5.12, 5.13, 9.1): the slab free list, RCU freeing,
 * xas_destroy, allocation failure and xas_nomem.
 */
class XaNodeLifecycleTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  private static boolean allSlotsNull(XaNode n) {
    for (int i = 0; i < n.chunkSize(); i++) {
      if (n.peekSlot(i) != null) {
        return false;
      }
    }
    return n.peekMarks(0) == 0 && n.peekMarks(1) == 0 && n.peekMarks(2) == 0;
  }

  /** Prefills one node for splitting an order-6 entry to order 4, returns it. */
  private static XaNode prefill(XArray xa, XaState xas, Item entry) {
    xa.storeOrder(320, 6, entry, K);
    xas.setOrder(320, 4);
    xas.splitAlloc(entry, 6, K);
    return xas.allocChain();
  }

  @Test
  void xasDestroyFreesUnusedPreallocationsAtOnceAndZeroed() {
    // Current kernel (8fc75643c5e1): radix_tree_node_rcu_free() called directly.
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(1024, 9, f, K);
    XaState xas = new XaState(xa, 1024, 0);
    xas.splitAlloc(f, 9, K);
    List<XaNode> chain = new ArrayList<>();
    for (XaNode n = xas.allocChain(); n != null; n = n.peekParent()) {
      chain.add(n);
    }
    assertEquals(8, chain.size());
    xas.destroy();
    assertNull(xas.allocChain());
    XaNodeAllocator slab = xa.allocator();
    assertEquals(8, slab.freeCount(), "no grace period for nodes that were never visible");
    assertEquals(0, slab.rcuPendingCount());
    for (XaNode n : chain) {
      assertEquals(XaNode.State.FREE, n.state());
      assertTrue(allSlotsNull(n), n + " zeroed");
    }
    // LIFO: the last node freed (the chain tail) comes back first, pristine.
    XaNode reused = slab.kmemCacheAlloc(K, XaAllocSite.XAS_ALLOC);
    assertSame(chain.get(chain.size() - 1), reused);
    assertTrue(allSlotsNull(reused));
  }

  @Test
  void beforeXasSplitXasDestroyFreedTheNodeAsItWasStaleSlotsAndAll() {
    XArray xa = new XArray("old", XaConfig.DEFAULT.withDestroy(XaConfig.Destroy.KMEM_CACHE_FREE));
    Item e = new Item("E");
    XaState xas = new XaState(xa, 0);
    XaNode prefilled = prefill(xa, xas, e);
    xas.destroy();
    assertEquals(XaNode.State.FREE, prefilled.state());
    assertSame(e, prefilled.peekSlot(0), "kmem_cache_free does not zero");
    // The next node xas_alloc takes is that stale node: a leaf with count 0 and live slots.
    Item fresh = new Item("new");
    xa.store(70, fresh);
    XaNode leaf = (XaNode) ((XaNode) xa.peekHead()).peekSlot(1);
    assertSame(prefilled, leaf, xa.dump());
    // Index 70 is slot 6 = stale sibling(0): the store lands in slot 0 instead.
    assertSame(fresh, leaf.peekSlot(0));
    assertSame(fresh, xa.load(70));
    assertSame(fresh, xa.load(64));
    assertSame(e, xa.load(80), "the stale entry is reachable at a foreign index");
    String violation = xa.validate().orElseThrow();
    assertTrue(violation.contains("count is 0 but 64 slots are non-NULL"), violation);
  }

  @Test
  void rcuFreedNodeComesBackOnlyAfterAGracePeriodAndZeroed() {
    XArray xa = new XArray();
    xa.store(5, new Item("a"));
    for (long i = 64; i < 128; i++) {
      xa.store(i, new Item("x" + i));
    }
    XaNode root = (XaNode) xa.peekHead();
    XaNode leaf = (XaNode) root.peekSlot(1);
    // Replacing the subtree by an order-6 entry tears the leaf down (slots = RETRY).
    xa.storeOrder(64, 6, new Item("big"), K);
    XaNodeAllocator slab = xa.allocator();
    assertEquals(XaNode.State.RCU_PENDING, leaf.state());
    assertSame(XA_RETRY_ENTRY, leaf.peekSlot(40), "memory intact for readers inside it");
    assertSame(XArray.XA_RCU_FREE, leaf.peekArray());
    XaNode fresh = slab.kmemCacheAlloc(K, XaAllocSite.XAS_ALLOC);
    assertNotSame(leaf, fresh, "not reused before the grace period");
    slab.kmemCacheFree(fresh);
    long seq = slab.rcuSequence();
    assertEquals(1, slab.completeGracePeriod(seq));
    assertEquals(XaNode.State.FREE, leaf.state());
    assertTrue(allSlotsNull(leaf), "radix_tree_node_rcu_free zeroes slots and marks");
    assertSame(leaf, slab.kmemCacheAlloc(K, XaAllocSite.XAS_ALLOC));
  }

  @Test
  void gracePeriodOnlyCoversNodesQueuedBeforeIt() {
    XArray xa = new XArray();
    xa.store(1, new Item("a"));
    xa.store(100, new Item("b"));
    xa.store(200, new Item("c"));
    XaNodeAllocator slab = xa.allocator();
    xa.erase(100);
    long readerStart = slab.rcuSequence();
    xa.erase(200); // frees the leaf, then shrinks the root away
    assertEquals(3, slab.rcuPendingCount());
    assertEquals(1, slab.completeGracePeriod(readerStart));
    assertEquals(2, slab.rcuPendingCount());
    assertEquals(2, slab.completeGracePeriod());
    assertEquals(0, slab.rcuPendingCount());
  }

  @Test
  void prefilledSplitNodeTakenByXasAllocKeepsItsSlotsWithCountZero() {
    // Hazard (c) of the 2024 thread: leftover split nodes on xa_alloc are consumed by
    // xas_alloc() as ordinary nodes without clearing their slots.
    XArray xa = new XArray();
    xa.store(1, new Item("a"));
    xa.store(5, new Item("b")); // a leaf root covering 0..63
    Item stale = new Item("stale");
    XaState xas = new XaState(xa, 192);
    xas.splitAlloc(stale, 6, K); // cursor order 0, old order 6: one node, every slot = stale
    XaNode prefilled = xas.allocChain();
    assertNotNull(prefilled);
    Item folio = new Item("folio");
    xa.xaLock();
    xas.store(folio); // index 192 needs a new root: xas_expand takes the prefilled node
    xa.xaUnlock();
    XaNode root = (XaNode) xa.peekHead();
    assertSame(prefilled, root);
    assertEquals(1, root.peekCount(), "count says one: the old root (the store replaced a "
        + "present entry, so it did not count)");
    assertSame(stale, xa.load(100), "but slots 1..63 still hold the stale entry");
    assertSame(folio, xa.load(200), "the store replaced a stale 'order-6' entry wholesale");
    String violation = xa.validate().orElseThrow();
    assertTrue(violation.contains("count is 1 but 64 slots are non-NULL"), violation);
  }

  @Test
  void xasAllocDropsTheRestOfAChainLongerThanOne() {
    XArray xa = new XArray();
    Item e = new Item("E");
    xa.storeOrder(0, 7, e, K);
    XaState xas = new XaState(xa, 4096, 0);
    xas.splitAlloc(e, 7, K); // two nodes
    XaNode head = xas.allocChain();
    XaNode second = head.peekParent();
    assertNotNull(second);
    xa.xaLock();
    xas.store(new Item("x")); // needs a new root: consumes the chain head
    xa.xaUnlock();
    assertNull(xas.allocChain());
    xas.destroy();
    assertEquals(XaNode.State.ALLOCATED, second.state(), "leaked, as in the kernel");
  }

  @Test
  void storeFailsWithEnomemWhenNothingCanBeAllocated() {
    XArray xa = new XArray();
    xa.allocator().setPolicy(XaAllocPolicy.NEVER);
    assertEquals(-XaErrno.ENOMEM, err(xa.store(1000, new Item("x"))));
    assertTrue(xa.empty());
    assertEquals(-XaErrno.ENOMEM, xa.insert(1000, new Item("x"), K));
    assertEquals(-XaErrno.ENOMEM, xa.reserve(1000, K));
    assertEquals(-XaErrno.ENOMEM, err(xa.storeRange(10, 20, new Item("r"), K)));
    assertNull(xa.store(0, new Item("head")), "the head needs no node");
  }

  @Test
  void nomemRetriesWithTheCallersGfpOutsideTheLock() {
    XArray xa = new XArray();
    List<String> calls = new ArrayList<>();
    xa.allocator().setPolicy((gfp, site) -> {
      calls.add(site + "/" + gfp + (xa.isLocked() ? "/locked" : "/unlocked"));
      return gfp != XaGfp.GFP_NOWAIT;
    });
    Item x = new Item("x");
    assertNull(xa.store(1000, x, K));
    assertSame(x, xa.load(1000));
    assertEquals(List.of(
        "XAS_ALLOC/GFP_NOWAIT/locked", "XAS_NOMEM/GFP_KERNEL/unlocked",
        "XAS_ALLOC/GFP_NOWAIT/locked", "XAS_NOMEM/GFP_KERNEL/unlocked"), calls);
    assertValid(xa);
    // With a gfp that cannot sleep the lock is kept around the allocation.
    calls.clear();
    assertNull(xa.store(1L << 20, x, XaGfp.GFP_ATOMIC));
    assertTrue(calls.contains("XAS_NOMEM/GFP_ATOMIC/locked"), calls.toString());
    // And when it fails, so does the store.
    xa.allocator().setPolicy((gfp, site) -> gfp == XaGfp.GFP_KERNEL);
    assertEquals(-XaErrno.ENOMEM, err(xa.store(1L << 30, x, XaGfp.GFP_ATOMIC)));
  }

  @Test
  void allocationFailureHalfWayLeavesAnEmptyNodeThatOnlyStrictValidationRejects() {
    XArray xa = new XArray();
    int[] n = {0};
    xa.allocator().setPolicy((gfp, site) -> n[0]++ == 0);
    assertEquals(-XaErrno.ENOMEM, err(xa.store(1000, new Item("x"), K)));
    assertFalse(xa.empty(), "the root was published before the leaf allocation failed");
    assertEquals(java.util.Optional.empty(), xa.validateStructure());
    assertTrue(xa.validate().orElseThrow().contains("empty node"));
    xa.allocator().setPolicy(XaAllocPolicy.ALWAYS);
    xa.store(1000, new Item("x"));
    assertValid(xa);
  }

  @Test
  void xasNomemOnlyActsOnEnomem() {
    XArray xa = new XArray();
    XaState xas = new XaState(xa, 3);
    assertFalse(xas.nomem(K));
    xas.setErr(-XaErrno.EBUSY);
    assertFalse(xas.nomem(K));
    xas.setErr(-XaErrno.ENOMEM);
    assertTrue(xas.nomem(K));
    assertSame(XaState.XAS_RESTART, xas.xaNode());
    XaNode n = xas.allocChain();
    assertNotNull(n);
    assertFalse(xas.nomem(K), "no error now: the preallocation is destroyed");
    assertNull(xas.allocChain());
    assertEquals(XaNode.State.FREE, n.state());
  }

  @Test
  void aSharedSlabHandsOneFilesFreedNodeToAnother() {
    XaNodeAllocator slab = new XaNodeAllocator();
    XArray a = new XArray("a", XaConfig.DEFAULT, slab);
    XArray b = new XArray("b", XaConfig.DEFAULT, slab);
    a.store(1, new Item("a1"));
    a.store(100, new Item("a100"));
    XaNode leafA = (XaNode) ((XaNode) a.peekHead()).peekSlot(1);
    XaState staleReader = new XaState(a, 100);
    assertNotNull(staleReader.load());
    a.erase(100);
    slab.completeGracePeriod();
    Item bItem = new Item("b-folio");
    b.store(1, bItem);
    b.store(100, bItem);
    // LIFO: a's old root became b's leaf, a's old leaf became b's root.
    assertSame(leafA, b.peekHead(), b.dump());
    assertSame(b, leafA.peekArray());
    // A reader of file a that kept the node pointer beyond RCU protection now walks file b.
    assertSame(leafA.peekSlot(1), staleReader.reload());
  }

  @Test
  void nodeIdsAreSmallAndStable() {
    XArray xa = new XArray();
    xa.store(5, new Item("x"));
    XaNode root = (XaNode) xa.peekHead();
    assertEquals(0, root.id());
    xa.store(70, new Item("y"));
    assertEquals("node#0", root.toString());
    assertEquals(3, xa.allocator().createdCount());
  }

  @Test
  void doubleFreeIsCaught() {
    XaNodeAllocator slab = new XaNodeAllocator();
    XaNode n = slab.kmemCacheAlloc(K, XaAllocSite.XAS_ALLOC);
    slab.kmemCacheFree(n);
    assertThrows(IllegalStateException.class, () -> slab.kmemCacheFree(n));
  }
}
