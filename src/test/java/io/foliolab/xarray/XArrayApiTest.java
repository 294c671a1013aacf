package io.foliolab.xarray;

import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The normal API: store, erase, cmpxchg, insert, reserve/release, store_range, get_order. */
class XArrayApiTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  static void assertValid(XArray xa) {
    assertEquals(java.util.Optional.empty(), xa.validate(), () -> xa.dump());
  }

  @Test
  void index0LivesInTheHeadAndOtherIndicesGrowATree() {
    XArray xa = new XArray();
    Item a = new Item("a");
    assertTrue(xa.empty());
    assertNull(xa.store(0, a));
    assertSame(a, xa.peekHead());
    assertSame(a, xa.load(0));
    assertNull(xa.load(1));
    assertEquals(0, xa.allocator().allocations());

    Item b = new Item("b");
    xa.store(63, b);
    XaNode root = (XaNode) xa.peekHead();
    assertEquals(0, root.peekShift());
    assertSame(a, root.peekSlot(0));
    assertSame(b, root.peekSlot(63));
    assertEquals(2, root.peekCount());

    xa.store(64, b);
    XaNode root2 = (XaNode) xa.peekHead();
    assertEquals(6, root2.peekShift());
    assertSame(root, root2.peekSlot(0));
    assertSame(root2, root.peekParent());
    assertEquals(0, root.peekOffset());
    assertValid(xa);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void heightFollowsTheLargestIndex(int chunkShift) {
    XArray xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(chunkShift));
    int cs = chunkShift;
    long[] indices = {1, 1L << cs, 1L << (2 * cs), 262143, 1L << 40, -1L};
    for (long index : indices) {
      Item item = new Item("i" + Long.toUnsignedString(index));
      xa.store(index, item);
      assertSame(item, xa.load(index));
      XaNode root = (XaNode) xa.peekHead();
      int bits = 64 - Long.numberOfLeadingZeros(index);
      int expectedShift = Math.max(0, (bits - 1) / cs * cs);
      assertEquals(expectedShift, root.peekShift(), "root shift for " + index);
      assertValid(xa);
    }
    assertEquals(60, ((XaNode) xa.peekHead()).peekShift());
    for (long index : indices) {
      assertNotNull(xa.load(index));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void erasingShrinksTheTreeBackToTheHead(int chunkShift) {
    XArray xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(chunkShift));
    Item zero = new Item("zero");
    xa.store(0, zero);
    long[] far = {5, 300, 70000, 1L << 33};
    for (long i : far) {
      xa.store(i, new Item("x"));
    }
    for (long i : far) {
      assertNotNull(xa.erase(i));
      assertValid(xa);
    }
    assertSame(zero, xa.peekHead(), xa.dump());
    assertSame(zero, xa.erase(0));
    assertTrue(xa.empty());
    XaNodeAllocator slab = xa.allocator();
    assertEquals(0, slab.allocatedCount(), "every node handed to RCU");
    assertEquals(slab.createdCount(), slab.rcuPendingCount());
  }

  @Test
  void shrinkLeavesRetryInTheOldRootForStaleReaders() {
    XArray xa = new XArray();
    Item a = new Item("a");
    xa.store(0, a);
    xa.store(5, new Item("b"));
    XaNode oldRoot = (XaNode) xa.peekHead();
    XaState reader = new XaState(xa, 0);
    assertSame(a, reader.load());
    xa.erase(5);
    assertSame(a, xa.peekHead());
    assertSame(XA_RETRY_ENTRY, oldRoot.peekSlot(0));
    assertSame(XArray.XA_RCU_FREE, oldRoot.peekArray());
    assertEquals(XaNode.State.RCU_PENDING, oldRoot.state());
    // The stale reader reloads the old root and is told to retry; retrying finds the head entry.
    Object e = reader.reload();
    assertTrue(reader.retry(e));
    assertSame(a, reader.load());
  }

  @Test
  void storeReturnsOldEntryAndRejectsAdvancedEntries() {
    XArray xa = new XArray();
    Item a = new Item("a");
    Item b = new Item("b");
    assertNull(xa.store(7, a));
    assertSame(a, xa.store(7, b));
    assertSame(b, xa.load(7));
    Object r = xa.store(7, mkSibling(1));
    assertEquals(-XaErrno.EINVAL, err(r));
    assertEquals(-XaErrno.EINVAL, err(xa.store(7, XA_RETRY_ENTRY)));
    assertEquals(2, xa.warnings().size());
    assertEquals(2, xa.warnCount());
    assertSame(b, xa.load(7));
    // Zero entries are allowed through the normal API and read as NULL.
    assertSame(b, xa.store(7, XA_ZERO_ENTRY));
    assertNull(xa.load(7));
    assertNull(xa.store(7, a), "zero reads as NULL when returned");
    // Storing NULL erases.
    assertSame(a, xa.store(7, null));
    assertTrue(xa.empty());
  }

  @Test
  void storeOfValueEntriesCountsNrValues() {
    XArray xa = new XArray();
    xa.store(3, mkValue(30));
    xa.store(4, mkValue(40));
    xa.store(5, new Item("p"));
    XaNode root = (XaNode) xa.peekHead();
    assertEquals(3, root.peekCount());
    assertEquals(2, root.peekNrValues());
    assertEquals(mkValue(40), xa.load(4));
    xa.store(4, new Item("q"));
    assertEquals(1, root.peekNrValues());
    assertValid(xa);
  }

  @Test
  void storingAnEqualValueIsANoOp() {
    XArray xa = new XArray();
    xa.store(3, mkValue(30));
    xa.store(9, mkValue(1));
    List<XaStore> stores = new ArrayList<>();
    xa.setObserver(new Recorder(stores));
    assertEquals(mkValue(30), xa.store(3, mkValue(30)));
    assertTrue(stores.isEmpty(), "equal value entries are the same machine word: " + stores);
  }

  @Test
  void eraseOfAnyIndexOfAMultiIndexEntryErasesItAll() {
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(1024, 9, f, K);
    assertSame(f, xa.load(1499));
    assertSame(f, xa.erase(1499));
    for (long i = 1024; i < 1536; i += 37) {
      assertNull(xa.load(i));
    }
    assertTrue(xa.empty(), xa.dump());
  }

  @Test
  void storeIntoAMultiIndexEntryReplacesTheWholeEntry() {
    XArray xa = new XArray();
    xa.storeOrder(64, 4, new Item("old"), K);
    Item n = new Item("new");
    xa.store(70, n);
    for (long i = 64; i < 80; i++) {
      assertSame(n, xa.load(i));
    }
    assertNull(xa.load(80));
    assertEquals(4, xa.getOrder(79));
    assertValid(xa);
  }

  @Test
  void cmpxchgStoresOnlyOverTheExpectedEntry() {
    XArray xa = new XArray();
    Item a = new Item("a");
    Item b = new Item("b");
    assertNull(xa.cmpxchg(5, null, a, K));
    assertSame(a, xa.load(5));
    assertSame(a, xa.cmpxchg(5, b, b, K), "mismatch returns current");
    assertSame(a, xa.load(5));
    assertSame(a, xa.cmpxchg(5, a, b, K));
    assertSame(b, xa.load(5));
    // value entries compare by value
    xa.store(6, mkValue(9));
    assertEquals(mkValue(9), xa.cmpxchg(6, mkValue(9), mkValue(10), K));
    assertEquals(mkValue(10), xa.load(6));
    assertEquals(-XaErrno.EINVAL, err(xa.cmpxchg(6, mkValue(10), mkSibling(0), K)));
  }

  @Test
  void insertFailsWithEbusyOnPresentOrReservedEntries() {
    XArray xa = new XArray();
    Item a = new Item("a");
    assertEquals(0, xa.insert(10, a, K));
    assertEquals(-XaErrno.EBUSY, xa.insert(10, new Item("b"), K));
    assertSame(a, xa.load(10));
    assertEquals(-XaErrno.EINVAL, xa.insert(11, XA_RETRY_ENTRY, K));
    // inserting NULL reserves
    assertEquals(0, xa.insert(12, null, K));
    assertNull(xa.load(12));
    assertEquals(-XaErrno.EBUSY, xa.insert(12, a, K));
  }

  @Test
  void reserveAndRelease() {
    XArray xa = new XArray();
    assertEquals(0, xa.reserve(12, K));
    assertNull(xa.load(12));
    assertFalse(xa.empty());
    assertSame(XA_ZERO_ENTRY, ((XaNode) xa.peekHead()).peekSlot(12));
    List<Object> seen = new ArrayList<>();
    xa.forEach((i, e) -> seen.add(e));
    assertTrue(seen.isEmpty(), "iteration skips reserved entries");
    xa.release(12);
    assertTrue(xa.empty());
    // release of a real entry does nothing
    Item a = new Item("a");
    xa.store(3, a);
    xa.release(3);
    assertSame(a, xa.load(3));
    // reserving an occupied index keeps it
    assertEquals(0, xa.reserve(3, K));
    assertSame(a, xa.load(3));
    // a reserved index 0 needs a node: the zero entry may not live in the head
    XArray xb = new XArray();
    xb.reserve(0, K);
    assertTrue(xb.peekHead() instanceof XaNode, xb.dump());
  }

  @Test
  void getOrderReportsMultiIndexOrders() {
    XArray xa = new XArray();
    for (int order = 0; order <= 13; order++) {
      long index = 3L << 20;
      xa.storeOrder(index, order, new Item("o" + order), K);
      assertEquals(order, xa.getOrder(index + (1L << order) - 1), "order " + order);
      assertEquals(order, xa.getOrder(index));
      assertEquals(0, xa.getOrder(index + (1L << order)));
      assertValid(xa);
      xa.erase(index);
    }
    assertEquals(0, xa.getOrder(12345));
  }

  @Test
  void orderedEntryAtIndexZeroCannotLiveInTheHead() {
    XArray xa = new XArray();
    Item e = new Item("e");
    xa.storeOrder(0, 6, e, K);
    XaNode root = (XaNode) xa.peekHead();
    assertEquals(6, root.peekShift());
    assertSame(e, root.peekSlot(0));
    assertSame(e, xa.load(63));
    assertNull(xa.load(64));
    assertValid(xa);
  }

  @Test
  void storeRangeUsesLargestAlignedChunks() {
    XArray xa = new XArray();
    Item r = new Item("r");
    assertNull(xa.storeRange(5, 200, r, K));
    for (long i = 0; i < 260; i++) {
      assertEquals(i >= 5 && i <= 200 ? r : null, xa.load(i), "index " + i);
    }
    assertValid(xa);
    // 5..63 in the first leaf (59 slots, one canonical at 5), 64..191 as two order-6 slots
    // in the root (one canonical and one sibling), 192..200 in a leaf.
    XaNode root = (XaNode) xa.peekHead();
    assertEquals(6, root.peekShift());
    assertSame(r, root.peekSlot(1));
    assertEquals("sibling(1)", describe(root.peekSlot(2)));
    XaNode leaf0 = (XaNode) root.peekSlot(0);
    assertSame(r, leaf0.peekSlot(5));
    assertEquals("sibling(5)", describe(leaf0.peekSlot(63)));
    // erasing at 100 erases the 64..191 chunk only
    xa.erase(100);
    assertNull(xa.load(64));
    assertNull(xa.load(191));
    assertSame(r, xa.load(63));
    assertSame(r, xa.load(192));
    // a NULL range erases
    assertNull(xa.storeRange(0, 1000, null, K));
    assertTrue(xa.empty(), xa.dump());
  }

  @Test
  void storeRangeRejectsInternalEntriesAndBackwardRanges() {
    XArray xa = new XArray();
    assertEquals(-XaErrno.EINVAL, err(xa.storeRange(0, 10, XA_ZERO_ENTRY, K)));
    assertEquals(-XaErrno.EINVAL, err(xa.storeRange(10, 9, new Item("x"), K)));
    assertTrue(xa.empty());
  }

  @Test
  void storeRangeUpToTheTopOfTheIndexSpace() {
    // (A range ending at ULONG_MAX itself never terminates, in the kernel and here.)
    XArray xa = new XArray();
    Item r = new Item("top");
    assertNull(xa.storeRange(1L << 62, -2L, r, K));
    assertSame(r, xa.load(-2L));
    assertNull(xa.load(-1L));
    assertSame(r, xa.load(1L << 62));
    assertNull(xa.load((1L << 62) - 1));
    assertEquals(60, ((XaNode) xa.peekHead()).peekShift());
    assertValid(xa);
  }

  @Test
  void badArgumentsNameTheValue() {
    XArray xa = new XArray();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new XaState(xa, 0, 64));
    assertTrue(e.getMessage().contains("64"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> xa.setMark(0, 3));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> xa.storeOrder(0, 70, "x", K));
    assertThrows(IllegalArgumentException.class, () -> xa.find(new long[] {0}, -1L, 5));
    assertThrows(IllegalArgumentException.class,
        () -> new XArray("x", XaConfig.DEFAULT.withChunkShift(5)));
    assertThrows(IllegalArgumentException.class,
        () -> new XArray("x", XaConfig.DEFAULT.withChunkShift(4), new XaNodeAllocator(6)));
  }

  @Test
  void lockingRulesAreAsserted() {
    XArray xa = new XArray();
    XaState xas = new XaState(xa, 3);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> xas.store(new Item("x")));
    assertTrue(e.getMessage().contains("xas_store"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> xa.__store(1, "x", K));
    xa.xaLock();
    assertThrows(IllegalStateException.class, xa::xaLock);
    assertThrows(IllegalStateException.class, () -> xa.store(1, "x"), "xa_store takes the lock");
    xas.store(new Item("x"));
    // a sleeping allocation under the lock is a bug
    XaState split = new XaState(xa, 0, 0);
    assertThrows(IllegalStateException.class,
        () -> split.splitAlloc("y", 6, XaGfp.GFP_KERNEL));
    xa.xaUnlock();
    assertThrows(IllegalStateException.class, xa::xaUnlock);
    xa.setLockdep(false);
    new XaState(xa, 4).store("z");
    assertEquals("z", xa.load(4));
  }

  @Test
  void destroyEmptiesTheArrayAndRetiresEveryNode() {
    XArray xa = new XArray();
    for (long i = 0; i < 3000; i += 3) {
      xa.store(i, mkValue(i));
    }
    xa.setMark(9, XArray.XA_MARK_1);
    XaNode root = (XaNode) xa.peekHead();
    XaNode leaf = (XaNode) root.peekSlot(0);
    xa.destroy();
    assertTrue(xa.empty());
    assertFalse(xa.marked(XArray.XA_MARK_1));
    assertEquals(0, xa.allocator().allocatedCount());
    assertSame(XA_RETRY_ENTRY, leaf.peekSlot(0));
    assertEquals(0, leaf.peekCount());
    assertNull(xa.load(9));
  }

  /** An observer that records stores. */
  static final class Recorder implements XaObserver {
    final List<XaStore> stores;

    Recorder(List<XaStore> stores) {
      this.stores = stores;
    }

    @Override
    public void load(Object owner, XaField field, int index) {}

    @Override
    public void store(XaStore store) {
      stores.add(store);
    }
  }
}
