package io.foliolab.xarray;

import static io.foliolab.xarray.XArray.*;
import static io.foliolab.xarray.XArrayApiTest.assertValid;
import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** xas_split_alloc / xas_split / xas_try_split, following kernel-notes/xarray.md 3.2 and 5.9-5.11. */
class XaSplitTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  /** The shift-6 root of a file of fewer than 4096 pages holding folio F, order 9, at 1024. */
  private static XArray fileWithF(Item f) {
    XArray xa = new XArray();
    xa.storeOrder(1024, 9, f, K);
    xa.store(7, new Item("low"));
    return xa;
  }

  private static List<XaStore> record(XArray xa, Runnable op) {
    List<XaStore> stores = new ArrayList<>();
    xa.setObserver(new XArrayApiTest.Recorder(stores));
    try {
      op.run();
    } finally {
      xa.setObserver(null);
    }
    return stores;
  }

  private static String slotStores(List<XaStore> stores, XaNode node) {
    return stores.stream()
        .filter(s -> s.owner() == node && s.field() == XaField.SLOT)
        .map(s -> s.index() + "=" + describe(s.newValue())
            + (s.order() == XaOrder.RELEASE ? "" : "(plain)"))
        .collect(Collectors.joining(" "));
  }

  @Test
  void order9FolioAt1024OccupiesSlots16To23() {
    Item f = new Item("F");
    XArray xa = fileWithF(f);
    XaNode root = (XaNode) xa.peekHead();
    assertEquals(6, root.peekShift());
    assertSame(f, root.peekSlot(16));
    for (int s = 17; s <= 23; s++) {
      assertEquals("sibling(16)", describe(root.peekSlot(s)));
    }
    assertNull(root.peekSlot(24));
    XaState xas = new XaState(xa, 1499);
    assertSame(f, xas.load());
    assertSame(root, xas.node());
    assertEquals(16, xas.offset(), "the cursor ends on the canonical slot");
    assertEquals(1499, xas.index());
    assertEquals(9, xas.getOrder());
    assertValid(xa);
  }

  @Test
  void splitToOrder8RewritesTheTwoGroupsTopDown() {
    Item f = new Item("F");
    Item g = new Item("G");
    XArray xa = fileWithF(f);
    XaNode root = (XaNode) xa.peekHead();
    XaState xas = new XaState(xa, 1024, 8);
    int before = (int) xa.allocator().allocations();
    xas.splitAlloc(f, 9, K);
    assertEquals(before, xa.allocator().allocations(), "6 + 6 > 9: no node needed");
    assertNull(xas.allocChain());
    xa.xaLock();
    List<XaStore> stores = record(xa, () -> xas.split(f, 9));
    assertEquals("20=F 23=sibling(20) 22=sibling(20) 21=sibling(20) "
        + "16=F 19=sibling(16) 18=sibling(16) 17=sibling(16)", slotStores(stores, root));
    List<XaStore> g1280 = record(xa, () -> xa.__store(1280, g, XaGfp.NONE));
    xa.xaUnlock();
    assertEquals("20=G", slotStores(g1280, root), "__xa_store at 1280 rewrites the canonical only");
    assertSame(f, root.peekSlot(16));
    assertSame(g, root.peekSlot(20));
    assertEquals("sibling(20)", describe(root.peekSlot(23)));
    assertSame(g, xa.load(1499));
    assertSame(f, xa.load(1279));
    assertEquals(8, xa.getOrder(1024));
    assertEquals(8, xa.getOrder(1499));
    assertValid(xa);
  }

  @Test
  void splitToOrder0InstallsNewLeavesFromSlot23DownTo16() {
    Item f = new Item("F");
    XArray xa = fileWithF(f);
    XaNode root = (XaNode) xa.peekHead();
    XaState xas = new XaState(xa, 1024, 0);
    long allocs = xa.allocator().allocations();
    xas.splitAlloc(f, 9, K);
    assertEquals(allocs + 8, xa.allocator().allocations(), "one node per old slot");
    int chain = 0;
    for (XaNode n = xas.allocChain(); n != null; n = n.peekParent()) {
      chain++;
      for (int i = 0; i < 64; i++) {
        assertSame(f, n.peekSlot(i), "prefilled with the entry");
      }
    }
    assertEquals(8, chain);
    xa.xaLock();
    List<XaStore> stores = record(xa, () -> xas.split(f, 9));
    xa.xaUnlock();
    List<String> published = stores.stream()
        .filter(s -> s.owner() == root && s.field() == XaField.SLOT)
        .map(s -> s.index() + (s.order() == XaOrder.RELEASE ? "" : "(plain)"))
        .collect(Collectors.toList());
    assertEquals(List.of("23", "22", "21", "20", "19", "18", "17", "16"), published);
    for (int s = 16; s <= 23; s++) {
      XaNode leaf = (XaNode) root.peekSlot(s);
      assertEquals(0, leaf.peekShift());
      assertEquals(s, leaf.peekOffset());
      assertEquals(64, leaf.peekCount());
      assertSame(root, leaf.peekParent());
      assertSame(xa, leaf.peekArray());
    }
    // Each child is complete before it is published: its fields are written before the store
    // of its pointer.
    XaNode leaf23 = (XaNode) root.peekSlot(23);
    int published23 = indexOf(stores, root, XaField.SLOT, 23);
    for (int i = 0; i < stores.size(); i++) {
      if (stores.get(i).owner() == leaf23) {
        assertTrue(i < published23, "store to " + leaf23 + " after publication: " + stores.get(i));
      }
    }
    XaState reader = new XaState(xa, 1499);
    assertSame(f, reader.load());
    assertSame(leaf23, reader.node());
    assertEquals(27, reader.offset());
    assertNull(xas.allocChain());
    // The page cache then stores each new folio at its own index; F stays at 1024.
    xa.xaLock();
    for (long i = 1025; i < 1536; i++) {
      xa.__store(i, new Item("f" + i), XaGfp.NONE);
    }
    xa.xaUnlock();
    assertSame(f, xa.load(1024));
    assertEquals("f1499", xa.load(1499).toString());
    assertValid(xa);
  }

  private static int indexOf(List<XaStore> stores, Object owner, XaField field, int index) {
    for (int i = 0; i < stores.size(); i++) {
      XaStore s = stores.get(i);
      if (s.owner() == owner && s.field() == field && s.index() == index) {
        return i;
      }
    }
    throw new AssertionError("no store to " + owner + " " + field + " " + index);
  }

  @Test
  void order6EntrySplitToOrder4UsesOneNodeWithCanonicalSlots0_16_32_48() {
    XArray xa = new XArray();
    XaValue shadow = mkValue(0x66);
    xa.storeOrder(320, 6, shadow, K); // slot 5 of the shift-6 root
    xa.store(4000, new Item("other"));
    xa.setMark(330, XA_MARK_0);
    XaNode root = (XaNode) xa.peekHead();
    XaState xas = new XaState(xa, 320, 4);
    xas.splitAlloc(shadow, 6, K);
    XaNode child = xas.allocChain();
    assertNotNull(child);
    assertNull(child.peekParent(), "a single node");
    for (int i = 0; i < 64; i++) {
      Object expected = (i & 15) == 0 ? shadow : mkSibling(i & ~15);
      assertTrue(same(expected, child.peekSlot(i)), "slot " + i + ": " + child.peekSlot(i));
    }
    xa.xaLock();
    xas.split(shadow, 6);
    xa.xaUnlock();
    assertSame(child, root.peekSlot(5));
    assertEquals(0, child.peekShift());
    assertEquals(5, child.peekOffset());
    assertEquals(64, child.peekCount());
    assertEquals(64, child.peekNrValues(), "siblings of a value count as values");
    assertTrue(root.peekMark(XA_MARK_0, 5));
    for (int i = 0; i < 64; i++) {
      assertEquals((i & 15) == 0, child.peekMark(XA_MARK_0, i), "mark on slot " + i);
    }
    assertValid(xa);
    // The page cache stores the 2nd..4th new entries at base + 16, 32, 48.
    xa.store(336, mkValue(2));
    xa.store(352, mkValue(3));
    xa.store(368, mkValue(4));
    assertEquals(shadow, xa.load(335));
    assertEquals(mkValue(3), xa.load(367));
    assertEquals(4, xa.getOrder(360));
    assertValid(xa);
  }

  @Test
  void beforeC010d47f107fWasFixedEveryChildSlotWasMarked() {
    XArray xa = new XArray("old",
        XaConfig.DEFAULT.withSplitMarks(XaConfig.SplitMarks.C010D47F107F));
    Item e = new Item("E");
    xa.storeOrder(320, 6, e, K);
    xa.setMark(320, XA_MARK_1);
    XaState xas = new XaState(xa, 320, 4);
    xas.splitAlloc(e, 6, K);
    xa.xaLock();
    xas.split(e, 6);
    xa.xaUnlock();
    XaNode child = (XaNode) ((XaNode) xa.peekHead()).peekSlot(5);
    assertEquals(-1L, child.peekMarks(XA_MARK_1));
    String violation = xa.validate().orElseThrow();
    assertTrue(violation.contains("sibling slot carries a mark"), violation);
  }

  @Test
  void sameLevelSplitCopiesMarksToEachNewCanonicalSlot() {
    Item f = new Item("F");
    XArray xa = fileWithF(f);
    xa.setMark(1024, XA_MARK_2);
    XaState xas = new XaState(xa, 1024, 7);
    xa.xaLock();
    xas.split(f, 9);
    xa.xaUnlock();
    XaNode root = (XaNode) xa.peekHead();
    for (int s = 16; s <= 23; s++) {
      assertEquals(s % 2 == 0, root.peekMark(XA_MARK_2, s), "slot " + s);
    }
    assertValid(xa);
  }

  @Test
  void trySplitRefusesStepsThatNeedMoreThanOneNode() {
    int[][] refused = {{6, 4}, {9, 5}, {7, 5}, {12, 6}, {9, 0}};
    for (int[] step : refused) {
      XArray xa = new XArray();
      Item e = new Item("E");
      xa.storeOrder(1L << 12, step[0], e, K);
      long allocs = xa.allocator().allocations();
      XaState xas = new XaState(xa, 1L << 12, step[1]);
      xa.xaLock();
      xas.trySplit(e, step[0]);
      xa.xaUnlock();
      assertEquals(-XaErrno.EINVAL, xas.error(), step[0] + " -> " + step[1]);
      assertEquals(allocs, xa.allocator().allocations());
      assertEquals(step[0], xa.getOrder(1L << 12), "unchanged");
    }
  }

  @Test
  void onlyTheSingleSlotToOrderMinusOneStepAllocates() {
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(1024, 9, f, K);
    XaNodeAllocator slab = xa.allocator();
    // 9 -> 6 -> 5 -> 0: the minimal chain of xas_try_split_min_order
    int[] route = {9, 6, 5, 0};
    long[] allocated = new long[route.length - 1];
    for (int i = 0; i + 1 < route.length; i++) {
      assertEquals(route[i + 1], xa.trySplitMinOrder(route[i]));
      long before = slab.allocations();
      XaState xas = new XaState(xa, 1499, route[i + 1]);
      xa.xaLock();
      xas.trySplit(f, route[i]);
      xa.xaUnlock();
      assertEquals(0, xas.error());
      allocated[i] = slab.allocations() - before;
    }
    assertArrayEquals(new long[] {0, 1, 0}, allocated);
    assertEquals(0, xa.getOrder(1499));
    assertEquals(6, xa.getOrder(1024));
    assertEquals(5, xa.getOrder(1535));
    assertValid(xa);
  }

  @Test
  void trySplitMinOrder() {
    XArray xa = new XArray();
    assertEquals(0, xa.trySplitMinOrder(0));
    assertEquals(6, xa.trySplitMinOrder(9));
    assertEquals(5, xa.trySplitMinOrder(6));
    assertEquals(0, xa.trySplitMinOrder(5));
    assertEquals(11, xa.trySplitMinOrder(12));
    assertEquals(12, xa.trySplitMinOrder(13));
    XArray small = new XArray("s", XaConfig.DEFAULT.withChunkShift(4));
    assertEquals(8, small.trySplitMinOrder(9));
    assertEquals(7, small.trySplitMinOrder(8));
    assertEquals(4, small.trySplitMinOrder(7));
  }

  @Test
  void nonUniformSplitOf1499StepByStep() {
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(1024, 9, f, K);
    XaNode root = (XaNode) xa.peekHead();
    for (int order = 9; order > 0; order--) {
      XaState xas = new XaState(xa, 1499, order - 1);
      xa.xaLock();
      xas.trySplit(f, order);
      xa.xaUnlock();
      assertEquals(0, xas.error(), "step " + order);
      assertValid(xa);
    }
    XaNode leaf = (XaNode) root.peekSlot(23);
    assertEquals(0, leaf.peekShift());
    assertSame(f, leaf.peekSlot(27));
    long[][] pieces = {{1024, 8}, {1280, 7}, {1408, 6}, {1504, 5}, {1472, 4}, {1488, 3},
        {1500, 2}, {1496, 1}, {1498, 0}, {1499, 0}};
    for (long[] p : pieces) {
      assertEquals(p[1], xa.getOrder(p[0]), "order at " + p[0]);
    }
    assertEquals(1, xa.allocator().allocations() - 1, "one leaf for the whole route");
  }

  @Test
  void trySplitInitialisesTheNodeUnderTheLockFromTheEntryPassed() {
    XArray xa = new XArray();
    Item f = new Item("F");
    Item g = new Item("G");
    xa.storeOrder(320, 6, f, K);
    XaState xas = new XaState(xa, 320, 5);
    xa.xaLock();
    xas.trySplit(g, 6);
    xa.xaUnlock();
    XaNode child = (XaNode) ((XaNode) xa.peekHead()).peekSlot(5);
    assertSame(g, child.peekSlot(0));
    assertSame(g, child.peekSlot(32));
    assertEquals("sibling(32)", describe(child.peekSlot(63)));
    assertSame(g, xa.load(330));
  }

  @Test
  void trySplitFailsWithEnomemWhenGfpNowaitFails() {
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(320, 6, f, K);
    xa.allocator().setPolicy((gfp, site) -> site != XaAllocSite.XAS_TRY_SPLIT);
    XaState xas = new XaState(xa, 320, 5);
    xa.xaLock();
    xas.trySplit(f, 6);
    xa.xaUnlock();
    assertEquals(-XaErrno.ENOMEM, xas.error());
    assertEquals(6, xa.getOrder(320));
    // A node preallocated by xas_nomem is used instead.
    xas.set(320);
    xas.setErr(-XaErrno.ENOMEM);
    assertTrue(xas.nomem(K));
    xas.setOrder(320, 5);
    xa.xaLock();
    xas.trySplit(f, 6);
    xa.xaUnlock();
    assertEquals(0, xas.error());
    assertEquals(5, xa.getOrder(320));
    assertValid(xa);
  }

  @Test
  void splitAllocBakesInTheEntryItWasGivenAndSplitDoesNotRewriteIt() {
    // Hazard (a) of the 2024 data-loss thread: the nodes are prefilled from an unlocked load.
    XArray xa = new XArray();
    Item stale = new Item("stale-folio");
    Item shadow = new Item("shadow");
    xa.storeOrder(1024, 9, shadow, K);
    XaState xas = new XaState(xa, 1024, 0);
    xas.splitAlloc(stale, 9, K);
    xa.xaLock();
    xas.split(shadow, 9);
    xa.xaUnlock();
    assertSame(stale, xa.load(1030), "the entry passed to xas_split is written nowhere");
    assertSame(stale, xa.load(1499));
  }

  @Test
  void splittingAcrossTwoLevelsWarnsAndFailsWithEnomem() {
    XArray xa = new XArray();
    Item e = new Item("E");
    xa.storeOrder(0, 12, e, K);
    XaState xas = new XaState(xa, 0, 0);
    xas.splitAlloc(e, 12, K);
    assertEquals(-XaErrno.ENOMEM, xas.error());
    assertEquals(1, xa.warnings().size());
    assertNull(xas.allocChain());
  }

  @Test
  void splitAllocFailureDestroysThePartialChain() {
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(1024, 9, f, K);
    int[] calls = {0};
    xa.allocator().setPolicy((gfp, site) -> ++calls[0] != 3);
    XaState xas = new XaState(xa, 1024, 0);
    xas.splitAlloc(f, 9, K);
    assertEquals(-XaErrno.ENOMEM, xas.error());
    assertNull(xas.allocChain());
    assertEquals(2, xa.allocator().freeCount(), "the two nodes allocated are freed at once");
  }
}
