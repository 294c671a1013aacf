package io.foliolab.xarray;

import static io.foliolab.xarray.XArray.*;
import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The load/store primitives: every mutation of shared state is reported as an {@link XaStore}
 * that can be undone and redone, and loads are reported one word at a time.
 */
class XaObserverTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  /** Raw content of the array's words and of every node of its slab. */
  static Map<Integer, String> snapshot(XArray xa) {
    Map<Integer, String> snap = new HashMap<>();
    snap.put(-1, "head=" + describe(xa.peekHead()) + " marks=" + xa.peekFlagMark(0)
        + xa.peekFlagMark(1) + xa.peekFlagMark(2));
    for (XaNode n : xa.allocator().allNodes()) {
      snap.put(n.id(), nodeImage(n));
    }
    return snap;
  }

  static String nodeImage(XaNode n) {
    StringBuilder sb = new StringBuilder();
    sb.append(n.peekShift()).append('/').append(n.peekOffset()).append('/')
        .append(n.peekCount()).append('/').append(n.peekNrValues()).append('/')
        .append(describe(n.peekParent())).append('/').append(describe(n.peekArray()));
    for (int i = 0; i < n.chunkSize(); i++) {
      sb.append(',').append(describe(n.peekSlot(i)));
    }
    for (int m = 0; m < XA_MAX_MARKS; m++) {
      sb.append('|').append(Long.toHexString(n.peekMarks(m)));
    }
    return sb.toString();
  }

  private static final String FRESH_NODE =
      nodeImage(new XaNodeAllocator().kmemCacheAlloc(K, XaAllocSite.XAS_ALLOC));

  /** Runs {@code op}, then checks that undoing its stores restores the state and redoing replays it. */
  private static List<XaStore> checkUndoRedo(XArray xa, Consumer<XArray> op) {
    Map<Integer, String> before = snapshot(xa);
    List<XaStore> stores = new ArrayList<>();
    xa.setObserver(new XArrayApiTest.Recorder(stores));
    op.accept(xa);
    xa.setObserver(null);
    Map<Integer, String> after = snapshot(xa);
    for (int i = stores.size() - 1; i >= 0; i--) {
      stores.get(i).undo();
    }
    Map<Integer, String> undone = snapshot(xa);
    for (Map.Entry<Integer, String> e : undone.entrySet()) {
      String expected = before.getOrDefault(e.getKey(), FRESH_NODE);
      assertEquals(expected, e.getValue(), "after undo, node#" + e.getKey());
    }
    for (XaStore s : stores) {
      s.redo();
    }
    assertEquals(after, snapshot(xa), "after redo");
    return stores;
  }

  private static XArray populated() {
    XArray xa = new XArray();
    xa.store(0, new Item("h"));
    for (long i = 60; i < 200; i += 3) {
      xa.store(i, i % 2 == 0 ? mkValue(i) : new Item("p" + i));
    }
    xa.store(5000, new Item("far"));
    xa.setMark(63, XA_MARK_0);
    xa.setMark(5000, XA_MARK_2);
    return xa;
  }

  @Test
  void everyWriteOperationCanBeUndoneAndRedoneFromItsStores() {
    List<Consumer<XArray>> ops = List.of(
        xa -> xa.store(1L << 40, new Item("deep")),
        xa -> xa.erase(5000),
        xa -> {
          for (long i = 60; i < 200; i += 3) {
            xa.erase(i);
          }
        },
        xa -> xa.storeOrder(64, 6, new Item("big"), K),
        xa -> xa.storeOrder(128, 7, mkValue(1), K),
        xa -> xa.storeRange(1000, 3000, new Item("r"), K),
        xa -> xa.setMark(99, XA_MARK_1),
        xa -> xa.clearMark(5000, XA_MARK_2),
        xa -> xa.reserve(7000, K),
        XArray::destroy,
        xa -> {
          XaState xas = new XaState(xa, 64, 0);
          xa.storeOrder(64, 6, mkValue(9), K);
          xas.splitAlloc(mkValue(9), 6, K);
          xa.xaLock();
          xas.split(mkValue(9), 6);
          xa.xaUnlock();
        },
        xa -> {
          xa.storeOrder(64, 6, new Item("T"), K);
          XaState xas = new XaState(xa, 64, 5);
          xa.xaLock();
          xas.trySplit(xa.load(64), 6);
          xa.xaUnlock();
        },
        xa -> {
          XaState xas = new XaState(xa, 0, 0);
          xas.splitAlloc(new Item("pre"), 7, K);
          xas.destroy();
        });
    for (int i = 0; i < ops.size(); i++) {
      XArray xa = populated();
      List<XaStore> stores = checkUndoRedo(xa, ops.get(i));
      assertFalse(stores.isEmpty(), "op " + i + " made no stores");
    }
  }

  @Test
  void storesCarryOrderingAndTypedValues() {
    XArray xa = new XArray();
    xa.store(0, new Item("h"));
    List<XaStore> stores = new ArrayList<>();
    xa.setObserver(new XArrayApiTest.Recorder(stores));
    xa.store(70, new Item("x"));
    xa.setMark(70, XA_MARK_1);
    xa.setObserver(null);
    List<String> lines = new ArrayList<>();
    for (XaStore s : stores) {
      lines.add(s.toString());
    }
    // xas_expand grows one level at a time from the head entry: a leaf holding "h" in slot 0,
    // then a shift-6 root above it; each node is initialised with plain stores, then published.
    assertEquals(List.of(
        "node#0.shift: 0 -> 0",
        "node#0.count: 0 -> 0",
        "node#0.nr_values: 0 -> 0",
        "node#0.parent: NULL -> NULL",
        "node#0.array: NULL -> xa",
        "node#0.count: 0 -> 1",
        "node#0.slots[0]: NULL -> h",
        "xa.head: h -> node#0 (release)",
        "node#1.shift: 0 -> 6",
        "node#1.count: 0 -> 0",
        "node#1.nr_values: 0 -> 0",
        "node#1.parent: NULL -> NULL",
        "node#1.array: NULL -> xa",
        "node#1.count: 0 -> 1",
        "node#1.slots[0]: NULL -> node#0",
        "node#0.offset: 0 -> 0",
        "node#0.parent: NULL -> node#1 (release)",
        "xa.head: node#0 -> node#1 (release)",
        // xas_create: the new leaf under slot 1, published after its fields
        "node#2.offset: 0 -> 1",
        "node#1.count: 1 -> 2",
        "node#2.shift: 0 -> 0",
        "node#2.count: 0 -> 0",
        "node#2.nr_values: 0 -> 0",
        "node#2.parent: NULL -> node#1",
        "node#2.array: NULL -> xa",
        "node#1.slots[1]: NULL -> node#2 (release)",
        // xas_store, then update_node (which writes nr_values += 0 too)
        "node#2.slots[6]: NULL -> x (release)",
        "node#2.count: 0 -> 1",
        "node#2.nr_values: 0 -> 0",
        // xas_set_mark walks up
        "node#2.marks[1][6]: false -> true",
        "node#1.marks[1][1]: false -> true",
        "xa.flags.mark1: false -> true"), lines);
    assertEquals(Integer.valueOf(6), stores.get(8).newValue());
    assertEquals(Boolean.TRUE, stores.get(stores.size() - 1).newValue());
  }

  @Test
  void expandingAnExistingRootPublishesItsParentThenTheHead() {
    XArray xa = new XArray();
    xa.store(5, new Item("a"));
    XaNode oldRoot = (XaNode) xa.peekHead();
    List<XaStore> stores = new ArrayList<>();
    xa.setObserver(new XArrayApiTest.Recorder(stores));
    xa.store(100, new Item("b"));
    xa.setObserver(null);
    List<String> releases = new ArrayList<>();
    for (XaStore s : stores) {
      if (s.order() == XaOrder.RELEASE) {
        releases.add(XaMemory.describe(s.owner(), s.field(), s.index()));
      }
    }
    assertEquals(List.of(oldRoot + ".parent", "xa.head", "node#1.slots[1]", "node#2.slots[36]"),
        releases);
  }

  @Test
  void loadsAreReportedOneWordAtATime() {
    XArray xa = new XArray();
    xa.storeOrder(1024, 9, new Item("F"), K);
    XaNode root = (XaNode) xa.peekHead();
    List<String> loads = new ArrayList<>();
    xa.setObserver(new XaObserver() {
      @Override
      public void load(Object owner, XaField field, int index) {
        loads.add(XaMemory.describe(owner, field, index));
      }

      @Override
      public void store(XaStore store) {
        fail("a load stored " + store);
      }
    });
    assertEquals("F", xa.load(1499).toString());
    assertEquals(List.of("xa.head", root + ".shift", root + ".shift", root + ".slots[23]",
        root + ".slots[16]"), loads);
  }

  @Test
  void xaLoadGivesTheSameAnswersWithAndWithoutAnObserver() {
    // Installing an observer must not change any answer (siblings, zero entries, huge indices).
    java.util.Random rnd = new java.util.Random(7);
    for (int shift : new int[] {4, 6}) {
      XArray xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(shift));
      xa.store(0, new Item("h"));
      for (int n = 0; n < 300; n++) {
        int order = rnd.nextInt(10);
        long index = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(1 << 16);
        xa.storeOrder(index, order, rnd.nextBoolean() ? mkValue(n) : new Item("e" + n), K);
        if (n % 7 == 0) {
          xa.reserve(rnd.nextInt(1 << 16), K);
        }
        if (n % 5 == 0) {
          xa.erase(rnd.nextInt(1 << 16));
        }
      }
      XaObserver quiet = new XaObserver() {
        @Override
        public void load(Object owner, XaField field, int index) {}

        @Override
        public void store(XaStore store) {}
      };
      for (int k = 0; k < 20000; k++) {
        long index = k % 3 == 0 ? rnd.nextLong() : rnd.nextInt(1 << 16);
        Object fast = xa.load(index);
        xa.setObserver(quiet);
        Object reported = xa.load(index);
        xa.setObserver(null);
        assertTrue(same(fast, reported), "index " + Long.toUnsignedString(index));
      }
    }
  }

  @Test
  void aStepProgramCanWalkWithThePublicPrimitives() {
    XArray xa = new XArray();
    Item f = new Item("F");
    xa.storeOrder(1024, 9, f, K);
    xa.store(70000, new Item("far"));
    // xas_load(1499) written out one load per step, as the simulator will.
    XaState xas = new XaState(xa, 1499);
    Object entry = xa.loadHead();
    assertTrue(isNode(entry));
    assertTrue(Long.compareUnsigned(1499 >>> xa.loadShift((XaNode) entry), 63) <= 0);
    xas.setXaNode(null);
    while (isNode(entry)) {
      XaNode node = (XaNode) entry;
      int shift = xa.loadShift(node);
      int offset = (int) (xas.index() >>> shift) & 63;
      entry = xa.loadSlot(node, offset);
      xas.setXaNode(node);
      while (isSibling(entry)) {
        offset = toSibling(entry);
        entry = xa.loadSlot(node, offset);
      }
      xas.setOffset(offset);
      if (shift == 0) {
        break;
      }
    }
    assertSame(f, entry);
    XaState reference = new XaState(xa, 1499);
    assertSame(f, reference.load());
    assertSame(reference.node(), xas.node());
    assertEquals(reference.offset(), xas.offset());
    assertSame(f, xas.reload());
  }
}
