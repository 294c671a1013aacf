package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XaValue;

/**
 * mm/vmscan.c, v6.9 (the swap-cache branch of {@code __remove_mapping}: v6.16): page reclaim
 * evicting a clean page-cache folio and leaving a workingset shadow
 * entry behind, or a clean swap-cache folio ({@code __remove_mapping}, both branches), and the
 * piece of {@code shrink_inactive_list} that takes one file folio off the LRU, tries to free it,
 * and puts it back if it cannot. The swap-out side of reclaim is in {@link VmscanSwap}.
 */
public final class Vmscan {
  private Vmscan() {}

  /** The memory-pressure event that wakes reclaim (kswapd or direct reclaim) in a scenario. */
  public static final ChoicePoint RECLAIM = ChoicePoint.agent("reclaim");

  /** {@code eviction}, the workingset eviction counter a shadow entry records, if it is >= 0. */
  private static long checkEviction(long eviction) {
    checkArgument(eviction >= 0, "eviction counter %s must be >= 0", eviction);
    return eviction;
  }

  // ===============================================================================================

  /**
   * {@code __remove_mapping(mapping, folio, reclaimed = true, target_memcg)} (mm/vmscan.c) for a
   * folio locked and isolated by the caller (which holds the isolation reference): a page-cache
   * folio (v6.9; unchanged in what is modelled through v6.18), bound with
   * {@link #on(AddressSpace, Folio, long)}, or a swap-cache folio (v6.16, the swap cache before the
   * 6.18 swap-table rework), bound with {@link #on(SwapState, Folio)}.
   *
   * <ol>
   *   <li>{@code xa_lock_irq(&mapping->i_pages)} (the swap cache's for a swap-cache folio);
   *       {@code BUG_ON(!folio_test_locked(folio))};
   *   <li>the refcount freeze protocol: {@code folio_ref_freeze(folio, 1 + folio_nr_pages)} (the
   *       cache's references plus the isolation reference; any other holder, e.g. a lockless
   *       lookup that took a speculative reference, makes it fail: {@code cannot_free});
   *   <li>{@code folio_test_dirty} after the freeze (the atomic orders it): dirty means
   *       {@code folio_ref_unfreeze} and {@code cannot_free};
   *   <li>{@code folio_test_swapcache(folio)} (stable under the folio lock; here, which cache the
   *       call was bound to) chooses the branch:
   *       <ul>
   *         <li>page cache: {@code shadow = workingset_eviction(folio, target_memcg)}, here the
   *             value entry {@link Workingset#packShadow} of the eviction counter the caller
   *             passes (the kernel reads and advances the lruvec's non-resident age; modelled as
   *             a constant); {@code __filemap_remove_folio(folio, shadow)} (stores the shadow
   *             over the folio's range, clears {@code folio->mapping}); {@code xa_unlock_irq};
   *         <li>swap cache: {@link SwapState.DeleteFromSwapCacheLocked} (no shadow: workingset
   *             shadows in the swap cache are not modelled); {@code xa_unlock_irq};
   *             {@code put_swap_folio};
   *       </ul>
   *   <li>return 1 (the folio stays frozen at 0 and is freed by the caller).
   *       {@code cannot_free:} {@code xa_unlock_irq}; return 0.
   * </ol>
   *
   * The inode's {@code i_lock}, taken around the xa_lock for a page-cache folio, is not modelled
   * (no other modelled path takes it), nor are the memcg and {@code inode_add_lru} bookkeeping,
   * nor {@code a_ops->free_folio} (none for XFS). Returns 1 or 0 ({@link Cpu#retval()}). Context:
   * folio locked; takes the mapping's (or swap cache's) xa_lock, and the swap cluster lock for
   * {@code put_swap_folio}.
   */
  public static final class RemoveMapping extends Routine<RemoveMapping.Pc> {
    /** Steps. */
    public enum Pc { xa_lock_irq, folio_ref_freeze, folio_test_dirty, folio_ref_unfreeze,
      remove, delete_from_swap_cache, xa_unlock_irq, put_swap_folio, cannot_free }

    private static final StepNames<Pc> NAMES = StepNames.of("__remove_mapping", Pc.class);
    private final Filemap.FilemapRemoveFolio removeFolio = new Filemap.FilemapRemoveFolio();
    private final SwapState.DeleteFromSwapCacheLocked deleteFromSwapCache =
        new SwapState.DeleteFromSwapCacheLocked();
    /** The page cache of a page-cache folio, or null. */
    private AddressSpace mapping;
    /** The swap cache of a swap-cache folio, or null. */
    private SwapState swapCache;
    private Folio folio;
    private long eviction;
    private long refcount;
    private SwpEntry swap;

