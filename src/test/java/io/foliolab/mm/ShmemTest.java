package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Routine;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaState;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * mm/shmem.c swap-in and swap-out, one CPU at a time: the paths do what the kernel does on a
 * given state, and the three forms differ exactly where the kernel versions do.
 */
class ShmemTest {
  static final long S = 0x10; // first slot of the order-4 entry
  static final ChoiceOracle MTHP_FAILS = (cpu, point) -> 1;

  /** A tmpfs mapping with 16-slot nodes over a zram device of 32 slots (0..15 used by others). */
  static final class World {
    final Machine m;
    final AddressSpace mapping;
    final SwapInfo si;
    final SwapState cache;
    final Shmem.Inode inode;
    Folio folio;

    World(Machine m) {
      this.m = m;
      mapping = AddressSpace.builder(m).name("tmpfs").shmem(true)
          .xaConfig(XaConfig.DEFAULT.withChunkShift(4)).iSize(16L << Folio.PAGE_SHIFT).build();
      si = new SwapInfo(m, 0, 32, true);
      si.initUsed(0, 16, 1);
      cache = new SwapState(m, si);
      inode = new Shmem.Inode(mapping, cache, new PageAllocator(m, 0x40000).mthpMayFail(0));
    }

    /** The order-4 swap entry of slots S.. at indices 0..15. */
    World largeEntry() {
      si.initUsed(S, 16, 1);
      store(0, 4, SwpEntry.of(0, S).toRadix());
      return this;
    }

    /** Sixteen order-0 swap entries S+i at indices i, as a split to order 0 leaves them. */
    World splitEntries() {
      si.initUsed(S, 16, 1);
      for (int i = 0; i < 16; i++) {
        store(i, 0, SwpEntry.of(0, S + i).toRadix());
      }
      return this;
    }

    /** An order-4 folio in the swap cache at S..S+15, clean and uptodate (swapped out, kept). */
    World cachedLargeFolio() {
      folio = Folio.create(m, "folio@pfn:0x9000", 0x9000, 0, 4, 16);
      folio.initFlags(PageFlags.PG_uptodate, PageFlags.PG_lru, PageFlags.PG_swapbacked);
      cache.addAtSetUp(folio, SwpEntry.of(0, S));
      si.initCache(S, 16);
      return this;
    }

    void store(long index, int order, Object entry) {
      Object r = mapping.iPages().storeOrder(index, order, entry, XaGfp.GFP_KERNEL);
      assertFalse(XaEntry.isErr(r), String.valueOf(r));
    }
  }

  /** The entry at {@code index} and its order, read with the XArray detached from the machine. */
  static Object entryAt(AddressSpace mapping, long index) {
    return detached(mapping, xas -> xas.load(), index);
  }

  static int orderAt(AddressSpace mapping, long index) {
    return detached(mapping, xas -> {
      xas.load();
      return xas.getOrder();
    }, index);
  }

  static <T> T detached(AddressSpace mapping, Function<XaState, T> f, long index) {
    XArray xa = mapping.iPages();
    XaObserver o = xa.observer();
    xa.setObserver(null);
    try {
      return f.apply(new XaState(xa, index));
    } finally {
      xa.setObserver(o);
    }
  }

