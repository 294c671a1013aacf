package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaField;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaMemory;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaState;
import io.foliolab.xarray.XaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step forms of lib/xarray.c's readers against the XArray model's own functions: on random
 * trees, run alone, each must issue the same loads in the same order, return the same entry and
 * leave the cursor in the same state as {@link XaState}.
 */
class LibXarrayTest {
  /** Records every load, as (owner, field, index) text. */
  static final class Recorder implements XaObserver {
    final List<String> loads = new ArrayList<>();

    @Override
    public void load(Object owner, XaField field, int index) {
      loads.add(XaMemory.describe(owner, field, index));
    }

    @Override
    public void store(XaStore store) {
      throw new AssertionError("a reader stored " + store);
    }
  }

  private record Item(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A random tree: multi-order entries (pointers and values), some marked. */
  static XArray randomTree(Random r, int chunkShift, XaConfig base) {
    XArray xa = new XArray("xa", base.withChunkShift(chunkShift));
    int n = 1 + r.nextInt(12);
    long span = 1L << (chunkShift * (1 + r.nextInt(3)));
    for (int i = 0; i < n; i++) {
      int order = r.nextInt(4) == 0 ? r.nextInt(Math.min(2 * chunkShift, 10)) : 0;
      long index = (Math.floorMod(r.nextLong(), span) >>> order) << order;
      Object e = r.nextInt(4) == 0 ? XaEntry.mkValue(index) : new Item("e" + index);
      xa.storeOrder(index, order, e, XaGfp.GFP_KERNEL);
      xa.setMark(index, i % 3);
      if (r.nextBoolean()) {
        xa.setMark(index, r.nextInt(3));
      }
    }
    return xa;
  }

  private static String cursor(XaState xas) {
    return xas.xaNode() + "/" + xas.offset() + "/" + xas.index();
  }

  private static void same(XArray xa, Supplier<XaState> cursor,
      java.util.function.Function<XaState, Object> direct,
      java.util.function.Function<XaState, io.foliolab.sim.Routine<?>> stepForm, String what) {
    Recorder a = new Recorder();
    XaState x1 = cursor.get();
    xa.setObserver(a);
    Object want = direct.apply(x1);
    xa.setObserver(null);
    Recorder b = new Recorder();
    XaState x2 = cursor.get();
    xa.setObserver(b);
    Object got = StepRun.run(m -> stepForm.apply(x2));
    xa.setObserver(null);
    assertSame(want, got, what + ": result");
    assertEquals(a.loads, b.loads, what + ": loads");
    assertEquals(cursor(x1), cursor(x2), what + ": cursor");
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void xasLoadAndReloadMatchXaStateOnRandomTrees(int chunkShift) {
    Random r = new Random(chunkShift);
    for (XaConfig.Reload reload : XaConfig.Reload.values()) {
      for (XaConfig.Descend descend : XaConfig.Descend.values()) {
        XaConfig cfg = XaConfig.DEFAULT.withReload(reload).withDescend(descend);
        for (int t = 0; t < 150; t++) {
          XArray xa = randomTree(r, chunkShift, cfg);
          long index = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1 << (3 * chunkShift));
          int order = r.nextInt(3) == 0 ? r.nextInt(2 * chunkShift) : 0;
          String what = "tree " + t + " " + cfg + " index " + index + " order " + order;
          same(xa, () -> new XaState(xa, index, order), XaState::load,
              x -> new LibXarray.XasLoad().on(x), what + " xas_load");
          // xas_reload on a walked cursor, and xas_load of a walked cursor (which reloads).
          Supplier<XaState> walked = () -> {
            XaState x = new XaState(xa, index, order);
            x.load();
            return x;
          };
          if (walked.get().valid()) {
            same(xa, walked, XaState::reload, x -> new LibXarray.XasReload().on(x),
                what + " xas_reload");
            same(xa, walked, XaState::load, x -> new LibXarray.XasLoad().on(x),
                what + " xas_load (walked)");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void xasFindMatchesXaStateOnRandomTrees(int chunkShift) {
    Random r = new Random(100 + chunkShift);
    for (int t = 0; t < 300; t++) {
      XArray xa = randomTree(r, chunkShift, XaConfig.DEFAULT);
      long start = r.nextInt(1 << (3 * chunkShift));
      long max = r.nextInt(4) == 0 ? -1L : start + r.nextInt(1 << (2 * chunkShift));
      // A whole xas_for_each-style walk: repeated xas_find on the same cursor.
      XaState d = new XaState(xa, start);
      XaState s = new XaState(xa, start);
      for (int k = 0; k < 20; k++) {
        Recorder a = new Recorder();
        xa.setObserver(a);
        Object want = d.find(max);
        xa.setObserver(null);
        Recorder b = new Recorder();
        xa.setObserver(b);
        Object got = StepRun.run(m -> new LibXarray.XasFind().on(s, max));
        xa.setObserver(null);
        String what = "tree " + t + " start " + start + " max " + max + " call " + k;
        assertSame(want, got, what);
        assertEquals(a.loads, b.loads, what);
        assertEquals(cursor(d), cursor(s), what);
        if (want == null) {
          break;
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void xasFindMarkedMatchesXaStateOnRandomTrees(int chunkShift) {
    Random r = new Random(200 + chunkShift);
    int found = 0;
    for (int t = 0; t < 600; t++) {
      XArray xa = randomTree(r, chunkShift, XaConfig.DEFAULT);
      long start = r.nextInt(1 << (3 * chunkShift));
      long max = r.nextInt(2) == 0 ? -1L : start + r.nextInt(1 << (2 * chunkShift));
      int mark = r.nextInt(3);
      XaState d = new XaState(xa, start);
      XaState s = new XaState(xa, start);
      for (int k = 0; k < 20; k++) {
        Recorder a = new Recorder();
        xa.setObserver(a);
        Object want = d.findMarked(max, mark);
        xa.setObserver(null);
        Recorder b = new Recorder();
        xa.setObserver(b);
        Object got = StepRun.run(m -> new LibXarray.XasFindMarked().on(s, max, mark,
            LibXarray.FindMarked.V6_18));
        xa.setObserver(null);
        String what = "tree " + t + " start " + start + " max " + max + " mark " + mark
            + " call " + k;
        assertSame(want, got, what);
        assertEquals(a.loads, b.loads, what);
        assertEquals(cursor(d), cursor(s), what);
        if (want == null) {
          break;
        }
        found++;
      }
    }
    assertTrue(found > 50, "the random trees exercise marked entries: " + found);
  }

  @Test
  void findMarkedBeforeTheSiblingCheckReturnsAMarkedSibling() {
    // An order-2 entry at 4 in a leaf; the mark bit is set on its sibling slot 5 as well, as
    // c010d47f107f's node_mark_all left it (written here directly with XaMemory).
    XArray xa = new XArray("xa", XaConfig.DEFAULT);
    xa.store(0, new Item("pad"));
    Item e = new Item("big");
    xa.storeOrder(4, 2, e, XaGfp.GFP_KERNEL);
    XaState probe = new XaState(xa, 4);
    probe.load();
    XaMemory.write(probe.node(), XaField.MARK, 0 * xa.chunkSize() + 5, Boolean.TRUE);
    XaState s1 = new XaState(xa, 5);
    Object old = StepRun.run(m -> new LibXarray.XasFindMarked().on(s1, -1L, 0,
        LibXarray.FindMarked.NO_SIBLING_CHECK));
    assertTrue(XaEntry.isSibling(old), "returned " + XaEntry.describe(old));
    assertEquals(4, XaEntry.toSibling(old));
    // v6.18 skips the sibling with advance still false, so it goes back to the canonical slot,
    // finds the sibling's mark again, and never terminates (as XaState.findMarked would).
    XaState s2 = new XaState(xa, 5);
    AssertionError hang = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> StepRun.run(m -> new LibXarray.XasFindMarked().on(s2, -1L, 0,
            LibXarray.FindMarked.V6_18)));
    assertTrue(hang.getMessage().startsWith("HANG"), hang.getMessage());
  }
}
