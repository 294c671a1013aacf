package io.foliolab.xarray;

import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random operations on the model and on a simple reference (a map of index ranges), with
 * {@link XArray#validate()} after every operation and lookups, iteration, marks and orders
 * compared with the reference.
 *
 * <p>Reference semantics, from kernel-notes/xarray.md: an order-N store replaces every entry in
 * its aligned range and the new entry carries the union of their marks; a store inside an
 * existing larger entry replaces that whole entry and keeps its marks; erasing any index erases
 * the whole entry. Operations whose kernel outcome is inconsistent by design are not generated:
 * replacing a larger multi-index entry by an entry of the other kind (value vs pointer), which
 * leaves nr_values wrong in the kernel too (only the written slots are recounted), and
 * {@code xa_store_range} (tested on its own).
 */
class XaDifferentialTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  /** One entry of the reference: an index range, its entry and its marks. */
  private static final class Ent {
    final long first;
    final long last;
    Object entry;
    int marks;

    Ent(long first, long last, Object entry, int marks) {
      this.first = first;
      this.last = last;
      this.entry = entry;
      this.marks = marks;
    }

    long size() {
      return last - first + 1; // 0 means 2^64
    }
  }

  private final TreeMap<Long, Ent> ref = new TreeMap<>(Long::compareUnsigned);
  private XArray xa;
  private Random rnd;
  private int chunkShift;
  private int items;
  private String lastOp = "";

  private Ent covering(long i) {
    Map.Entry<Long, Ent> e = ref.floorEntry(i);
    if (e != null && Long.compareUnsigned(e.getValue().last, i) >= 0) {
      return e.getValue();
    }
    return null;
  }

  private static boolean isVal(Object e) {
    return e instanceof XaValue;
  }

  private static Object visible(Object e) {
    return e == XA_ZERO_ENTRY ? null : e;
  }

  private long randomIndex() {
    int r = rnd.nextInt(10);
    if (r < 7) {
      return rnd.nextInt(4096);
    }
    if (r < 9) {
      return rnd.nextInt(1 << 20);
    }
    return rnd.nextBoolean() ? rnd.nextLong() : -1L - rnd.nextInt(300);
  }

  private Object randomEntry() {
    return rnd.nextInt(3) == 0 ? mkValue(rnd.nextInt(1000)) : new Item("p" + items++);
  }

  /** Reference of a non-NULL store over [first, last] (aligned, power of two); false = skipped. */
  private boolean refStore(long first, long last, Object entry) {
    Ent c = covering(first);
    long size = last - first + 1;
    if (c != null && Long.compareUnsigned(c.first, first) <= 0
        && Long.compareUnsigned(c.last, last) >= 0) {
      if (c.size() != size && c.size() != 1 && isVal(c.entry) != isVal(entry)) {
        return false;
      }
      c.entry = entry;
      return true;
    }
    int marks = 0;
    List<Long> gone = new ArrayList<>();
    for (Ent e : ref.subMap(first, true, last, true).values()) {
      assertTrue(Long.compareUnsigned(e.last, last) <= 0, "reference: partial overlap");
      marks |= e.marks;
      gone.add(e.first);
    }
    gone.forEach(ref::remove);
    ref.put(first, new Ent(first, last, entry, marks));
    return true;
  }

  private void step() {
    int op = rnd.nextInt(100);
    long i = randomIndex();
    if (rnd.nextInt(40) == 0) {
      // Truncate: erase every entry from a random index on, so that the tree shrinks.
      long from = rnd.nextBoolean() ? rnd.nextInt(200) : i;
      lastOp = "truncate(" + Long.toUnsignedString(from) + ")";
      for (Ent e : new ArrayList<>(ref.tailMap(from, true).values())) {
        assertTrue(same(visible(e.entry), xa.erase(e.first)), lastOp);
        ref.remove(e.first);
      }
      return;
    }
    if (op < 30) {
      Object e = rnd.nextInt(12) == 0 ? null : randomEntry();
      Ent c = covering(i);
      Object expected = c == null ? null : visible(c.entry);
      if (e == null) {
        if (c != null) {
          ref.remove(c.first);
        }
      } else if (!refStore(i, i, e)) {
        return;
      }
      lastOp = "store(" + Long.toUnsignedString(i) + ", " + describe(e) + ")";
      assertTrue(same(expected, xa.store(i, e)), lastOp);
    } else if (op < 45) {
      int order = rnd.nextInt(4) == 0 ? rnd.nextInt(21) : rnd.nextInt(13);
      long first = (i >>> order) << order;
      long last = first + (1L << order) - 1;
      Object e = randomEntry();
      if (!refStore(first, last, e)) {
        return;
      }
      lastOp = "storeOrder(" + Long.toUnsignedString(first) + ", " + order + ", "
          + describe(e) + ")";
      assertFalse(isErr(xa.storeOrder(first, order, e, K)), lastOp);
    } else if (op < 60) {
      Ent c = covering(i);
      lastOp = "erase(" + Long.toUnsignedString(i) + ")";
      assertTrue(same(c == null ? null : visible(c.entry), xa.erase(i)), lastOp);
      if (c != null) {
        ref.remove(c.first);
      }
    } else if (op < 68) {
      Ent c = covering(i);
      Object current = c == null ? null : c.entry;
      Object old = rnd.nextBoolean() ? visible(current) : randomEntry();
      Object e = rnd.nextInt(8) == 0 ? null : randomEntry();
      boolean match = same(current, old);
      if (match) {
        if (e == null) {
          if (c != null) {
            ref.remove(c.first);
          }
        } else if (!refStore(i, i, e)) {
          return;
        }
      }
      lastOp = "cmpxchg(" + Long.toUnsignedString(i) + ", " + describe(old) + ", "
          + describe(e) + ")";
      assertTrue(same(visible(current), xa.cmpxchg(i, old, e, K)), lastOp);
    } else if (op < 74) {
      Object e = rnd.nextInt(4) == 0 ? null : randomEntry();
      Ent c = covering(i);
      lastOp = "insert(" + Long.toUnsignedString(i) + ", " + describe(e) + ")";
      int r = xa.insert(i, e, K);
      if (c != null) {
        assertEquals(-XaErrno.EBUSY, r, lastOp);
      } else {
        assertEquals(0, r, lastOp);
        ref.put(i, new Ent(i, i, e == null ? XA_ZERO_ENTRY : e, 0));
      }
    } else if (op < 77) {
      lastOp = "reserve(" + Long.toUnsignedString(i) + ")";
      assertEquals(0, xa.reserve(i, K), lastOp);
      if (covering(i) == null) {
        ref.put(i, new Ent(i, i, XA_ZERO_ENTRY, 0));
      }
    } else if (op < 80) {
      Ent c = pickExisting(i);
      long at = c == null ? i : c.first;
      lastOp = "release(" + Long.toUnsignedString(at) + ")";
      xa.release(at);
      if (c != null && c.entry == XA_ZERO_ENTRY) {
        ref.remove(c.first);
      }
    } else {
      Ent c = pickExisting(i);
      long at = c == null ? i : c.first + (c.size() == 0 ? 0 : rnd.nextLong() & (c.size() - 1));
      int mark = rnd.nextInt(3);
      boolean set = rnd.nextInt(3) != 0;
      lastOp = (set ? "setMark(" : "clearMark(") + Long.toUnsignedString(at) + ", " + mark + ")";
      if (set) {
        xa.setMark(at, mark);
      } else {
        xa.clearMark(at, mark);
      }
      Ent t = covering(at);
      if (t != null) {
        t.marks = set ? t.marks | (1 << mark) : t.marks & ~(1 << mark);
      }
    }
  }

  /** An existing entry chosen at random (or the one covering i), to hit marks and release. */
  private Ent pickExisting(long i) {
    if (ref.isEmpty() || rnd.nextInt(4) == 0) {
      return covering(i);
    }
    Map.Entry<Long, Ent> e = ref.ceilingEntry(i);
    return (e != null ? e : ref.firstEntry()).getValue();
  }

  private void check() {
    Optional<String> v = xa.validate();
    if (v.isPresent()) {
      fail("after " + lastOp + ": " + v.get() + "\n" + xa.dump());
    }
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (Ent e : ref.values()) {
      if (e.entry != XA_ZERO_ENTRY) {
        expected.add(Long.toUnsignedString(e.first) + "=" + describe(e.entry));
      }
    }
    xa.forEach((idx, e) -> actual.add(Long.toUnsignedString(idx) + "=" + describe(e)));
    assertEquals(expected, actual, () -> "xa_for_each after " + lastOp);
    for (int mark = 0; mark < 3; mark++) {
      List<String> want = new ArrayList<>();
      boolean any = false;
      for (Ent e : ref.values()) {
        if ((e.marks & (1 << mark)) != 0) {
          any = true;
          if (e.entry != XA_ZERO_ENTRY) {
            want.add(Long.toUnsignedString(e.first));
          }
        }
      }
      List<String> got = new ArrayList<>();
      XaState xas = new XaState(xa, 0);
      for (Object e = xas.findMarked(-1L, mark); e != null; e = xas.nextMarked(-1L, mark)) {
        if (!xas.retry(e)) {
          got.add(Long.toUnsignedString(xas.index()));
        }
      }
      assertEquals(want, got, "xas_for_each_marked " + mark + " after " + lastOp);
      assertEquals(any, xa.marked(mark), "xa_marked " + mark + " after " + lastOp);
    }
    for (Ent e : ref.values()) {
      long mid = e.size() == 0 ? e.first + 12345 : e.first + ((e.size() - 1) >>> 1);
      for (long at : new long[] {e.first, e.last, mid}) {
        assertTrue(same(visible(e.entry), xa.load(at)),
            () -> "load(" + Long.toUnsignedString(at) + ") after " + lastOp);
      }
      for (int mark = 0; mark < 3; mark++) {
        if (((e.marks >> mark) & 1) != 0 || rnd.nextInt(8) == 0) {
          assertEquals((e.marks & (1 << mark)) != 0, xa.getMark(mid, mark),
              "xa_get_mark(" + Long.toUnsignedString(mid) + ", " + mark + ") after " + lastOp);
        }
      }
      if (e.size() != 0 && Long.bitCount(e.size()) == 1) {
        assertEquals(Long.numberOfTrailingZeros(e.size()), xa.getOrder(e.last),
            "xa_get_order(" + Long.toUnsignedString(e.last) + ") after " + lastOp);
      }
      if (e.last != -1L && covering(e.last + 1) == null) {
        assertNull(xa.load(e.last + 1), "just after " + Long.toUnsignedString(e.last));
      }
    }
    for (int k = 0; k < 8; k++) {
      long at = randomIndex();
      Ent c = covering(at);
      assertTrue(same(c == null ? null : visible(c.entry), xa.load(at)),
          () -> "load(" + Long.toUnsignedString(at) + ") after " + lastOp);
    }
  }

  @ParameterizedTest(name = "chunk shift {0}, seed {1}")
  @CsvSource({"6, 1", "6, 2", "6, 3", "4, 1", "4, 2", "4, 3"})
  void randomOperationsAgreeWithTheReference(int shift, long seed) {
    chunkShift = shift;
    xa = new XArray("xa", XaConfig.DEFAULT.withChunkShift(shift));
    rnd = new Random(seed);
    for (int n = 0; n < 1200; n++) {
      step();
      check();
    }
    // Tear everything down: the tree goes back to empty, every node to RCU.
    for (Ent e : new ArrayList<>(ref.values())) {
      xa.erase(e.first);
    }
    assertTrue(xa.empty(), xa.dump());
    XaNodeAllocator slab = xa.allocator();
    slab.completeGracePeriod();
    assertEquals(0, slab.allocatedCount(), "leaked nodes");
    assertEquals(slab.createdCount(), slab.freeCount());
  }
}