  /** Runs the one CPU the set-up adds to the end, deciding choice points with {@code oracle}. */
  static Machine run(Function<Machine, Routine<?>> setUp, ChoiceOracle oracle) {
    Machine m = new Machine();
    m.setStrictProbes(true);  // every step program keeps the "action first" rule
    m.setOracle(oracle);
    m.start(mach -> mach.addCpu(setUp.apply(mach)));
    while (!m.over()) {
      m.step(0);
    }
    return m;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void swapEntriesPackTypeAndOffsetLikeSwpEntry() {
    SwpEntry e = SwpEntry.of(3, 0x15);
    assertEquals((3L << 58) | 0x15, e.val());
    assertEquals(e, SwpEntry.ofVal(e.val()));
    assertEquals(e, SwpEntry.fromRadix(e.toRadix()));
    assertEquals(0x15L, XaEntry.toValue(SwpEntry.of(0, 0x15).toRadix()), "type 0: val = offset");
    assertEquals(SwpEntry.of(3, 0x10), e.roundDown(16));
    assertEquals(SwpEntry.of(3, 0x18), e.plus(3));
    assertThrows(IllegalArgumentException.class, () -> SwpEntry.of(32, 0));
    assertThrows(IllegalArgumentException.class, () -> SwpEntry.fromRadix("folio"));
    assertThrows(IllegalArgumentException.class, () -> e.roundDown(3));
    assertThrows(IllegalArgumentException.class, () -> SwpEntry.ofVal(0));
  }

  @Test
  void aLargeEntrySwapsInAsOneFolioWhenTheMthpAllocationSucceeds() {
    World[] w = new World[1];
    Shmem.ShmemFileRead[] read = new Shmem.ShmemFileRead[1];
    Machine m = run(mach -> {
      w[0] = new World(mach).largeEntry();
      return read[0] = new Shmem.ShmemFileRead(Shmem.SwapinVersion.V6_16).on(w[0].inode, 5);
    }, ChoiceOracle.ORDINARY);
    assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
    Folio f = read[0].folio();
    assertEquals(4, f.peekOrder());
    for (long i = 0; i < 16; i++) {
      assertSame(f, entryAt(w[0].mapping, i), "index " + i);
    }
    assertEquals(4, orderAt(w[0].mapping, 9));
    assertEquals(16, f.peekRefcount(), "only the page cache's references are left");
    assertSame(w[0].mapping, f.peekMapping());
    assertEquals(0, f.peekIndex());
    assertTrue(f.peekFlag(PageFlags.PG_dirty), "swapped-in shmem folios are dirty");
    assertFalse(f.peekFlag(PageFlags.PG_locked));
    assertNull(f.peekSwap(), "skip_swapcache clears folio->swap");
    for (long off = S; off < S + 16; off++) {
      assertEquals(0, w[0].si.peekCount(off), "slot " + off + " freed");
      assertFalse(w[0].si.peekHasCache(off));
    }
    assertEquals(0, m.cpu(0).retries());
  }

  @Test
  void anMthpAllocationFailureSplitsTheEntryAndSwapsInOnePage() {
    World[] w = new World[1];
    Shmem.ShmemFileRead[] read = new Shmem.ShmemFileRead[1];
    Machine m = run(mach -> {
      w[0] = new World(mach).largeEntry();
      return read[0] = new Shmem.ShmemFileRead(Shmem.SwapinVersion.V6_16).on(w[0].inode, 5);
    }, MTHP_FAILS);
    assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
    Folio f = read[0].folio();
    assertEquals(0, f.peekOrder());
    assertEquals(5, f.peekIndex());
    assertSame(f, entryAt(w[0].mapping, 5));
    // xas_try_split goes 4 -> 3 -> 0 with 16-slot nodes: the half holding index 5 is split to
    // order 0, each piece with its own slot; the other half stays one order-3 entry.
    for (long i = 0; i < 8; i++) {
      if (i != 5) {
        assertEquals(SwpEntry.of(0, S + i).toRadix(), entryAt(w[0].mapping, i), "index " + i);
        assertEquals(0, orderAt(w[0].mapping, i));
      }
    }
    assertEquals(SwpEntry.of(0, S + 8).toRadix(), entryAt(w[0].mapping, 13));
    assertEquals(3, orderAt(w[0].mapping, 13));
    assertEquals(0, w[0].si.peekCount(S + 5), "the page's slot is freed");
    assertEquals(1, w[0].si.peekCount(S + 4));
    assertFalse(w[0].si.peekHasCache(S + 5));
    assertNull(w[0].cache.peek(SwpEntry.of(0, S + 5)), "it went through the swap cache and left");
    assertEquals(1, f.peekRefcount());
  }

  @Test
  void theOldAddToPageCacheRefusesOrderZeroEntriesTheNewOneAcceptsThem() {
    for (Shmem.SwapinVersion v : Shmem.SwapinVersion.values()) {
      World[] w = new World[1];
      StepRun.Driver[] d = new StepRun.Driver[1];
      Folio[] f = new Folio[1];
      Machine m = run(mach -> {
        w[0] = new World(mach).splitEntries();
        f[0] = Folio.create(mach, "folio@pfn:0x9000", 0x9000, 0, 4, 1);
        f[0].initFlags(PageFlags.PG_locked, PageFlags.PG_uptodate, PageFlags.PG_swapbacked);
        return d[0] = new StepRun.Driver(new Shmem.ShmemAddToPageCache(v)
            .on(f[0], w[0].mapping, 0, SwpEntry.of(0, S).toRadix()));
      }, ChoiceOracle.ORDINARY);
      assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
      if (v == Shmem.SwapinVersion.V6_16) {
        assertEquals(ErrPtr.EEXIST, d[0].result, v.label());
        assertNull(f[0].peekMappingWord(), "the error path clears folio->mapping");
        assertEquals(1, f[0].peekRefcount(), "and drops the references it took");
        assertEquals(SwpEntry.of(0, S + 9).toRadix(), entryAt(w[0].mapping, 9));
      } else {
        assertEquals(0, d[0].result, v.label());
        for (long i = 0; i < 16; i++) {
          assertSame(f[0], entryAt(w[0].mapping, i), v.label() + " index " + i);
        }
        assertEquals(17, f[0].peekRefcount());
      }
    }
  }

  @Test
  void theNewAddToPageCacheRefusesANonContiguousRange() {
    World[] w = new World[1];
    StepRun.Driver[] d = new StepRun.Driver[1];
    Machine m = run(mach -> {
      w[0] = new World(mach).splitEntries();
      w[0].store(9, 0, SwpEntry.of(0, 0x3).toRadix()); // index 9 belongs to another slot
      Folio f = Folio.create(mach, "folio@pfn:0x9000", 0x9000, 0, 4, 1);
      f.initFlags(PageFlags.PG_locked, PageFlags.PG_uptodate, PageFlags.PG_swapbacked);
      return d[0] = new StepRun.Driver(new Shmem.ShmemAddToPageCache(Shmem.SwapinVersion.V6_17)
          .on(f, w[0].mapping, 0, SwpEntry.of(0, S).toRadix()));
    }, ChoiceOracle.ORDINARY);
    assertEquals(Outcome.OK, m.outcome());
    assertEquals(ErrPtr.EEXIST, d[0].result);
  }

  /**
   * The state Kairui Song's race leaves (kernel-notes/mm-paths.md S4, step 3): the entry split to
   * order 0 and an order-4 folio for the same slots in the swap cache. Alone, a v6.16 swap-in of
   * index 5 loops for ever; v6.17 installs the cached folio.
   */
  @Test
  void theSplitEntryAndCachedLargeFolioHangV616AndNotV617() {
    for (Shmem.SwapinVersion v : new Shmem.SwapinVersion[] {Shmem.SwapinVersion.V6_16,
        Shmem.SwapinVersion.V6_17}) {
      World[] w = new World[1];
      Machine m = run(mach -> {
        w[0] = new World(mach).splitEntries().cachedLargeFolio();
        return new Shmem.ShmemFileRead(v).on(w[0].inode, 5);
      }, ChoiceOracle.ORDINARY);
      Folio f = w[0].folio;
      if (v == Shmem.SwapinVersion.V6_16) {
        assertEquals(Outcome.HANG, m.outcome(), m.failureMessage());
        assertEquals("shmem_get_folio_gfp:repeat", m.failingLabel());
        assertEquals(0, m.failingCpu());
        assertEquals(1, m.cpu(0).retries(), "one iteration shows that nothing can change");
        assertTrue(m.failureMessage().contains("swp_entry(0, 0x15) of order 0"),
            m.failureMessage());
        assertTrue(m.failureMessage().contains(f.name() + " of order 4"), m.failureMessage());
        assertEquals(0, m.failureSubject().fields().get("entryOrder"));
        assertEquals(4, m.failureSubject().fields().get("order"));
        assertTrue(m.failureSubject().dump().contains("xa_get_order(index) =="),
            m.failureSubject().dump());
        assertSame(f, w[0].cache.peek(SwpEntry.of(0, S + 5)));
      } else {
        assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
        for (long i = 0; i < 16; i++) {
          assertSame(f, entryAt(w[0].mapping, i), "index " + i);
        }
        assertNull(w[0].cache.peek(SwpEntry.of(0, S + 5)), "it left the swap cache");
        assertFalse(f.peekFlag(PageFlags.PG_swapcache));
        assertEquals(16, f.peekRefcount());
        for (long off = S; off < S + 16; off++) {
          assertEquals(0, w[0].si.peekCount(off));
          assertFalse(w[0].si.peekHasCache(off));
        }
      }
    }
  }

  @Test
  void pageoutOfALargeShmemFolioLeavesOneOrderFourSwapEntryAndTheFolioCached() {
    World[] w = new World[1];
    StepRun.Driver[] d = new StepRun.Driver[1];
    Machine m = run(mach -> {
      w[0] = new World(mach);
      Folio f = w[0].folio = Folio.create(mach, "folio@pfn:0x9000", 0x9000, 0, 4, 17);
      f.initFlags(PageFlags.PG_locked, PageFlags.PG_uptodate, PageFlags.PG_dirty,
          PageFlags.PG_lru, PageFlags.PG_swapbacked);
      w[0].mapping.addAtSetUp(f);
      return d[0] = new StepRun.Driver(new VmscanSwap.PageoutLocked().on(f, w[0].inode,
          w[0].cache));
    }, ChoiceOracle.ORDINARY);
    assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
    assertEquals(VmscanSwap.PageoutT.PAGE_SUCCESS, d[0].result);
    Folio f = w[0].folio;
    assertEquals(SwpEntry.of(0, S).toRadix(), entryAt(w[0].mapping, 7),
        "the allocator handed out the first free aligned run");
    assertEquals(4, orderAt(w[0].mapping, 7));
    assertSame(f, w[0].cache.peek(SwpEntry.of(0, S + 15)));
    assertEquals(SwpEntry.of(0, S), f.peekSwap());
    assertNull(f.peekMapping());
    assertEquals(16, f.peekRefcount(), "the swap cache's references");
    assertFalse(f.peekFlag(PageFlags.PG_locked));
    assertFalse(f.peekFlag(PageFlags.PG_writeback), "zram writes synchronously");
    assertFalse(f.peekFlag(PageFlags.PG_dirty));
    for (long off = S; off < S + 16; off++) {
      assertEquals(1, w[0].si.peekCount(off), "the mapping's reference");
      assertTrue(w[0].si.peekHasCache(off));
    }
  }

  /**
   * Kairui Song's v5 review (kernel-notes/mm-paths.md E.8, S5 step 4-5): slot S was freed and
   * reused by an anonymous folio in the swap cache, while the mapping now holds another folio.
   * v5's swap-in of the stale entry writes the anonymous folio's mapping; v6 does not touch it.
   */
  @Test
  void aStaleSwapInHijacksAnAnonymousFolioInV5Only() {
    for (Shmem.SwapinVersion v : new Shmem.SwapinVersion[] {Shmem.SwapinVersion.V5,
        Shmem.SwapinVersion.V6_17}) {
      World[] w = new World[1];
      Folio[] anon = new Folio[1];
      MmStruct[] q = new MmStruct[1];
      StepRun.Driver[] d = new StepRun.Driver[1];
      Machine m = run(mach -> {
        w[0] = new World(mach);
        Folio p = Folio.create(mach, "folio@pfn:0x8000", 0x8000, 7, 0, 1);
        p.initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty, PageFlags.PG_swapbacked);
        w[0].mapping.addAtSetUp(p);
        q[0] = new MmStruct(mach, "q");
        anon[0] = Folio.create(mach, "folio@pfn:0x61a20", 0x61a20, 0x7f3a2, 0, 2)
            .initAnon(q[0].anonVma()).initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty);
        q[0].mapAtSetUp(anon[0].page(0));
        w[0].cache.addAtSetUp(anon[0], SwpEntry.of(0, S));
        w[0].si.initUsed(S, 1, 1);
        w[0].si.initCache(S, 1);
        return d[0] = new StepRun.Driver(new Shmem.ShmemSwapinFolio(v)
            .on(w[0].inode, 7, SwpEntry.of(0, S).toRadix()));
      }, ChoiceOracle.ORDINARY);
      assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
      assertEquals(ErrPtr.EEXIST, d[0].result, v.label());
      if (v == Shmem.SwapinVersion.V5) {
        assertNull(anon[0].peekMappingWord(), "v5: shmem_add_to_page_cache overwrote it");
        assertEquals(7, anon[0].peekIndex());
        assertEquals(MmStruct.MM_SHMEMPAGES, MmStruct.mmCounter(anon[0]));
        assertEquals("BUG: Bad rss-counter state mm:q type:MM_ANONPAGES val:1\n"
            + "BUG: Bad rss-counter state mm:q type:MM_SHMEMPAGES val:-1", q[0].exitMmap());
      } else {
        assertSame(q[0].anonVma(), anon[0].peekMappingWord(), "v6: shmem_confirm_swap first");
        assertEquals(0x7f3a2, anon[0].peekIndex());
        assertNull(q[0].exitMmap());
      }
      assertEquals(2, anon[0].peekRefcount(), "the lookup's reference was dropped");
      assertFalse(anon[0].peekFlag(PageFlags.PG_locked));
    }
  }

  /** Five swap-map operations in a row, one step each. */
  static final class SwapMapOps extends Routine<SwapMapOps.Pc> {
    enum Pc { prepare_one, prepare_two, free_zero, alloc_zero, alloc_two }

    final SwapInfo si;
    final int[] err = new int[2];
    final SwpEntry[] got = new SwpEntry[2];

    SwapMapOps(SwapInfo si) {
      super(io.foliolab.sim.StepNames.of("swap_map_ops", Pc.class));
      this.si = si;
    }

    @Override
    protected void step(io.foliolab.sim.Cpu cpu) {
      switch (pc) {
        case prepare_one:
          err[0] = si.swapcachePrepare(cpu, SwpEntry.of(0, 1), 1);
          pc = Pc.prepare_two;
          return;
        case prepare_two:
          err[1] = si.swapcachePrepare(cpu, SwpEntry.of(0, 0), 2);
          pc = Pc.free_zero;
          return;
        case free_zero:
          si.swapFreeNr(cpu, SwpEntry.of(0, 0), 1);
          pc = Pc.alloc_zero;
          return;
        case alloc_zero:
          got[0] = si.allocHasCache(cpu, 0);
          pc = Pc.alloc_two;
          return;
        case alloc_two:
          got[1] = si.allocHasCache(cpu, 2);
          cpu.ret();
          return;
      }
    }
  }

  @Test
  void swapMapOperationsFollowSwapHasCache() {
    SwapMapOps[] ops = new SwapMapOps[1];
    Machine m = run(mach -> {
      SwapInfo si = new SwapInfo(mach, 0, 8, true);
      si.initUsed(0, 2, 1);
      return ops[0] = new SwapMapOps(si);
    }, ChoiceOracle.ORDINARY);
    assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
    assertEquals(0, ops[0].err[0], "the first swapcache_prepare owns slot 1");
    assertEquals(ErrPtr.EEXIST, ops[0].err[1], "slot 1 already has SWAP_HAS_CACHE");
    assertEquals(SwpEntry.of(0, 0), ops[0].got[0], "slot 0 was just freed: handed out again");
    assertEquals(SwpEntry.of(0, 4), ops[0].got[1], "order 2: the first free aligned run");
    assertTrue(ops[0].si.peekHasCache(1));
    assertEquals(1, ops[0].si.peekCount(1));
    assertTrue(ops[0].si.peekHasCache(0));
    assertEquals(0, ops[0].si.peekCount(0), "a fresh allocation holds only SWAP_HAS_CACHE");
  }

  /**
   * Reclaim of an anonymous folio on a device whose write succeeds: add_to_swap, try_to_unmap,
   * pageout, and __remove_mapping frees it; the page table keeps a swap entry. With a failing
   * write it stays dirty in the swap cache (the shmem-anon-hijack set-up).
   */
  @Test
  void reclaimOfAnAnonymousFolioSwapsItOutOrKeepsItCachedWhenTheWriteFails() {
    for (boolean fail : new boolean[] {false, true}) {
      World[] w = new World[1];
      Folio[] anon = new Folio[1];
      MmStruct[] q = new MmStruct[1];
      StepRun.Driver[] d = new StepRun.Driver[1];
      Machine m = run(mach -> {
        w[0] = new World(mach);
        w[0].si.failWrites(fail);
        q[0] = new MmStruct(mach, "q");
        anon[0] = Folio.create(mach, "folio@pfn:0x61a20", 0x61a20, 0x7f3a2, 0, 1)
            .initAnon(q[0].anonVma()).initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty,
                PageFlags.PG_lru);
        int pte = q[0].mapAtSetUp(anon[0].page(0));
        return d[0] = new StepRun.Driver(new VmscanSwap.ShrinkFolio().on(anon[0], null,
            w[0].cache, q[0], pte));
      }, ChoiceOracle.ORDINARY);
      assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
      SwpEntry slot = SwpEntry.of(0, 16);
      assertEquals(slot, q[0].peekPte(0), "the page table holds the swap entry");
      assertEquals(0, q[0].peekCounter(MmStruct.MM_ANONPAGES));
      assertEquals(1, q[0].peekCounter(MmStruct.MM_SWAPENTS));
      assertEquals(1, w[0].si.peekCount(16), "the page table's reference to the slot");
      if (!fail) {
        assertEquals(1, d[0].result, "reclaimed");
        assertEquals(0, anon[0].peekRefcount(), "frozen, to be freed");
        assertNull(w[0].cache.peek(slot));
        assertFalse(w[0].si.peekHasCache(16));
        assertFalse(anon[0].peekFlag(PageFlags.PG_swapcache));
      } else {
        assertEquals(0, d[0].result, "kept");
        assertSame(anon[0], w[0].cache.peek(slot), "still in the swap cache");
        assertTrue(w[0].si.peekHasCache(16));
        assertTrue(anon[0].peekFlag(PageFlags.PG_dirty), "redirtied by the write error");
        assertEquals(1, anon[0].peekRefcount(), "the swap cache's reference");
        assertFalse(anon[0].peekFlag(PageFlags.PG_locked));
        assertTrue(anon[0].peekFlag(PageFlags.PG_lru), "back on the LRU");
      }
    }
  }
}
