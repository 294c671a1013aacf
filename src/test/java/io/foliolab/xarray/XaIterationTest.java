package io.foliolab.xarray;

import static io.foliolab.xarray.XArray.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** xa_find / xa_find_after / xa_for_each, xas_find / xas_next_entry, conflicts, pause. */
class XaIterationTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  private static List<String> forEach(XArray xa, long start, long last) {
    List<String> out = new ArrayList<>();
    xa.forEachRange(start, last, (i, e) -> out.add(Long.toUnsignedString(i) + "=" + e));
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void forEachReportsEveryEntryOnceInIndexOrder(int chunkShift) {
    XArray xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(chunkShift));
    xa.store(0, new Item("h"));
    xa.storeOrder(256, 8, new Item("big"), K);
    xa.store(1000, XaEntry.mkValue(7));
    xa.store(1L << 40, new Item("far"));
    xa.store(-1L, new Item("top"));
    assertEquals(List.of("0=h", "256=big", "1000=value(0x7)", (1L << 40) + "=far",
        Long.toUnsignedString(-1L) + "=top"), forEach(xa, 0, -1L));
    assertEquals(List.of("256=big", "1000=value(0x7)"), forEach(xa, 1, 1L << 39));
    assertEquals(List.of("300=big", "1000=value(0x7)"), forEach(xa, 300, 1000),
        "a range starting inside a multi-index entry reports it at the start index");
  }

  @Test
  void findAfterDoesNotWrapPastUlongMax() {
    XArray xa = new XArray();
    xa.store(-1L, new Item("top"));
    long[] index = {-1L};
    assertNull(xa.findAfter(index, -1L, XA_PRESENT));
    index[0] = 0;
    assertEquals("top", xa.find(index, -1L, XA_PRESENT).toString());
    assertEquals(-1L, index[0]);
  }

  @Test
  void xasForEachVisitsEntriesWithTheFastPath() {
    XArray xa = new XArray();
    for (long i = 10; i < 200; i += 10) {
      xa.store(i, XaEntry.mkValue(i));
    }
    XaState xas = new XaState(xa, 0);
    List<Long> seen = new ArrayList<>();
    for (Object e = xas.find(150); e != null; e = xas.nextEntry(150)) {
      assertEquals(xas.index(), XaEntry.toValue(e));
      seen.add(xas.index());
    }
    assertEquals(15, seen.size());
    assertEquals(150L, seen.get(seen.size() - 1));
  }

  @Test
  void xasFindOnAnEmptyArrayOrPastTheEnd() {
    XArray xa = new XArray();
    XaState xas = new XaState(xa, 0);
    assertNull(xas.find(-1L));
    xa.store(0, new Item("h"));
    xas = new XaState(xa, 0);
    assertEquals("h", xas.find(-1L).toString());
    assertNull(xas.find(-1L));
    assertSame(XaState.XAS_BOUNDS, xas.xaNode());
    assertEquals(1, xas.index(), "xas_find leaves the index where a store could go");
  }

  @Test
  void pauseSkipsTheRestOfAMultiIndexEntry() {
    // The case of c9ba5249ef8b: a walk that starts in the middle of a multi-index entry.
    XArray xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(4));
    xa.storeRange(16, 31, new Item("r"), K);
    xa.store(32, new Item("n"));
    XaState xas = new XaState(xa, 17);
    List<String> seen = new ArrayList<>();
    for (Object e = xas.find(-1L); e != null; e = xas.nextEntry(-1L)) {
      seen.add(xas.index() + "=" + e);
      xas.pause();
    }
    assertEquals(List.of("17=r", "32=n"), seen);
  }

  @Test
  void pauseAtTheHeadAndAtTheTop() {
    XArray xa = new XArray();
    xa.store(0, new Item("h"));
    XaState xas = new XaState(xa, 0);
    assertNotNull(xas.load());
    xas.pause();
    assertEquals(1, xas.index());
    assertSame(XaState.XAS_RESTART, xas.xaNode());
    xa.store(-1L, new Item("top"));
    xas.set(-1L);
    assertNotNull(xas.load());
    xas.pause();
    assertSame(XaState.XAS_BOUNDS, xas.xaNode(), "wrapping past ULONG_MAX");
  }

  @Test
  void findConflictReportsACoveringEntryFirstAndOnlyOnce() {
    XArray xa = new XArray();
    Item shadow = new Item("shadow");
    xa.storeOrder(1024, 9, shadow, K);
    xa.xaLock();
    XaState xas = new XaState(xa, 1088, 6);
    List<Object> conflicts = new ArrayList<>();
    for (Object e; (e = xas.findConflict()) != null; ) {
      conflicts.add(e);
      assertEquals(9, xas.getOrder());
    }
    xa.xaUnlock();
    assertEquals(List.of(shadow), conflicts);
  }

  @Test
  void findConflictEnumeratesSmallerEntriesInTheRange() {
    XArray xa = new XArray();
    xa.store(1030, new Item("a"));
    xa.store(1100, new Item("b"));
    xa.storeOrder(1152, 3, new Item("c"), K);
    xa.store(2000, new Item("outside"));
    xa.xaLock();
    XaState xas = new XaState(xa, 1024, 8);
    List<String> conflicts = new ArrayList<>();
    for (Object e; (e = xas.findConflict()) != null; ) {
      conflicts.add(e.toString());
    }
    xa.xaUnlock();
    assertEquals(List.of("a", "b", "c"), conflicts);
  }

  @Test
  void findConflictOnAnEmptyRange() {
    XArray xa = new XArray();
    xa.store(5000, new Item("far"));
    xa.xaLock();
    XaState xas = new XaState(xa, 1024, 8);
    assertNull(xas.findConflict());
    xa.xaUnlock();
  }

  @Test
  void createRangeMakesEveryOrder0SlotOfTheRange() {
    XArray xa = new XArray();
    xa.store(5000, new Item("anchor"));
    XaState xas = new XaState(xa, 1024, 8);
    xa.xaLock();
    xas.createRange();
    assertEquals(0, xas.error());
    assertEquals(1024, xas.index());
    assertEquals(0, xas.shift());
    assertEquals(0, xas.sibs());
    XaNode root = (XaNode) ((XaNode) xa.peekHead()).peekSlot(0); // shift 6, under a shift-12 root
    assertEquals(6, root.peekShift());
    for (int s = 16; s <= 19; s++) {
      XaNode leaf = (XaNode) root.peekSlot(s);
      assertEquals(0, leaf.peekShift(), "leaf under slot " + s);
      assertEquals(0, leaf.peekCount());
    }
    assertNull(root.peekSlot(20));
    assertSame(root.peekSlot(16), xas.node(), "the cursor is at the start of the range");
    assertEquals(0, xas.offset());
    // The created slots can then be filled without allocating.
    xa.allocator().setPolicy(XaAllocPolicy.NEVER);
    for (long i = 1024; i < 1280; i++) {
      xas.set(i);
      xas.store(XaEntry.mkValue(i));
      assertEquals(0, xas.error());
    }
    xa.xaUnlock();
    assertEquals(XaEntry.mkValue(1279), xa.load(1279));
    XArrayApiTest.assertValid(xa);
  }

  @Test
  void createRangeFailsAndRestoresTheCursorWithoutMemory() {
    XArray xa = new XArray();
    xa.store(5000, new Item("anchor"));
    xa.allocator().setPolicy(XaAllocPolicy.NEVER);
    XaState xas = new XaState(xa, 1024, 8);
    xa.xaLock();
    xas.createRange();
    xa.xaUnlock();
    assertEquals(-XaErrno.ENOMEM, xas.error());
    assertEquals(1024, xas.index());
    assertEquals(6, xas.shift());
    assertEquals(3, xas.sibs());
  }

  @Test
  void advanceSkipsTheRestOfAMultiIndexEntryDuringIteration() {
    XArray xa = new XArray();
    xa.storeOrder(64, 4, new Item("big"), K);
    xa.store(80, new Item("after"));
    XaState xas = new XaState(xa, 64);
    List<String> seen = new ArrayList<>();
    for (Object e = xas.find(200); e != null; e = xas.nextEntry(200)) {
      seen.add(xas.index() + "=" + e);
      if (e.toString().equals("big")) {
        xas.advance(64 + 15);
        assertEquals(15, xas.offset());
      }
    }
    assertEquals(List.of("64=big", "80=after"), seen);
  }

  @Test
  void nextAndPrevStepOneIndexWithoutResolvingSiblings() {
    XArray xa = new XArray();
    xa.store(62, new Item("a"));
    xa.storeOrder(64, 1, new Item("b"), K);
    XaState xas = new XaState(xa, 62);
    assertEquals("a", xas.load().toString());
    assertNull(xas.next());
    assertEquals(63, xas.index());
    assertEquals("b", xas.next().toString());
    assertEquals(64, xas.index());
    assertEquals("sibling(0)", XaEntry.describe(xas.next()));
    assertEquals("b", xas.prev().toString());
    assertNull(xas.prev());
    assertEquals(63, xas.index());
  }
}
