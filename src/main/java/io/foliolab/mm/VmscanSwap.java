package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;

/**
 * Reclaim of swap-backed folios (mm/vmscan.c, with the swap-out helpers of mm/swapfile.c,
 * mm/page_io.c and mm/rmap.c it calls), v6.16: {@code shrink_folio_list} for one folio,
 * {@code pageout}, {@code folio_alloc_swap}, {@code swap_writeout} and {@code try_to_unmap} of an
 * anonymous folio mapped by one page-table entry; {@code __remove_mapping} of a swap-cache folio
 * is the swap branch of {@link Vmscan.RemoveMapping}. Kept apart from {@link Vmscan} (page-cache
 * folios, v6.9) so that the two can be developed side by side; both model mm/vmscan.c.
 *
 * <p>Not modelled: the LRU lists themselves ({@code PG_lru} stands for being on one), the
 * page-table lock (the only modelled writers of a page-table entry are this CPU's
 * {@code try_to_unmap} and the owning process's fault, which runs only after it), memcg,
 * statistics, {@code PG_reclaim}, zswap (never enabled), workingset shadows in the swap cache.
 */
public final class VmscanSwap {
  private VmscanSwap() {}

  /** {@code AOP_WRITEPAGE_ACTIVATE}: the writeout kept the folio (locked) and wants it active. */
  public static final int AOP_WRITEPAGE_ACTIVATE = 0x80000;

  /** {@code pageout_t} (mm/vmscan.c, v6.16). */
  public enum PageoutT {
    /** The folio cannot be freed now (e.g. an extra reference). */
    PAGE_KEEP,
    /** Move it to the active list. */
    PAGE_ACTIVATE,
    /** The write was started (and, on a synchronous device, finished). */
    PAGE_SUCCESS,
    /** The folio was clean. */
    PAGE_CLEAN
  }

  // ===============================================================================================

  /**
   * {@code folio_alloc_swap(folio, gfp)} (mm/swapfile.c, v6.16), folio locked and uptodate: the
   * slot allocation ({@link SwapInfo#allocHasCache}: a naturally aligned run of
   * {@code folio_nr_pages} slots marked {@code SWAP_HAS_CACHE}; none: {@code -ENOMEM}), then
   * {@link SwapState.AddToSwapCache}. Returns 0 or {@code -ENOMEM}. Context: folio locked.
   */
  public static final class FolioAllocSwap extends Routine<FolioAllocSwap.Pc> {
    /** Steps. */
    public enum Pc { swap_alloc, add_to_swap_cache, added }

    private static final StepNames<Pc> NAMES = StepNames.of("folio_alloc_swap", Pc.class);
    private final SwapState.AddToSwapCache add = new SwapState.AddToSwapCache();
    private SwapState cache;
    private Folio folio;
    private SwpEntry entry;

