package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Machine;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaField;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaState;
import io.foliolab.xarray.XaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The split paths run alone: the pieces, their fields, the page cache after the split. */
class HugeMemoryTest {
  /** A file with one locked folio, referenced once by the caller. */
  private static final class File {
    AddressSpace mapping;
    Folio folio;
  }

  private static File file(Machine m, long index, int order, int chunkShift) {
    File f = new File();
    f.mapping = AddressSpace.builder(m).xaConfig(XaConfig.DEFAULT.withChunkShift(chunkShift))
        .iSize((index + (1L << order)) << Folio.PAGE_SHIFT).build();
    f.folio = Folio.create(m, 0x1000, index, order, (1L << order) + 1);
    f.folio.initFlags(PageFlags.PG_locked, PageFlags.PG_uptodate, PageFlags.PG_lru,
        PageFlags.PG_dirty);
    f.mapping.addAtSetUp(f.folio);
    return f;
  }

  /** The folio at {@code index}, read outside the machine (the binding's observer detached). */
  private static Folio at(AddressSpace as, long index) {
    XaObserver o = as.iPages().observer();
    as.iPages().setObserver(null);
    try {
      return (Folio) new XaState(as.iPages(), index).load();
    } finally {
      as.iPages().setObserver(o);
    }
  }

  @Test
  void nonUniformSplitMakesBuddiesAroundSplitAt() {
    File[] f = new File[1];
    Object r = StepRun.run(m -> {
      f[0] = file(m, 0x7650, 3, 6);
      return new HugeMemory.FolioSplit(HugeMemory.SplitVersion.V6_18)
          .onNonUniform(f[0].folio, 0, f[0].folio.page(5));
    });
    assertEquals(0, r);
    AddressSpace as = f[0].mapping;
    Folio head = f[0].folio;
    // Order 3 split at page 5 to order 0: [0x7650 o2][0x7654 o0][0x7655 o0][0x7656 o1].
    assertSame(head, at(as, 0x7650));
    assertSame(head, at(as, 0x7653));
    assertEquals(2, head.peekOrder());
    long[][] want = {{0x7654, 0}, {0x7655, 0}, {0x7656, 1}, {0x7657, 1}};
    for (long[] w : want) {
      Folio p = at(as, w[0]);
      assertTrue(p.peekContains(w[0]), p + " at " + Long.toHexString(w[0]));
      assertEquals(w[1], p.peekOrder());
      assertSame(as, p.peekMapping());
      assertEquals(p.peekNrPages(), p.peekRefcount(), p + ": cache references only");
      assertFalse(p.peekFlag(PageFlags.PG_locked), p + " unlocked");
      assertTrue(p.peekFlag(PageFlags.PG_dirty) && p.peekFlag(PageFlags.PG_uptodate)
          && p.peekFlag(PageFlags.PG_lru), p + " flags " + PageFlags.describe(p.peekFlags()));
      assertEquals(w[1] > 0, p.peekFlag(PageFlags.PG_head));
    }
    assertNotSame(at(as, 0x7654), at(as, 0x7655));
    assertSame(at(as, 0x7656), at(as, 0x7657));
    assertEquals(4 + 1, head.peekRefcount(), "the head keeps the caller's reference");
    assertTrue(head.peekFlag(PageFlags.PG_locked), "lock_at's piece stays locked");
    assertEquals(Optional.empty(), as.iPages().validate());
    assertSame(at(as, 0x7655), head.memmap().page(5).folio(), "compound_head follows");
  }

  @ParameterizedTest
  @CsvSource({"8, 6", "0, 6", "4, 6", "4, 4", "2, 4", "0, 4"})
  void uniformSplitOfAnOrder9Folio(int newOrder, int chunkShift) {
    File[] f = new File[1];
    Object r = StepRun.run(m -> {
      f[0] = file(m, 1024, 9, chunkShift);
      return new HugeMemory.FolioSplit(HugeMemory.SplitVersion.V6_18)
          .onUniform(f[0].folio, newOrder, f[0].folio.page(0));
    });
    if (chunkShift == 4 && newOrder < 4) {
      // With 16-slot nodes order 9 lives at shift 8 and orders below 4 at shift 0: two levels,
      // which xas_split_alloc refuses (-ENOMEM).
      assertEquals(ErrPtr.ENOMEM, r);
      return;
    }
    assertEquals(0, r);
    AddressSpace as = f[0].mapping;
    for (long i = 1024; i < 1536; i++) {
      Folio p = at(as, i);
      assertEquals(newOrder, p.peekOrder(), "index " + i);
      assertEquals(i & -(1L << newOrder), p.peekIndex(), "index " + i);
    }
    assertEquals(Optional.empty(), as.iPages().validate());
  }