    public RemoveMapping() {
      super(NAMES);
    }

    /**
     * Binds the arguments for the next call, for a page-cache folio of {@code mapping};
     * {@code eviction} is the workingset eviction counter the shadow entry records.
     */
    public RemoveMapping on(AddressSpace mapping, Folio folio, long eviction) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.swapCache = null;
      this.folio = checkNotNull(folio, "folio");
      this.eviction = checkEviction(eviction);
      return this;
    }

    /** Binds the arguments for the next call, for a folio in the swap cache {@code cache}. */
    public RemoveMapping on(SwapState cache, Folio folio) {
      this.mapping = null;
      this.swapCache = checkNotNull(cache, "cache");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    private void xaUnlockIrq(Cpu cpu) {
      if (swapCache != null) {
        cpu.unlock(swapCache.xaLock());
      } else {
        mapping.xaUnlockIrq(cpu);
      }
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xa_lock_irq:
          if (swapCache != null) {
            cpu.lock(swapCache.xaLock());
          } else {
            mapping.xaLockIrq(cpu);
          }
          // BUG_ON(!folio_test_locked(folio)): the caller holds the folio lock; no other CPU
          // can clear it, so the read is local.
          SwapState.bugOnFolio(cpu, !folio.peekFlag(PageFlags.PG_locked), folio,
              "BUG_ON(!folio_test_locked(folio))");
          pc = Pc.folio_ref_freeze;
          return;
        case folio_ref_freeze: {
          // refcount = 1 + folio_nr_pages(folio); the order of a locked folio cannot change.
          long count = 1 + folio.peekNrPages();
          boolean frozen = folio.refFreeze(cpu, count);
          refcount = count;
          pc = frozen ? Pc.folio_test_dirty : Pc.cannot_free;
          return;
        }
        case folio_test_dirty:
          if (folio.test(cpu, PageFlags.PG_dirty)) {
            pc = Pc.folio_ref_unfreeze;
          } else {
            pc = swapCache != null ? Pc.delete_from_swap_cache : Pc.remove;
          }
          return;
        case folio_ref_unfreeze:
          folio.refUnfreeze(cpu, refcount);
          pc = Pc.cannot_free;
          return;
        case remove: {
          // workingset_eviction(): PG_workingset of a frozen, locked folio cannot change.
          XaValue shadow = Workingset.packShadow(0, 0, eviction,
              folio.peekFlag(PageFlags.PG_workingset));
          call(cpu, removeFolio.on(mapping, folio, shadow), Pc.xa_unlock_irq);
          return;
        }
        case delete_from_swap_cache:
          // folio->swap of a locked, frozen folio is stable.
          swap = folio.peekSwap();
          call(cpu, deleteFromSwapCache.on(swapCache, folio, swap), Pc.xa_unlock_irq);
          return;
        case xa_unlock_irq:
          xaUnlockIrq(cpu);
          if (swapCache != null) {
            pc = Pc.put_swap_folio;
            return;
          }
          cpu.ret(1);
          return;
        case put_swap_folio:
          swapCache.swapInfo().putSwapFolio(cpu, swap, (int) folio.peekNrPages());
          cpu.ret(1);
          return;
        case cannot_free:
          xaUnlockIrq(cpu);
          cpu.ret(0);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * Reclaim of one file folio by {@code shrink_inactive_list} (mm/vmscan.c, v6.9): the part of
   * {@code isolate_lru_folios} that takes the folio off the LRU, {@code shrink_folio_list} for a
   * clean, unmapped page-cache folio, and {@code move_folios_to_lru} for a folio it keeps.
   *
   * <ol>
   *   <li>isolation: the LRU scan finds the folio only if it is on the LRU ({@code PG_lru}
   *       loaded; the LRU list and its {@code lru_lock} are modelled by that bit); then
   *       {@code folio_try_get} (a folio being freed is skipped) and
   *       {@code folio_test_clear_lru} (someone else isolated it first: {@code folio_put},
   *       skip);
   *   <li>{@code shrink_folio_list}: {@code folio_trylock} (else {@code keep}); a folio under
   *       writeback, mapped, or dirty is kept ({@code keep_locked}: the writeback, unmap and
   *       pageout paths are not modelled); {@code mapping = folio_mapping(folio)}, NULL (the folio
   *       was truncated) is kept; {@link RemoveMapping} (0: {@code keep_locked});
   *       success: {@code folio_unlock}, and the frozen folio is freed ({@code free_it}: nothing
   *       more to model, its count stays 0 and its mapping NULL);
   *   <li>{@code keep_locked:} {@code folio_unlock}; {@code keep:} back on the LRU
   *       ({@code folio_set_lru}) and the isolation reference dropped ({@code folio_put}).
   * </ol>
   *
   * Returns the number of folios reclaimed (0 or 1). Context: process (kswapd or direct
   * reclaim); takes the folio lock with trylock and the mapping's xa_lock.
   *
   * <p>{@link VmscanSwap.ShrinkFolio} models the same isolation and keep steps for a swap-backed
   * folio (v6.16, under the labels of {@code shrink_folio_list}); the two stay separate because
   * their step labels, which name the explored executions, differ.
   */
  public static final class ShrinkInactiveList extends Routine<ShrinkInactiveList.Pc> {
    /** Steps. */
    public enum Pc { isolate_lru_folios, folio_try_get, folio_test_clear_lru, isolate_put,
      folio_trylock, folio_test_writeback, folio_mapped, folio_test_dirty, folio_mapping,
      remove_mapping, removed, keep_locked, keep, putback_put }

    private static final StepNames<Pc> NAMES = StepNames.of("shrink_inactive_list", Pc.class);
    private final RemoveMapping removeMapping = new RemoveMapping();
    private Folio folio;
    private long eviction;
    private AddressSpace mapping;

    public ShrinkInactiveList() {
      super(NAMES);
    }

    /** Binds the folio the LRU scan reaches and the eviction counter for its shadow. */
    public ShrinkInactiveList on(Folio folio, long eviction) {
      this.folio = checkNotNull(folio, "folio");
      this.eviction = checkEviction(eviction);
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case isolate_lru_folios:
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
          pc = folio.test(cpu, PageFlags.PG_writeback) ? Pc.keep_locked : Pc.folio_mapped;
          return;
        case folio_mapped:
          pc = folio.mapcountRead(cpu) > 0 ? Pc.keep_locked : Pc.folio_test_dirty;
          return;
        case folio_test_dirty:
          pc = folio.test(cpu, PageFlags.PG_dirty) ? Pc.keep_locked : Pc.folio_mapping;
          return;
        case folio_mapping:
          mapping = folio.readMapping(cpu);
          pc = mapping == null ? Pc.keep_locked : Pc.remove_mapping;
          return;
        case remove_mapping:
          call(cpu, removeMapping.on(mapping, folio, eviction), Pc.removed);
          return;
        case removed:
          if ((Integer) cpu.retval() == 0) {
            pc = Pc.keep_locked;
            return;
          }
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

  // ===============================================================================================

  /**
   * Reclaim as an agent of memory pressure: {@code kswapd} (mm/vmscan.c, v6.9), woken by an
   * allocation that found its zone below the low watermark ({@code wakeup_kswapd}), runs
   * {@code balance_pgdat} → {@code shrink_node} → {@link ShrinkInactiveList}, whose LRU scan
   * reaches the given folio. Whether pressure wakes it is the choice point {@link #RECLAIM}
   * (ordinary: it stays asleep). Returns the number of folios reclaimed. Context: the kswapd
   * kernel thread.
   */
  public static final class Kswapd extends Routine<Kswapd.Pc> {
    /** Steps. */
    public enum Pc { wakeup_kswapd, shrink_inactive_list, done }

    private static final StepNames<Pc> NAMES = StepNames.of("kswapd", Pc.class);
    private final ShrinkInactiveList shrink = new ShrinkInactiveList();
    private Folio folio;
    private long eviction;

    public Kswapd() {
      super(NAMES);
    }

    /** Binds the folio the LRU scan reaches and the eviction counter for its shadow. */
    public Kswapd on(Folio folio, long eviction) {
      this.folio = checkNotNull(folio, "folio");
      this.eviction = checkEviction(eviction);
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case wakeup_kswapd:
          if (cpu.choose(RECLAIM) == 0) {
            cpu.ret(0);
            return;
          }
          pc = Pc.shrink_inactive_list;
          return;
        case shrink_inactive_list:
          call(cpu, shrink.on(folio, eviction), Pc.done);
          return;
        case done:
          cpu.ret(cpu.retval());
          return;
      }
    }
  }
}
