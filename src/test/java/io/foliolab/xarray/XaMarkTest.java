package io.foliolab.xarray;

import static io.foliolab.xarray.XArray.*;
import static io.foliolab.xarray.XArrayApiTest.assertValid;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** xa_set_mark / xa_clear_mark / xa_get_mark / xa_marked and marks on multi-index entries. */
class XaMarkTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  @Test
  void marksPropagateToParentsAndTheSummary() {
    XArray xa = new XArray();
    xa.store(5, new Item("a"));
    xa.store(70000, new Item("b"));
    xa.setMark(70000, XA_MARK_1);
    assertTrue(xa.getMark(70000, XA_MARK_1));
    assertFalse(xa.getMark(5, XA_MARK_1));
    assertFalse(xa.getMark(70000, XA_MARK_0));
    assertTrue(xa.marked(XA_MARK_1));
    assertFalse(xa.marked(XA_MARK_0));
    XaNode root = (XaNode) xa.peekHead();
    assertTrue(root.peekMark(XA_MARK_1, (int) (70000 >>> 12)));
    assertFalse(root.peekMark(XA_MARK_1, 0));
    assertValid(xa);
    xa.clearMark(70000, XA_MARK_1);
    assertFalse(xa.getMark(70000, XA_MARK_1));
    assertFalse(xa.marked(XA_MARK_1));
    assertEquals(0, root.peekMarks(XA_MARK_1));
    assertValid(xa);
  }

  @Test
  void clearingOneOfTwoMarkedEntriesKeepsTheParentBit() {
    XArray xa = new XArray();
    xa.store(100, new Item("a"));
    xa.store(101, new Item("b"));
    xa.setMark(100, XA_MARK_0);
    xa.setMark(101, XA_MARK_0);
    xa.clearMark(100, XA_MARK_0);
    assertTrue(xa.marked(XA_MARK_0));
    assertTrue(xa.getMark(101, XA_MARK_0));
    assertValid(xa);
  }

  @Test
  void nullEntriesCannotBeMarkedAndErasingClearsMarks() {
    XArray xa = new XArray();
    xa.setMark(9, XA_MARK_0);
    assertFalse(xa.marked(XA_MARK_0));
    xa.store(9, new Item("a"));
    xa.store(10, new Item("b"));
    xa.setMark(9, XA_MARK_0);
    xa.setMark(9, XA_MARK_2);
    xa.erase(9);
    assertFalse(xa.marked(XA_MARK_0));
    assertFalse(xa.marked(XA_MARK_2));
    xa.store(9, new Item("c"));
    assertFalse(xa.getMark(9, XA_MARK_0), "a new entry does not inherit the erased one's mark");
    assertValid(xa);
  }

  @Test
  void replacingStoreKeepsMarks() {
    XArray xa = new XArray();
    xa.store(9, new Item("a"));
    xa.setMark(9, XA_MARK_1);
    xa.store(9, new Item("b"));
    assertTrue(xa.getMark(9, XA_MARK_1));
  }

  @Test
  void headEntryMarkIsTheArraySummary() {
    XArray xa = new XArray();
    xa.store(0, new Item("a"));
    xa.setMark(0, XA_MARK_2);
    assertTrue(xa.getMark(0, XA_MARK_2));
    assertTrue(xa.peekFlagMark(XA_MARK_2));
    // growing the tree copies the summary into bit 0 of the new root
    xa.store(200, new Item("b"));
    XaNode root = (XaNode) xa.peekHead();
    assertTrue(root.peekMark(XA_MARK_2, 0));
    assertTrue(xa.getMark(0, XA_MARK_2));
    assertFalse(xa.getMark(200, XA_MARK_2));
    assertValid(xa);
  }

  @Test
  void aMultiIndexEntryHasOneMarkSetThroughAnyIndex() {
    XArray xa = new XArray();
    xa.storeOrder(1024, 9, new Item("F"), K);
    xa.setMark(1499, XA_MARK_0);
    XaNode root = (XaNode) xa.peekHead();
    assertTrue(root.peekMark(XA_MARK_0, 16), "mark lives on the canonical slot");
    for (int s = 17; s <= 23; s++) {
      assertFalse(root.peekMark(XA_MARK_0, s));
    }
    for (long i = 1024; i < 1536; i += 51) {
      assertTrue(xa.getMark(i, XA_MARK_0), "index " + i);
    }
    xa.clearMark(1030, XA_MARK_0);
    assertFalse(xa.getMark(1499, XA_MARK_0));
    assertValid(xa);
  }

  @Test
  void multiIndexStoreSquashesMarksOntoTheCanonicalSlot() {
    XArray xa = new XArray();
    xa.store(64 * 17, new Item("a"));     // slot 17 of the shift-6 root, via a leaf
    xa.store(64 * 19 + 5, new Item("b")); // slot 19, via a leaf
    xa.store(64 * 40, new Item("z"));
    xa.setMark(64 * 19 + 5, XA_MARK_2);
    xa.storeOrder(1024, 8, new Item("G"), K); // slots 16..19
    XaNode root = (XaNode) xa.peekHead();
    assertTrue(root.peekMark(XA_MARK_2, 16));
    assertFalse(root.peekMark(XA_MARK_2, 19));
    assertTrue(xa.getMark(1100, XA_MARK_2), "the new entry carries the squashed mark");
    assertValid(xa);
  }

  @Test
  void markedIterationVisitsMarkedEntriesOnceAtTheirFirstIndex() {
    XArray xa = new XArray();
    xa.store(3, new Item("a"));
    xa.storeOrder(128, 6, new Item("m"), K); // one slot of the shift-6 node
    xa.store(500, new Item("b"));
    xa.store(70000, new Item("c"));
    xa.setMark(150, XA_MARK_1);
    xa.setMark(70000, XA_MARK_1);
    xa.setMark(3, XA_MARK_0);
    List<Long> seen = new ArrayList<>();
    xa.forEachMarked(XA_MARK_1, (i, e) -> seen.add(i));
    assertEquals(List.of(128L, 70000L), seen);
    long[] index = {129};
    assertEquals("m", xa.find(index, -1L, XA_MARK_1).toString());
    assertEquals(129, index[0], "no sibling slot to step back over: reported at the start index");
  }

  @Test
  void xasForEachMarkedReportsAnInNodeMultiIndexEntryAtItsFirstIndex() {
    XArray xa = new XArray();
    xa.storeOrder(64, 2, new Item("m"), K);
    xa.store(70, new Item("n"));
    xa.setMark(65, XA_MARK_0);
    xa.setMark(70, XA_MARK_0);
    XaState xas = new XaState(xa, 65);
    List<String> seen = new ArrayList<>();
    for (Object e = xas.findMarked(-1L, XA_MARK_0); e != null;
        e = xas.nextMarked(-1L, XA_MARK_0)) {
      seen.add(xas.index() + "=" + e);
      assertFalse(XaEntry.isInternal(e));
    }
    assertEquals(List.of("64=m", "70=n"), seen);
  }

  /**
   * Faithful to lib/xarray.c as read: xas_find_marked() steps back from a sibling slot to the
   * canonical slot and moves xa_index to the entry's first index, so xas_sibling() in
   * xa_find_after() sees no sibling and the same entry comes back at the same index.
   * xa_for_each_marked() over a marked in-node multi-index entry therefore never advances.
   */
  @Test
  void xaFindAfterWithAMarkReturnsAnInNodeMultiIndexEntryAgain() {
    XArray xa = new XArray();
    Item m = new Item("m");
    xa.storeOrder(128, 5, m, K);
    xa.setMark(150, XA_MARK_1);
    long[] index = {0};
    assertSame(m, xa.find(index, -1L, XA_MARK_1));
    assertEquals(128, index[0]);
    assertSame(m, xa.findAfter(index, -1L, XA_MARK_1));
    assertEquals(128, index[0], "xa_find_after returned the entry it was asked to skip");
    // Without a mark filter xas_find() does not step back, and xa_find_after() skips it.
    index[0] = 128;
    assertNull(xa.findAfter(index, -1L, XA_PRESENT));
  }
}