  /** The entries xas_try_split writes into the slot of {@code index} during the split. */
  private static List<Object> storesAt(HugeMemory.SplitVersion v, long splitAt) {
    List<Object> stored = new ArrayList<>();
    File[] f = new File[1];
    StepRun.run(m -> {
      f[0] = file(m, 0x7650, 2, 6);
      XaObserver binding = f[0].mapping.iPages().observer();
      f[0].mapping.iPages().setObserver(new XaObserver() {
        @Override
        public void load(Object owner, XaField field, int index) {
          binding.load(owner, field, index);
        }

        @Override
        public void store(XaStore s) {
          binding.store(s);
          if (s.field() == XaField.SLOT && s.index() == (int) (splitAt & 63)) {
            stored.add(s.newValue());
          }
        }
      });
      return new HugeMemory.FolioSplit(v).onNonUniform(f[0].folio, 0, f[0].folio.page(3));
    });
    stored.add(0, f[0].folio);
    return stored;
  }

  @Test
  void v618StoresThePieceContainingSplitAtInTheSecondRound() {
    // Slot of 0x7653: round 1 (order 2 -> 1) writes sibling(0x52); round 2 (1 -> 0) writes the
    // entry passed to xas_try_split; the publish loop then stores the final piece.
    List<Object> bug = storesAt(HugeMemory.SplitVersion.V6_18, 0x7653);
    List<Object> fix = storesAt(HugeMemory.SplitVersion.COMMIT_577A1F495FD7, 0x7653);
    Folio head = (Folio) bug.get(0);
    Folio f2 = head.memmap().page(2).folio();
    Folio f3 = head.memmap().page(3).folio();
    assertEquals(List.of(head, io.foliolab.xarray.XaEntry.mkSibling(0x12), f2, f3), bug);
    Folio fhead = (Folio) fix.get(0);
    assertEquals(List.of(fhead, io.foliolab.xarray.XaEntry.mkSibling(0x12), fhead,
        fhead.memmap().page(3).folio()), fix);
  }

  @Test
  void xasTrySplitNodeAllocationIsAChoicePoint() {
    // An order-6 folio fills one slot of the shift-6 node: the round 6 -> 5 needs a new node,
    // allocated with GFP_NOWAIT under xa_lock. dpor explores its success and its failure.
    File[] f = new File[1];
    io.foliolab.sim.Model model = m -> {
      f[0] = file(m, 0x7640, 6, 6);
      m.addCpu(new Truncate.TruncatePartialFolioRange(HugeMemory.SplitVersion.V6_18)
          .on(f[0].folio, 0x767fL << Folio.PAGE_SHIFT, (0x7680L << Folio.PAGE_SHIFT) - 1));
      m.addExitCheck(PageCacheCheck.atExit(f[0].mapping, 0x7640, 0x767f));
    };
    List<io.foliolab.explore.Execution> runs = new ArrayList<>();
    io.foliolab.explore.Summary s = io.foliolab.explore.Explorer.explore(model,
        io.foliolab.explore.Strategy.parse("dpor"), io.foliolab.explore.Options.defaults(),
        runs::add);
    assertTrue(s.complete());
    assertEquals(2, s.executions(), s.toString());
    for (io.foliolab.explore.Execution e : runs) {
      assertEquals(io.foliolab.sim.Outcome.OK, e.outcome(), e.toString());
      io.foliolab.explore.Explorer.replay(model, io.foliolab.explore.Schedule.parse(e.schedule()));
      Folio head = f[0].folio;
      if (e.choices().equals("1")) {
        // -ENOMEM before any round: the dirty folio is kept whole.
        assertEquals(6, head.peekOrder());
        assertSame(head, at(f[0].mapping, 0x767f));
      } else {
        assertEquals("0", e.choices());
        assertEquals(5, head.peekOrder());
        assertEquals(0x767f, at(f[0].mapping, 0x767f).peekIndex());
      }
      assertFalse(head.peekFlag(PageFlags.PG_locked));
    }
  }

  /**
   * __split_folio_to_order's {@code VM_BUG_ON_PAGE} on a tail page that is still mapped: the step
   * checks the page before it moves its piece index, so a probe that stops at the BUG (its
   * action) leaves nothing behind and the real step reports the same page. (It used to advance
   * the index first: after a probe the real step checked the next page, and the split went on.)
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aMappedTailPageIsReportedWhetherOrNotTheStepWasProbedFirst(boolean probe) {
    Machine m = new Machine();
    m.setStrictProbes(false);  // the behaviour itself, not the checker
    m.start(mach -> {
      Folio f = Folio.create(mach, 0x1000, 0x40, 2, 1);
      f.structPage(1).mapcount.init(0);  // tail page 1 is mapped once
      mach.addCpu(new HugeMemory.SplitFolioToOrder().on(f, 2, 0));
    });
    int steps = 0;
    while (m.outcome() == null) {
      if (probe) {
        m.enabled(0);
      }
      if (!m.step(0)) {
        break;
      }
      steps++;
    }
    assertEquals(io.foliolab.sim.Outcome.BUG, m.outcome(), "after " + steps + " steps");
    assertEquals("__split_folio_to_order:next_piece", m.failingLabel());
    assertTrue(m.failureMessage().startsWith("VM_BUG_ON_PAGE(atomic_read(&new_head->_mapcount)"),
        m.failureMessage());
    assertEquals(1, m.events(), "the BUG is the first step: page 1 is the first tail");
  }
}