    public FolioAllocSwap() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public FolioAllocSwap on(SwapState cache, Folio folio) {
      this.cache = checkNotNull(cache, "cache");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case swap_alloc:
          // The folio is locked by this CPU: order and these flags are stable.
          SwapState.bugOnFolio(cpu, !folio.peekFlag(PageFlags.PG_locked), folio,
              "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)");
          SwapState.bugOnFolio(cpu, !folio.peekFlag(PageFlags.PG_uptodate), folio,
              "VM_BUG_ON_FOLIO(!folio_test_uptodate(folio), folio)");
          entry = cache.swapInfo().allocHasCache(cpu, folio.peekOrder());
          if (entry == null) {
            cpu.ret(ErrPtr.ENOMEM);
            return;
          }
          pc = Pc.add_to_swap_cache;
          return;
        case add_to_swap_cache:
          call(cpu, add.on(cache, folio, entry), Pc.added);
          return;
        case added:
          cpu.ret(0);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code swap_writeout(folio, plug)} (mm/page_io.c, v6.16) on a {@code SWP_SYNCHRONOUS_IO}
   * device (zram), folio locked, in the swap cache: {@code folio_free_swap} first (if no page
   * table or mapping references its slots any more, drop it from the swap cache instead of
   * writing: not reached in the scenarios, where someone always does; it would throw);
   * {@code __swap_writepage} → {@code swap_writepage_bdev_sync}: {@code folio_start_writeback},
   * {@code folio_unlock}, the write, {@code __end_swap_bio_write}: on a write error (the device
   * refuses the write: {@link SwapInfo#writeFails}) {@code folio_mark_dirty} (the data must be
   * written again; the folio stays in the swap cache), then {@code folio_end_writeback}. Returns
   * 0 with the folio unlocked. Context: folio locked on entry.
   */
  public static final class SwapWriteout extends Routine<SwapWriteout.Pc> {
    /** Steps. */
    public enum Pc { folio_free_swap, folio_start_writeback, folio_unlock, write_error,
      folio_end_writeback }

    private static final StepNames<Pc> NAMES = StepNames.of("swap_writeout", Pc.class);
    private SwapInfo si;
    private Folio folio;

    public SwapWriteout() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public SwapWriteout on(SwapInfo si, Folio folio) {
      this.si = checkNotNull(si, "si");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_free_swap:
          // folio->swap of a locked swap-cache folio is stable.
          if (!si.folioSwapped(cpu, folio.peekSwap(), (int) folio.peekNrPages())) {
            throw new IllegalStateException("swap_writeout: folio_free_swap would drop "
                + folio + " from the swap cache (no references left): not modelled");
          }
          pc = Pc.folio_start_writeback;
          return;
        case folio_start_writeback:
          folio.set(cpu, PageFlags.PG_writeback);
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          pc = si.writeFails() ? Pc.write_error : Pc.folio_end_writeback;
          return;
        case write_error:
          // __end_swap_bio_write: "Write-error on swap-device": folio_mark_dirty.
          folio.testAndSet(cpu, PageFlags.PG_dirty);
          pc = Pc.folio_end_writeback;
          return;
        case folio_end_writeback:
          folio.clear(cpu, PageFlags.PG_writeback);
          cpu.ret(0);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code try_to_unmap(folio, TTU_BATCH_FLUSH)} (mm/rmap.c, v6.16) of an anonymous folio in the
   * swap cache mapped by one page-table entry of {@code mm}: the rmap walk starts from
   * {@code folio->mapping} (one load; not an anon_vma: nothing to walk); then
   * {@code try_to_unmap_one}: {@code swap_duplicate(entry)} (the page table's reference to the
   * slot), the entry becomes a swap entry (clear and set under the page-table lock: one step),
   * {@code dec_mm_counter(mm, MM_ANONPAGES)}, {@code inc_mm_counter(mm, MM_SWAPENTS)},
   * {@code folio_remove_rmap_pte} ({@code _mapcount} - 1), {@code folio_put} (the mapping's
   * reference). Returns nothing. Context: folio locked.
   */
  public static final class TryToUnmap extends Routine<TryToUnmap.Pc> {
    /** Steps. */
    public enum Pc { rmap_walk_anon, swap_duplicate, set_pte, dec_anon, inc_swapents,
      folio_remove_rmap_pte, folio_put }

    private static final StepNames<Pc> NAMES = StepNames.of("try_to_unmap", Pc.class);
    private Folio folio;
    private MmStruct mm;
    private int pte;
    private SwapInfo si;
    private SwpEntry entry;

    public TryToUnmap() {
      super(NAMES);
    }

    /** Binds the arguments: {@code folio} is mapped by entry {@code pte} of {@code mm}. */
    public TryToUnmap on(Folio folio, MmStruct mm, int pte, SwapInfo si) {
      this.folio = checkNotNull(folio, "folio");
      this.mm = checkNotNull(mm, "mm");
      this.pte = pte;
      this.si = checkNotNull(si, "si");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rmap_walk_anon:
          if (!folio.testAnon(cpu)) {
            cpu.ret();
            return;
          }
          // page_swap_entry(): folio->swap of a locked swap-cache folio is stable.
          entry = folio.peekSwap();
          pc = Pc.swap_duplicate;
          return;
        case swap_duplicate:
          si.swapDuplicateNr(cpu, entry, 1);
          pc = Pc.set_pte;
          return;
        case set_pte:
          mm.setPte(cpu, pte, entry);
          pc = Pc.dec_anon;
          return;
        case dec_anon:
          mm.addCounter(cpu, MmStruct.MM_ANONPAGES, -1);
          pc = Pc.inc_swapents;
          return;
        case inc_swapents:
          mm.addCounter(cpu, MmStruct.MM_SWAPENTS, 1);
          pc = Pc.folio_remove_rmap_pte;
          return;
        case folio_remove_rmap_pte:
          cpu.atomicAdd(folio.mapcount, -1);
          pc = Pc.folio_put;
          return;
        case folio_put:
          folio.put(cpu);
          cpu.ret();
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code pageout(folio, mapping, plug, folio_list)} (mm/vmscan.c, v6.16), folio locked:
   * {@code is_page_cache_freeable} (refcount, less {@code PG_private}, must be
   * {@code 1 + folio_nr_pages}: only the isolation and the cache hold it; else {@code PAGE_KEEP});
   * {@code folio_clear_dirty_for_io} (was clean: {@code PAGE_CLEAN}); the writeout:
   * {@link Shmem.ShmemWriteout} for a shmem folio, {@link SwapWriteout} for a swap-cache one;
   * {@code AOP_WRITEPAGE_ACTIVATE}: {@code PAGE_ACTIVATE}; else {@code PAGE_SUCCESS} (the folio
   * unlocked by the writeout). Returns a {@link PageoutT}. Context: folio locked on entry.
   */
  public static final class Pageout extends Routine<Pageout.Pc> {
    /** Steps. */
    public enum Pc { is_page_cache_freeable, folio_clear_dirty_for_io, writeout, written }

    private static final StepNames<Pc> NAMES = StepNames.of("pageout", Pc.class);
    private final Shmem.ShmemWriteout shmemWriteout = new Shmem.ShmemWriteout();
    private final SwapWriteout swapWriteout = new SwapWriteout();
    private Folio folio;
    private Shmem.Inode shmem;
    private SwapState cache;

    public Pageout() {
      super(NAMES);
    }

    /**
     * Binds the arguments: {@code shmem} is the folio's shmem inode if it is a shmem page-cache
     * folio, null if it is in the swap cache {@code cache}.
     */
    public Pageout on(Folio folio, Shmem.Inode shmem, SwapState cache) {
      this.folio = checkNotNull(folio, "folio");
      this.shmem = shmem;
      this.cache = checkNotNull(cache, "cache");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case is_page_cache_freeable: {
          long count = folio.refCount(cpu);
          // PG_private and the order of a locked folio are stable.
          long priv = folio.peekFlag(PageFlags.PG_private) ? 1 : 0;
          if (count - priv != 1 + folio.peekNrPages()) {
            cpu.ret(PageoutT.PAGE_KEEP);
            return;
          }
          pc = Pc.folio_clear_dirty_for_io;
          return;
        }
        case folio_clear_dirty_for_io:
          if (!folio.testAndClear(cpu, PageFlags.PG_dirty)) {
            cpu.ret(PageoutT.PAGE_CLEAN);
            return;
          }
          pc = Pc.writeout;
          return;
        case writeout:
          if (shmem != null) {
            call(cpu, shmemWriteout.on(shmem, folio), Pc.written);
          } else {
            call(cpu, swapWriteout.on(cache.swapInfo(), folio), Pc.written);
          }
          return;
        case written:
          cpu.ret((Integer) cpu.retval() == AOP_WRITEPAGE_ACTIVATE ? PageoutT.PAGE_ACTIVATE
              : PageoutT.PAGE_SUCCESS);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * Reclaim of one swap-backed folio: its isolation by {@code isolate_lru_folios} (on the LRU:
   * {@code folio_try_get}, {@code folio_test_clear_lru}) and {@code shrink_folio_list}
   * (mm/vmscan.c, v6.16) for it, taking the swap-out route:
   * <ol>
   *   <li>{@code folio_trylock} (else {@code keep}); under writeback: {@code keep_locked};
   *   <li>an anonymous folio not yet in the swap cache: {@code folio_maybe_dma_pinned} (refcount
   *       at least {@code GUP_PIN_COUNTING_BIAS}: {@code keep_locked}); {@code add_to_swap}
   *       ({@link FolioAllocSwap}; failure: {@code activate_locked}), {@code folio_mark_dirty};
   *   <li>mapped: {@link TryToUnmap} of the page-table entry the caller names; still mapped:
   *       {@code activate_locked};
   *   <li>dirty: {@link Pageout}: {@code PAGE_KEEP}: {@code keep_locked}; {@code PAGE_ACTIVATE}:
   *       {@code activate_locked}; {@code PAGE_SUCCESS}: writeback or dirty again:
   *       {@code keep}; {@code folio_trylock} (else {@code keep}); dirty or writeback:
   *       {@code keep_locked}; {@code PAGE_CLEAN} falls through;
   *   <li>in the swap cache: {@link Vmscan.RemoveMapping} (0: {@code keep_locked}); success:
   *       {@code folio_unlock}, {@code free_it} (the folio stays frozen at 0: freed);
   *   <li>{@code activate_locked} / {@code keep_locked:} {@code folio_unlock}; {@code keep:} back
   *       on the LRU ({@code folio_set_lru}) and the isolation reference dropped.
   * </ol>
   * Returns the number of folios reclaimed (0 or 1). Context: kswapd or direct reclaim.
   *
   * <p>The isolation and keep steps are those of {@link Vmscan.ShrinkInactiveList} (a file
   * folio, v6.9), kept as separate steps because the two routines' labels differ
   * ({@code shrink_folio_list:*} here, {@code shrink_inactive_list:*} there).
   */
  public static final class ShrinkFolio extends Routine<ShrinkFolio.Pc> {
    /** Steps, named after the kernel's labels where it has one. */
    public enum Pc { folio_test_lru, folio_try_get, folio_test_clear_lru, isolate_put,
      folio_trylock, folio_test_writeback, folio_test_anon, folio_test_swapcache,
      folio_maybe_dma_pinned, add_to_swap, add_to_swap_done, folio_mark_dirty, folio_mapped,
      try_to_unmap, unmapped, folio_test_dirty, pageout, pageout_done, success_writeback,
      success_dirty, success_trylock, success_recheck, success_recheck_writeback,
      remove_mapping, removed, free_unlock,
      keep_locked, keep, putback_put }

    private static final StepNames<Pc> NAMES = StepNames.of("shrink_folio_list", Pc.class);
    private final FolioAllocSwap allocSwap = new FolioAllocSwap();
    private final TryToUnmap unmap = new TryToUnmap();
    private final Pageout pageout = new Pageout();
    private final Vmscan.RemoveMapping remove = new Vmscan.RemoveMapping();
    private Folio folio;
    private Shmem.Inode shmem;
    private SwapState cache;
    private MmStruct mm;
    private int pte;
    private boolean anon;

    public ShrinkFolio() {
      super(NAMES);
    }

    /**
     * Binds the arguments: reclaim {@code folio}, a shmem folio of {@code shmem} or (with
     * {@code shmem} null) an anonymous folio mapped by entry {@code pte} of {@code mm}, swapping
     * out to {@code cache}'s device.
     */
    public ShrinkFolio on(Folio folio, Shmem.Inode shmem, SwapState cache, MmStruct mm,
        int pte) {
      this.folio = checkNotNull(folio, "folio");
      this.shmem = shmem;
      this.cache = checkNotNull(cache, "cache");
      checkArgument(shmem != null || mm != null, "an anonymous folio needs its mm");
      this.mm = mm;
      this.pte = pte;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_test_lru:
          if (!folio.test(cpu, PageFlags.PG_lru)) {
            cpu.ret(0);
            return;
          }
          pc = Pc.folio_try_get;
          return;
        case folio_try_get:
          if (!folio.tryGet(cpu)) {
            cpu.ret(0);
            return;
          }
          pc = Pc.folio_test_clear_lru;
          return;
        case folio_test_clear_lru:
          pc = folio.testAndClear(cpu, PageFlags.PG_lru) ? Pc.folio_trylock : Pc.isolate_put;
          return;
        case isolate_put:
          folio.put(cpu);
          cpu.ret(0);
          return;
        case folio_trylock:
          pc = folio.trylock(cpu) ? Pc.folio_test_writeback : Pc.keep;
          return;
        case folio_test_writeback:
          pc = folio.test(cpu, PageFlags.PG_writeback) ? Pc.keep_locked : Pc.folio_test_anon;
          return;
        case folio_test_anon:
          anon = folio.testAnon(cpu);
          // PG_swapbacked of a locked folio is stable.
          pc = anon && folio.peekFlag(PageFlags.PG_swapbacked) ? Pc.folio_test_swapcache
              : Pc.folio_mapped;
          return;
        case folio_test_swapcache:
          pc = folio.test(cpu, PageFlags.PG_swapcache) ? Pc.folio_mapped
              : Pc.folio_maybe_dma_pinned;
          return;
        case folio_maybe_dma_pinned:
          pc = folio.refCount(cpu) >= GUP_PIN_COUNTING_BIAS ? Pc.keep_locked : Pc.add_to_swap;
          return;
        case add_to_swap:
          call(cpu, allocSwap.on(cache, folio), Pc.add_to_swap_done);
          return;
        case add_to_swap_done:
          pc = (Integer) cpu.retval() != 0 ? Pc.keep_locked : Pc.folio_mark_dirty;
          return;
        case folio_mark_dirty:
          // swap_aops.dirty_folio = noop_dirty_folio: only PG_dirty.
          folio.testAndSet(cpu, PageFlags.PG_dirty);
          pc = Pc.folio_mapped;
          return;
        case folio_mapped:
          pc = folio.mapcountRead(cpu) > 0 ? Pc.try_to_unmap : Pc.folio_test_dirty;
          return;
        case try_to_unmap:
          checkArgument(mm != null, "%s is mapped but no mm was given", folio);
          call(cpu, unmap.on(folio, mm, pte, cache.swapInfo()), Pc.unmapped);
          return;
        case unmapped:
          pc = folio.mapcountRead(cpu) > 0 ? Pc.keep_locked : Pc.folio_test_dirty;
          return;
        case folio_test_dirty:
          pc = folio.test(cpu, PageFlags.PG_dirty) ? Pc.pageout : Pc.remove_mapping;
          return;
        case pageout:
          call(cpu, pageout.on(folio, anon ? null : shmem, cache), Pc.pageout_done);
          return;
        case pageout_done:
          switch ((PageoutT) cpu.retval()) {
            case PAGE_KEEP:
            case PAGE_ACTIVATE:
              pc = Pc.keep_locked;
              return;
            case PAGE_SUCCESS:
              pc = Pc.success_writeback;
              return;
            default:
              pc = Pc.remove_mapping;
              return;
          }
        case success_writeback:
          pc = folio.test(cpu, PageFlags.PG_writeback) ? Pc.keep : Pc.success_dirty;
          return;
        case success_dirty:
          pc = folio.test(cpu, PageFlags.PG_dirty) ? Pc.keep : Pc.success_trylock;
          return;
        case success_trylock:
          pc = folio.trylock(cpu) ? Pc.success_recheck : Pc.keep;
          return;
        case success_recheck:
          pc = folio.test(cpu, PageFlags.PG_dirty) ? Pc.keep_locked
              : Pc.success_recheck_writeback;
          return;
        case success_recheck_writeback:
          pc = folio.test(cpu, PageFlags.PG_writeback) ? Pc.keep_locked : Pc.remove_mapping;
          return;
        case remove_mapping:
          // folio_mapping(): PG_swapcache of a locked folio is stable.
          if (!folio.peekFlag(PageFlags.PG_swapcache)) {
            throw new UnsupportedOperationException("shrink_folio_list: freeing a clean"
                + " page-cache folio (" + folio + ") is not modelled here");
          }
          call(cpu, remove.on(cache, folio), Pc.removed);
          return;
        case removed:
          pc = (Integer) cpu.retval() == 1 ? Pc.free_unlock : Pc.keep_locked;
          return;
        case free_unlock:
          folio.unlock(cpu);
          cpu.ret(1);
          return;
        case keep_locked:
          folio.unlock(cpu);
          pc = Pc.keep;
          return;
        case keep:
          folio.set(cpu, PageFlags.PG_lru);
          pc = Pc.putback_put;
          return;
        case putback_put:
          folio.put(cpu);
          cpu.ret(0);
          return;
      }
    }
  }

  /**
   * The part of {@code shrink_folio_list} (mm/vmscan.c, v6.16) from {@code pageout} on, for a
   * dirty swap-backed folio the caller holds locked and referenced (in place of reclaim's
   * isolation reference): {@link Pageout}; {@code PAGE_SUCCESS}: the writeout unlocked the folio,
   * which stays in the swap cache (this pass does not go on to free it: {@code keep});
   * otherwise {@code keep_locked}: {@code folio_unlock}. Then the caller's reference is dropped
   * ({@code folio_put}, as {@code move_folios_to_lru} drops the isolation reference). Returns the
   * {@link PageoutT}. Context: folio locked on entry.
   */
  public static final class PageoutLocked extends Routine<PageoutLocked.Pc> {
    /** Steps. */
    public enum Pc { pageout, pageout_done, keep_locked, keep }

    private static final StepNames<Pc> NAMES = StepNames.of("shrink_folio_list", Pc.class);
    private final Pageout pageout = new Pageout();
    private Folio folio;
    private Shmem.Inode shmem;
    private SwapState cache;
    private PageoutT result;

    public PageoutLocked() {
      super(NAMES);
    }

    /** Binds the arguments: {@code folio} of {@code shmem} (or null: in {@code cache}). */
    public PageoutLocked on(Folio folio, Shmem.Inode shmem, SwapState cache) {
      this.folio = checkNotNull(folio, "folio");
      this.shmem = shmem;
      this.cache = checkNotNull(cache, "cache");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case pageout:
          call(cpu, pageout.on(folio, shmem, cache), Pc.pageout_done);
          return;
        case pageout_done:
          result = (PageoutT) cpu.retval();
          pc = result == PageoutT.PAGE_SUCCESS ? Pc.keep : Pc.keep_locked;
          return;
        case keep_locked:
          folio.unlock(cpu);
          pc = Pc.keep;
          return;
        case keep:
          folio.put(cpu);
          cpu.ret(result);
          return;
      }
    }
  }

  /** {@code GUP_PIN_COUNTING_BIAS} (include/linux/mm.h). */
  public static final long GUP_PIN_COUNTING_BIAS = 1L << 10;
}
