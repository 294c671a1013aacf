package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Subject;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaErrno;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaState;

/**
 * mm/shmem.c: swap-in of shmem/tmpfs folios (including large swap entries) and their swap-out, as
 * step programs, in the three forms of the 2025 "mm/shmem, swap: bugfix and improvement of mTHP
 * swap in" review ({@link SwapinVersion}).
 *
 * <p>A shmem mapping keeps swapped-out data as value entries ({@link SwpEntry#toRadix}); a large
 * folio swapped out as a whole leaves one multi-index value entry of its order. Swap-in looks the
 * entry's slot up in the swap cache ({@link SwapState}), allocates and reads a folio (directly,
 * bypassing the swap cache, on a {@code SWP_SYNCHRONOUS_IO} device), and replaces the value
 * entry(ies) with the folio under the mapping's {@code xa_lock}. Whenever it finds that someone
 * else changed things it returns {@code -EEXIST}, and {@code shmem_get_folio_gfp} starts again at
 * {@code repeat}: a retry loop of the machine, which tells a transient retry from a persistent one
 * (every CPU stuck, nothing it reads able to change: {@code HANG}).
 *
 * <p>Not modelled (each is either a no-op in the scenarios or outside them, as noted where it
 * would run): memcg charging, {@code shmem_recalc_inode} and other statistics, userfaultfd,
 * zswap (never enabled), {@code arch_swap_restore} (no-op on x86), {@code shmem_replace_folio}
 * ({@code shmem_should_replace_folio} is false: no zone constraints), poisoned swap entries and
 * the {@code -EIO} path, allocation of a folio for a hole. {@code get_swap_device} /
 * {@code put_swap_device} pin a device that is never swapped off: no access. Swap readahead is
 * off ({@code vm.page-cluster = 0}, common with zram): {@code swap_cluster_readahead} reads just
 * the one slot.
 */
public final class Shmem {
  private Shmem() {}

  /**
   * The forms of {@code shmem_swapin_folio} and {@code shmem_add_to_page_cache} (mm/shmem.c)
   * modelled.
   */
  public enum SwapinVersion {
    /**
     * v6.16 (with d53c78fffe7a "mm/shmem: use xas_try_split() in shmem_split_large_entry()",
     * v6.15): a folio found in the swap cache whose order differs from the entry's
     * ({@code order != folio_order(folio)}) makes it split the entry; after {@code folio_lock} the
     * checks are: in the swap cache (unless skipped), {@code folio->swap.val == swap.val},
     * {@code shmem_confirm_swap}, and {@code xa_get_order(index) == folio_order(folio)}; the old
     * {@code shmem_add_to_page_cache} accepts exactly one conflicting entry equal to
     * {@code expected}. A large folio in the swap cache for an entry already split to order 0
     * can never pass the order check (Kairui Song's hang, kernel-notes/mm-paths.md E.7).
     */
    V6_16("v6.16"),
    /**
     * v5 of the series, patch 1 ("mm/shmem, swap: improve cached mTHP handling and fix potential
     * hung", posted 2025-07-10, not merged): split only when the entry is larger than the folio;
     * when it is smaller, round {@code swap} down to the folio; after {@code folio_lock} only the
     * swap-cache and {@code folio->swap.val} checks remain ({@code shmem_confirm_swap} and the
     * order check are gone); the new {@code shmem_add_to_page_cache} accepts any run of
     * contiguous swap values covering the folio (its {@code iter} is set once, before the
     * {@code xas_nomem} loop). A swap-cache folio that is no longer shmem's (an anonymous folio
     * that reused the freed slot) reaches {@code shmem_add_to_page_cache}, which writes its
     * {@code mapping} and {@code index} before checking (kernel-notes/mm-paths.md E.8).
     */
    V5("v5"),
    /**
     * v6 of the series, patch 1, as merged for 6.17 (through mm-hotfixes; patches 2-8 of v6 went
     * to 6.18): as {@link #V5}, but also rounding {@code index} down to the folio, keeping
     * {@code shmem_confirm_swap} right after {@code folio_lock} (checked before
     * {@code folio->swap.val}), and resetting {@code iter} on every {@code xas_nomem} retry.
     */
    V6_17("v6.17");

    private final String label;

    SwapinVersion(String label) {
      this.label = label;
    }

    /** The variant name ({@code "v6.16"}, {@code "v5"}, {@code "v6.17"}). */
    public String label() {
      return label;
    }
  }

  /**
   * {@code enum sgp_type} (include/linux/shmem_fs.h, v6.16): what {@code shmem_get_folio} may do.
   */
  public enum Sgp {
    /** Do not allocate; a hole gives NULL (a read). */
    SGP_READ,
    /** Do not allocate; a hole gives -ENOENT. */
    SGP_NOALLOC,
    /** Allocate for a hole (a fault). */
    SGP_CACHE,
    /** Allocate, a write will follow. */
    SGP_WRITE,
    /** Allocate for fallocate. */
    SGP_FALLOC
  }

  /**
   * A shmem inode as the swap paths see it: its mapping (a shmem {@link AddressSpace}), the swap
   * device it swaps to with that device's swap cache, and the page allocator its folios come
   * from.
   */
  public static final class Inode {
    final AddressSpace mapping;
    final SwapState swapCache;
    final SwapInfo si;
    final PageAllocator alloc;

    /**
     * @throws IllegalArgumentException if {@code mapping} is not a shmem mapping
     */
    public Inode(AddressSpace mapping, SwapState swapCache, PageAllocator alloc) {
      this.mapping = checkNotNull(mapping, "mapping");
      checkArgument(mapping.isShmem(), "%s is not a shmem mapping", mapping);
      this.swapCache = checkNotNull(swapCache, "swapCache");
      this.si = swapCache.swapInfo();
      this.alloc = checkNotNull(alloc, "alloc");
    }

    /** {@code inode->i_mapping}. */
    public AddressSpace mapping() {
      return mapping;
    }

    /** The swap device's swap cache. */
    public SwapState swapCache() {
      return swapCache;
    }
  }

  private static int errno(int xaErrno) {
    return -xaErrno;
  }

  /**
   * {@code folio_wait_writeback(folio)} (mm/page-writeback.c, v6.16): while
   * {@code folio_test_writeback}, sleep on the folio's {@code PG_writeback} wait queue (a retry
   * loop of the machine: the CPU runs again once the flags change). Returns nothing. Context: may
   * sleep.
   */
  static final class FolioWaitWriteback extends Routine<FolioWaitWriteback.Pc> {
    enum Pc { folio_test_writeback }

    private static final StepNames<Pc> NAMES = StepNames.of("folio_wait_writeback", Pc.class);
    private Folio folio;

    FolioWaitWriteback() {
      super(NAMES);
    }

    FolioWaitWriteback on(Folio folio) {
      this.folio = folio;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      if (folio.test(cpu, PageFlags.PG_writeback)) {
        retry(cpu, Pc.folio_test_writeback);
        return;
      }
      cpu.ret();
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_confirm_swap(mapping, index, swap)} (mm/shmem.c, v6.16; unchanged by patch 1 of
   * the v5 and v6 series): {@code xa_load(&mapping->i_pages, index) == swp_to_radix_entry(swap)},
   * one unlocked lookup. Returns a {@link Boolean}. Context: RCU inside {@code xa_load}.
   */
  public static final class ShmemConfirmSwap extends Routine<ShmemConfirmSwap.Pc> {
    /** Steps. */
    public enum Pc { xa_load, loaded }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_confirm_swap", Pc.class);
    private final LibXarray.XaLoad xaLoad = new LibXarray.XaLoad();
    private AddressSpace mapping;
    private long index;
    private SwpEntry swap;
    private Object seen;

    public ShmemConfirmSwap() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ShmemConfirmSwap on(AddressSpace mapping, long index, SwpEntry swap) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.index = index;
      this.swap = checkNotNull(swap, "swap");
      return this;
    }

    /** The entry the last call found at the index. */
    Object seen() {
      return seen;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xa_load:
          call(cpu, xaLoad.on(mapping.iPages(), index), Pc.loaded);
          return;
        case loaded:
          seen = cpu.retval();
          cpu.ret(XaEntry.same(seen, swap.toRadix()));
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_split_large_entry(inode, index, swap, gfp)} (mm/shmem.c, v6.16 = d53c78fffe7a,
   * v6.15, unchanged by patch 1 of the v5 and v6 series): under the mapping's {@code xa_lock},
   * {@code xas_load} at {@code index}; an entry that is not the value of {@code swap} gives
   * {@code -EEXIST}; an order-0 entry needs nothing; otherwise split it with
   * {@code xas_try_split} step by step ({@code xas_try_split_min_order}) down to order 0, and
   * after each split {@code __xa_store} the value of each new piece's own swap slot
   * ({@code swp_offset(swap) + offset}: "the swap offset of the original large entry must be
   * continuous"). {@code xas_nomem} retries a failed node allocation. The locked section is one
   * write-side XArray operation, whose stores RCU readers see one by one. Returns the entry's
   * order before the split (0 if nothing was split) or a negative errno. Context: takes the
   * mapping's xa_lock.
   */
  public static final class ShmemSplitLargeEntry extends Routine<ShmemSplitLargeEntry.Pc> {
    /** Steps. */
    public enum Pc { xas_lock_irq, split, xas_unlock_irq, xas_nomem }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_split_large_entry", Pc.class);
    private Inode inode;
    private long index;
    private SwpEntry swap;
    private XaState xas;
    private int entryOrder;
    private boolean again;

    public ShmemSplitLargeEntry() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ShmemSplitLargeEntry on(Inode inode, long index, SwpEntry swap) {
      this.inode = checkNotNull(inode, "inode");
      this.index = index;
      this.swap = checkNotNull(swap, "swap");
      this.xas = new XaState(inode.mapping.iPages(), index, 0);
      this.entryOrder = 0;
      return this;
    }

    private void split() {
      XArray xa = inode.mapping.iPages();
      Object old = xas.load();
      if (!XaEntry.isValue(old) || !XaEntry.same(swap.toRadix(), old)) {
        xas.setErr(errno(XaErrno.EEXIST));
        return;
      }
      int curOrder = xas.getOrder();
      entryOrder = curOrder;
      if (curOrder == 0) {
        return;
      }
      long swapIndex = index & -(1L << curOrder);
      int splitOrder = xas.trySplitMinOrder(curOrder);
      while (curOrder > 0) {
        long alignedIndex = index & -(1L << curOrder);
        long swapOffset = alignedIndex - swapIndex;
        xas.setOrder(index, splitOrder);
        xas.trySplit(old, curOrder);
        if (xas.error() != 0) {
          return;
        }
        for (long i = 0; i < 1L << curOrder; i += 1L << splitOrder) {
          xa.__store(alignedIndex + i, swap.plus(swapOffset + i).toRadix(), XaGfp.NONE);
        }
        curOrder = splitOrder;
        splitOrder = xas.trySplitMinOrder(splitOrder);
      }
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xas_lock_irq:
          inode.mapping.xaLockIrq(cpu);
          pc = Pc.split;
          return;
        case split:
          XaWrite.run(cpu, inode.mapping, this::split);
          pc = Pc.xas_unlock_irq;
          return;
        case xas_unlock_irq:
          inode.mapping.xaUnlockIrq(cpu);
          pc = Pc.xas_nomem;
          return;
        case xas_nomem:
          if (xas.error() == errno(XaErrno.ENOMEM)) {
            XaWrite.run(cpu, inode.mapping, () -> again = xas.nomem(XaGfp.GFP_KERNEL));
            if (again) {
              pc = Pc.xas_lock_irq;
              return;
            }
          }
          cpu.ret(xas.error() != 0 ? xas.error() : entryOrder);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_add_to_page_cache(folio, mapping, index, expected, gfp)} (mm/shmem.c) for a
   * swapped-in folio ({@code expected} is the swap value it replaces). Before any check, with the
   * folio locked: {@code folio_ref_add(folio, nr)}, {@code folio->mapping = mapping},
   * {@code folio->index = index} (three steps: what the anon hijack of E.8 exploits). Then under
   * {@code xa_lock} (one write-side XArray operation), with an {@code XA_STATE_ORDER} cursor of
   * the folio's order:
   * <ul>
   *   <li>{@link SwapinVersion#V6_16}: {@code xas_find_conflict} must return {@code expected},
   *       and a second call must find nothing: exactly one multi-index entry of the folio's size;
   *   <li>{@link SwapinVersion#V5} / {@link SwapinVersion#V6_17}: {@code xas_for_each_conflict}:
   *       every conflicting entry must be {@code swp_to_radix_entry(iter)}, {@code iter} advancing
   *       by {@code 1 << xas_get_order}; at the end {@code iter.val - nr == swap.val} (the entries
   *       cover the folio contiguously, any mix of orders). v5 sets {@code iter} once, v6 on every
   *       {@code xas_nomem} retry (no retry happens in the modelled scenarios: the stores never
   *       allocate).
   * </ul>
   * Then {@code xas_store(&xas, folio)}. On error: {@code folio->mapping = NULL},
   * {@code folio_ref_sub(folio, nr)}. Returns 0 or a negative errno. Context: folio locked; takes
   * the mapping's xa_lock.
   */
  public static final class ShmemAddToPageCache extends Routine<ShmemAddToPageCache.Pc> {
    /** Steps. */
    public enum Pc { folio_ref_add, set_mapping, set_index, xas_lock_irq, store, xas_unlock_irq,
      xas_nomem, error_mapping, error_ref_sub }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_add_to_page_cache", Pc.class);
    private final SwapinVersion version;
    private Folio folio;
    private AddressSpace mapping;
    private long index;
    private Object expected;
    private long nr;
    private XaState xas;
    private SwpEntry iter;
    private boolean again;

    /** A frame of {@code version}'s form. */
    public ShmemAddToPageCache(SwapinVersion version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
    }

    /** Binds the arguments for the next call. */
    public ShmemAddToPageCache on(Folio folio, AddressSpace mapping, long index, Object expected) {
      this.folio = checkNotNull(folio, "folio");
      this.mapping = checkNotNull(mapping, "mapping");
      this.index = index;
      this.expected = expected;
      return this;
    }

    private void store() {
      Object e = expected;
      if (version == SwapinVersion.V6_16) {
        if (!XaEntry.same(e, xas.findConflict())) {
          xas.setErr(errno(XaErrno.EEXIST));
          return;
        }
        if (e != null && xas.findConflict() != null) {
          xas.setErr(errno(XaErrno.EEXIST));
          return;
        }
      } else {
        SwpEntry swap = e == null ? null : SwpEntry.fromRadix(e);
        if (version == SwapinVersion.V6_17) {
          iter = swap;
        }
        Object entry;
        while ((entry = xas.findConflict()) != null) {
          if (e == null || !XaEntry.same(entry, iter.toRadix())) {
            xas.setErr(errno(XaErrno.EEXIST));
            return;
          }
          iter = iter.plus(1L << xas.getOrder());
        }
        if (e != null && iter.val() - nr != swap.val()) {
          xas.setErr(errno(XaErrno.EEXIST));
          return;
        }
      }
      xas.store(folio);
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_ref_add:
          // The folio is locked by this CPU: its order cannot change.
          long n = folio.peekNrPages();
          SwapState.bugOnFolio(cpu, index != (index & -n), folio,
              "VM_BUG_ON_FOLIO(index != round_down(index, nr), folio)");
          SwapState.bugOnFolio(cpu, !folio.peekFlag(PageFlags.PG_locked), folio,
              "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)");
          SwapState.bugOnFolio(cpu, !folio.peekFlag(PageFlags.PG_swapbacked), folio,
              "VM_BUG_ON_FOLIO(!folio_test_swapbacked(folio), folio)");
          folio.refAdd(cpu, n);
          nr = n;
          xas = new XaState(mapping.iPages(), index, folio.peekOrder());
          if (version == SwapinVersion.V5 && expected != null) {
            iter = SwpEntry.fromRadix(expected);
          }
          pc = Pc.set_mapping;
          return;
        case set_mapping:
          folio.writeMappingWord(cpu, mapping);
          pc = Pc.set_index;
          return;
        case set_index:
          folio.writeIndex(cpu, index);
          pc = Pc.xas_lock_irq;
          return;
        case xas_lock_irq:
          mapping.xaLockIrq(cpu);
          pc = Pc.store;
          return;
        case store:
          XaWrite.run(cpu, mapping, this::store);
          pc = Pc.xas_unlock_irq;
          return;
        case xas_unlock_irq:
          mapping.xaUnlockIrq(cpu);
          pc = Pc.xas_nomem;
          return;
        case xas_nomem:
          if (xas.error() == errno(XaErrno.ENOMEM)) {
            XaWrite.run(cpu, mapping, () -> again = xas.nomem(XaGfp.GFP_KERNEL));
            if (again) {
              pc = Pc.xas_lock_irq;
              return;
            }
          }
          if (xas.error() == 0) {
            cpu.ret(0);
            return;
          }
          pc = Pc.error_mapping;
          return;
        case error_mapping:
          folio.writeMappingWord(cpu, null);
          pc = Pc.error_ref_sub;
          return;
        case error_ref_sub:
          folio.putRefs(cpu, nr);
          cpu.ret(xas.error());
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_swap_alloc_folio(inode, vma, index, entry, order, gfp)} (mm/shmem.c, v6.16):
   * the swap-in that bypasses the swap cache on a {@code SWP_SYNCHRONOUS_IO} device.
   * {@code shmem_alloc_folio} of {@code order} (for {@code order > 0} an mTHP allocation, which
   * may fail under memory pressure: {@link PageAllocator#MTHP}; failure gives {@code -ENOMEM});
   * {@code swapcache_prepare(entry, nr)} (any failure: {@code folio_put}, {@code -EEXIST});
   * {@code __folio_set_locked}, {@code __folio_set_swapbacked} (non-atomic: the folio is still
   * private), {@code new->swap = entry}; {@code folio_add_lru} ({@code PG_lru}, as if the per-CPU
   * batch were drained at once); {@code swap_read_folio}, synchronous: {@code folio_mark_uptodate}
   * and {@code folio_unlock} at completion. Returns the folio (one reference, unlocked) or an
   * {@link ErrPtr}. Context: may sleep.
   */
  public static final class ShmemSwapAllocFolio extends Routine<ShmemSwapAllocFolio.Pc> {
    /** Steps. */
    public enum Pc { shmem_alloc_folio, swapcache_prepare, folio_put, set_locked, set_swapbacked,
      set_swap, folio_add_lru, folio_mark_uptodate, folio_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_swap_alloc_folio", Pc.class);
    private Inode inode;
    private SwpEntry entry;
    private int order;
    private Folio folio;

    public ShmemSwapAllocFolio() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ShmemSwapAllocFolio on(Inode inode, SwpEntry entry, int order) {
      this.inode = checkNotNull(inode, "inode");
      this.entry = checkNotNull(entry, "entry");
      checkArgument(order >= 0 && order <= 9, "order %s must be in 0..9", order);
      this.order = order;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case shmem_alloc_folio:
          if (inode.alloc.mayFail(cpu, order) && cpu.choose(PageAllocator.MTHP) == 1) {
            cpu.ret(new ErrPtr(ErrPtr.ENOMEM));
            return;
          }
          folio = inode.alloc.take(cpu, order);
          pc = Pc.swapcache_prepare;
          return;
        case swapcache_prepare:
          pc = inode.si.swapcachePrepare(cpu, entry, 1 << order) != 0 ? Pc.folio_put
              : Pc.set_locked;
          return;
        case folio_put:
          if (folio.put(cpu)) {
            inode.alloc.freeUnused(cpu, folio);
          }
          cpu.ret(new ErrPtr(ErrPtr.EEXIST));
          return;
        case set_locked:
          cpu.nonAtomicSetBit(folio.flags, PageFlags.PG_locked);
          pc = Pc.set_swapbacked;
          return;
        case set_swapbacked:
          cpu.nonAtomicSetBit(folio.flags, PageFlags.PG_swapbacked);
          pc = Pc.set_swap;
          return;
        case set_swap:
          folio.writeSwap(cpu, entry);
          pc = Pc.folio_add_lru;
          return;
        case folio_add_lru:
          folio.set(cpu, PageFlags.PG_lru);
          pc = Pc.folio_mark_uptodate;
          return;
        case folio_mark_uptodate:
          folio.set(cpu, PageFlags.PG_uptodate);
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          cpu.ret(folio);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_swapin_cluster(swap, gfp, info, index)} (mm/shmem.c, v6.16) →
   * {@code swap_cluster_readahead} (mm/swap_state.c), with readahead off
   * ({@code vm.page-cluster = 0}: {@code swapin_nr_pages} is 1, {@code goto skip}):
   * {@code __read_swap_cache_async} for the one slot and, if it allocated a new folio,
   * {@code swap_read_folio} (synchronous: uptodate and unlocked). Returns the folio with a
   * reference, or null. Context: may sleep.
   */
  public static final class ShmemSwapinCluster extends Routine<ShmemSwapinCluster.Pc> {
    /** Steps. */
    public enum Pc { read_swap_cache_async, read_done, folio_mark_uptodate, folio_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_swapin_cluster", Pc.class);
    private final SwapState.ReadSwapCacheAsync read = new SwapState.ReadSwapCacheAsync();
    private Inode inode;
    private SwpEntry swap;
    private Folio folio;

    public ShmemSwapinCluster() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ShmemSwapinCluster on(Inode inode, SwpEntry swap) {
      this.inode = checkNotNull(inode, "inode");
      this.swap = checkNotNull(swap, "swap");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case read_swap_cache_async:
          call(cpu, read.on(inode.swapCache, inode.alloc, swap), Pc.read_done);
          return;
        case read_done:
          folio = (Folio) cpu.retval();
          if (folio == null || !read.allocated()) {
            cpu.ret(folio);
            return;
          }
          pc = Pc.folio_mark_uptodate;
          return;
        case folio_mark_uptodate:
          folio.set(cpu, PageFlags.PG_uptodate);
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          cpu.ret(folio);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * What one {@code shmem_swapin_folio} attempt that ended in {@code -EEXIST} saw: the index,
   * the entry the caller found there, the entry's order, the folio the swap cache (or the
   * skip-swapcache path) gave, and the check that failed. The failure subject of a persistent
   * {@code HANG} in {@code shmem_get_folio_gfp}'s {@code repeat} loop.
   */
  static final class SwapinAttempt implements Subject.Source {
    final String function;
    final SwapinVersion version;
    final long index;
    final SwpEntry entry;
    final int entryOrder;
    final SwpEntry swap;
    final Folio folio;
    final int folioOrder;
    final SwpEntry folioSwap;
    final String check;

    SwapinAttempt(SwapinVersion version, long index, SwpEntry entry, int entryOrder, SwpEntry swap,
        Folio folio, String check) {
      this.function = "shmem_swapin_folio";
      this.version = version;
      this.index = index;
      this.entry = entry;
      this.entryOrder = entryOrder;
      this.swap = swap;
      this.folio = folio;
      this.folioOrder = folio == null ? -1 : folio.peekOrder();
      this.folioSwap = folio == null ? null : folio.peekSwap();
      this.check = check;
    }

    @Override
    public Subject snapshot() {
      StringBuilder sb = new StringBuilder();
      sb.append(function).append("(index 0x").append(Long.toHexString(index))
          .append(") returns -EEXIST: the mapping holds ").append(entry).append(" of order ")
          .append(entryOrder);
      if (folio != null) {
        sb.append(", the swap cache gives ").append(folio.name()).append(" of order ")
            .append(folioOrder).append(" (folio->swap ").append(folioSwap).append(')');
      }
      sb.append("; failed check: ").append(check).append('\n');
      if (folio != null && entryOrder < folioOrder && version == SwapinVersion.V6_16) {
        sb.append("the entry (order ").append(entryOrder).append(") is smaller than the folio"
            + " (order ").append(folioOrder).append("): v6.16 splits only the entry, and after"
            + " folio_lock needs folio->swap == the entry's own slot and xa_get_order(index) =="
            + " folio_order(folio); a split entry is never merged back, so an attempt can pass"
            + " only once this folio has left the swap cache\n");
      }
      sb.append("version ").append(version.label()).append(", swap entry used ").append(swap)
          .append('\n');
      if (folio != null) {
        sb.append(folio.dump("shmem_swapin_folio -EEXIST: " + check));
      }
      ImmutableMap.Builder<String, Object> b = ImmutableMap.builder();
      b.put("function", function);
      b.put("lookupIndex", index);
      b.put("entry", entry.toString());
      b.put("entryOrder", entryOrder);
      b.put("swap", swap.toString());
      b.put("check", check);
      if (folio != null) {
        b.put("folio", folio.name());
        b.put("index", folio.peekIndex());
        b.put("order", folioOrder);
        b.put("flags", PageFlags.describe(folio.peekFlags()));
        b.put("refcount", folio.peekRefcount());
        b.put("folioSwap", String.valueOf(folioSwap));
      }
      return new Subject("shmem_swapin", sb.toString(), b.buildOrThrow());
    }
  }

  /**
   * {@code shmem_swapin_folio(inode, index, foliop, sgp, gfp, vma, fault_type)} (mm/shmem.c), in
   * the forms of {@link SwapinVersion}, for the value entry {@code *foliop} the caller found at
   * {@code index}.
   *
   * <ol>
   *   <li>{@code swap = radix_to_swp_entry(*foliop)}; {@code folio = swap_cache_get_folio(swap)}
   *       (the entry's first slot); {@code order = xa_get_order(&mapping->i_pages, index)}.
   *   <li>Not in the swap cache: on a {@code SWP_SYNCHRONOUS_IO} device
   *       {@link ShmemSwapAllocFolio} of {@code order} ({@code skip_swapcache}, then
   *       {@code alloced}); its {@code -EEXIST} goes to {@code failed}; other errors (the mTHP
   *       allocation failed) fall back: {@link ShmemSplitLargeEntry}, {@code swap} adjusted to
   *       the slot of {@code index} if it split, and {@link ShmemSwapinCluster} (order 0, through
   *       the swap cache).
   *   <li>Found, v6.16: if {@code order != folio_order(folio)}, split and adjust {@code swap}
   *       (a split error puts the folio and goes to {@code failed}). v5 / v6.17: split only if
   *       {@code order > folio_order(folio)}; if smaller, round {@code swap} (v6.17: and
   *       {@code index}) down to the folio.
   *   <li>{@code alloced:} {@code folio_lock}; the version's checks (see {@link SwapinVersion});
   *       any failing one: {@code -EEXIST}, {@code goto unlock}.
   *   <li>{@code folio_wait_writeback}; {@link ShmemAddToPageCache} at
   *       {@code round_down(index, nr)} expecting {@code swp_to_radix_entry(swap)} (error:
   *       {@code failed}).
   *   <li>{@code skip_swapcache}: {@code folio->swap.val = 0}, {@code swapcache_clear}; else
   *       {@code delete_from_swap_cache}. {@code folio_mark_dirty}, {@code swap_free_nr}. Returns
   *       0 with the folio locked and referenced ({@link #folio()}).
   *   <li>{@code failed:} {@code shmem_confirm_swap} false turns the error into {@code -EEXIST}.
   *       {@code unlock:} {@code skip_swapcache}: {@code swapcache_clear}; {@code folio_unlock},
   *       {@code folio_put}. Returns the error.
   * </ol>
   *
   * Every {@code -EEXIST} records what the attempt saw ({@link #attempt()}). Context: may sleep;
   * RCU inside the lookups; takes the folio lock, the mapping's and the swap cache's xa_lock and
   * the swap cluster lock.
   */
  public static final class ShmemSwapinFolio extends Routine<ShmemSwapinFolio.Pc> {
    /** Steps, named after the kernel's labels ({@code alloced}, {@code failed}, {@code unlock}). */
    public enum Pc { swap_cache_get_folio, xa_get_order, ordered, alloc_done, split, split_done,
      swapin_cluster_done, cached_split_done, cached_split_put, alloced, test_swapcache,
      check_swap_val, check_confirm, confirmed, check_order, order_checked, test_uptodate,
      wait_writeback, add_to_page_cache, added, clear_swap, swapcache_clear,
      delete_from_swap_cache, folio_mark_dirty, swap_free_nr, failed, failed_confirmed, unlock,
      unlock_swapcache_clear, folio_unlock, folio_put }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_swapin_folio", Pc.class);
    private final SwapinVersion version;
    private final SwapState.SwapCacheGetFolio getFolio = new SwapState.SwapCacheGetFolio();
    private final LibXarray.XaGetOrder xaGetOrder = new LibXarray.XaGetOrder();
    private final ShmemSwapAllocFolio allocFolio = new ShmemSwapAllocFolio();
    private final ShmemSplitLargeEntry split = new ShmemSplitLargeEntry();
    private final ShmemSwapinCluster swapinCluster = new ShmemSwapinCluster();
    private final ShmemConfirmSwap confirm = new ShmemConfirmSwap();
    private final FolioWaitWriteback waitWriteback = new FolioWaitWriteback();
    private final ShmemAddToPageCache add;
    private final SwapState.DeleteFromSwapCache delete = new SwapState.DeleteFromSwapCache();
    private Inode inode;
    private long index;
    private long origIndex;
    private SwpEntry entry;
    private SwpEntry swap;
    private Folio folio;
    private boolean skipSwapcache;
    private int order;
    private int error;
    private long nr;
    private SwapinAttempt attempt;

    /** A frame of {@code version}'s form. */
    public ShmemSwapinFolio(SwapinVersion version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
      this.add = new ShmemAddToPageCache(version);
    }

    /** Binds the arguments for the next call: the value entry the caller found at index. */
    public ShmemSwapinFolio on(Inode inode, long index, Object value) {
      this.inode = checkNotNull(inode, "inode");
      this.index = index;
      this.origIndex = index;
      this.entry = SwpEntry.fromRadix(value);
      this.swap = entry;
      this.folio = null;
      this.skipSwapcache = false;
      this.error = 0;
      this.attempt = null;
      return this;
    }

    /** {@code *foliop} after the last call: the folio, locked and referenced, if it returned 0. */
    public Folio folio() {
      return folio;
    }

    /** What the last call saw if it returned {@code -EEXIST}, else null. */
    Subject.Source attempt() {
      return attempt;
    }

    private void eexist(String check) {
      error = ErrPtr.EEXIST;
      attempt = new SwapinAttempt(version, origIndex, entry, order, swap, folio, check);
    }

    /** The next check after {@code done}, in the version's order; null when all passed. */
    private Pc nextCheck(Pc done) {
      switch (version) {
        case V6_16:
          // swapcache || swap.val || confirm || order
          switch (done) {
            case test_swapcache:
              return Pc.check_swap_val;
            case check_swap_val:
              return Pc.check_confirm;
            case check_confirm:
              return Pc.check_order;
            default:
              return null;
          }
        case V5:
          // swapcache || swap.val
          return done == Pc.test_swapcache ? Pc.check_swap_val : null;
        case V6_17:
          // swapcache || confirm || swap.val
          switch (done) {
            case test_swapcache:
              return Pc.check_confirm;
            case check_confirm:
              return Pc.check_swap_val;
            default:
              return null;
          }
        default:
          throw new AssertionError(version);
      }
    }

    private void passed(Pc done) {
      Pc next = nextCheck(done);
      pc = next == null ? Pc.test_uptodate : next;
    }

    private void adjustSwapForSplit(int splitOrder) {
      if (splitOrder > 0) {
        long offset = index - (index & -(1L << splitOrder));
        swap = SwpEntry.of(swap.type(), swap.offset() + offset);
      }
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case swap_cache_get_folio:
          call(cpu, getFolio.on(inode.swapCache, swap), Pc.xa_get_order);
          return;
        case xa_get_order:
          folio = (Folio) cpu.retval();
          call(cpu, xaGetOrder.on(inode.mapping.iPages(), index), Pc.ordered);
          return;
        case ordered: {
          order = (Integer) cpu.retval();
          if (folio == null) {
            // fallback_order0 is false: no userfaultfd, zswap never enabled.
            if (inode.si.synchronousIo()) {
              call(cpu, allocFolio.on(inode, swap, order), Pc.alloc_done);
              return;
            }
            pc = Pc.split;
            return;
          }
          // folio_order of a folio in the swap cache: only a split under its lock changes it,
          // which no modelled path does; a local read.
          int fo = folio.peekOrder();
          boolean splitIt = version == SwapinVersion.V6_16 ? order != fo : order > fo;
          if (splitIt) {
            call(cpu, split.on(inode, index, swap), Pc.cached_split_done);
            return;
          }
          if (version != SwapinVersion.V6_16 && order < fo) {
            swap = swap.roundDown(1L << fo);
            if (version == SwapinVersion.V6_17) {
              index = index & -(1L << fo);
            }
          }
          pc = Pc.alloced;
          return;
        }
        case alloc_done: {
          Object r = cpu.retval();
          if (r instanceof Folio f) {
            folio = f;
            skipSwapcache = true;
            pc = Pc.alloced;
            return;
          }
          if (((ErrPtr) r).errno() == ErrPtr.EEXIST) {
            error = ErrPtr.EEXIST;
            pc = Pc.failed;
            return;
          }
          pc = Pc.split;
          return;
        }
        case split:
          call(cpu, split.on(inode, index, swap), Pc.split_done);
          return;
        case split_done: {
          int splitOrder = (Integer) cpu.retval();
          if (splitOrder < 0) {
            error = splitOrder;
            pc = Pc.failed;
            return;
          }
          adjustSwapForSplit(splitOrder);
          call(cpu, swapinCluster.on(inode, swap), Pc.swapin_cluster_done);
          return;
        }
        case swapin_cluster_done:
          folio = (Folio) cpu.retval();
          if (folio == null) {
            error = ErrPtr.ENOMEM;
            pc = Pc.failed;
            return;
          }
          pc = Pc.alloced;
          return;
        case cached_split_done: {
          int splitOrder = (Integer) cpu.retval();
          if (splitOrder < 0) {
            error = splitOrder;
            pc = Pc.cached_split_put;
            return;
          }
          adjustSwapForSplit(splitOrder);
          pc = Pc.alloced;
          return;
        }
        case cached_split_put:
          folio.put(cpu);
          folio = null;
          pc = Pc.failed;
          return;
        case alloced:
          folio.lock(cpu);
          pc = skipSwapcache ? nextCheck(Pc.test_swapcache) : Pc.test_swapcache;
          return;
        case test_swapcache:
          if (!folio.test(cpu, PageFlags.PG_swapcache)) {
            eexist("!folio_test_swapcache(folio)");
            pc = Pc.unlock;
            return;
          }
          passed(Pc.test_swapcache);
          return;
        case check_swap_val: {
          SwpEntry fs = folio.readSwap(cpu);
          if (fs == null || fs.val() != swap.val()) {
            eexist("folio->swap.val != swap.val (" + (fs == null ? "0" : fs) + " != " + swap
                + ")");
            pc = Pc.unlock;
            return;
          }
          passed(Pc.check_swap_val);
          return;
        }
        case check_confirm:
          call(cpu, confirm.on(inode.mapping, index, swap), Pc.confirmed);
          return;
        case confirmed:
          if (!(Boolean) cpu.retval()) {
            eexist("!shmem_confirm_swap(mapping, 0x" + Long.toHexString(index) + ", " + swap
                + "): the mapping holds " + XaEntry.describe(confirm.seen()));
            pc = Pc.unlock;
            return;
          }
          passed(Pc.check_confirm);
          return;
        case check_order:
          call(cpu, xaGetOrder.on(inode.mapping.iPages(), index), Pc.order_checked);
          return;
        case order_checked: {
          int xo = (Integer) cpu.retval();
          // The folio is locked by this CPU: its order cannot change.
          if (xo != folio.peekOrder()) {
            eexist("xa_get_order(&mapping->i_pages, 0x" + Long.toHexString(index) + ") != "
                + "folio_order(folio) (" + xo + " != " + folio.peekOrder() + ")");
            pc = Pc.unlock;
            return;
          }
          pc = Pc.test_uptodate;
          return;
        }
        case test_uptodate:
          if (!folio.test(cpu, PageFlags.PG_uptodate)) {
            throw new IllegalStateException("shmem_swapin_folio: the -EIO path (folio not"
                + " uptodate after swap-in) is not modelled");
          }
          pc = Pc.wait_writeback;
          return;
        case wait_writeback:
          call(cpu, waitWriteback.on(folio), Pc.add_to_page_cache);
          return;
        case add_to_page_cache:
          nr = folio.peekNrPages();
          call(cpu, add.on(folio, inode.mapping, index & -nr, swap.toRadix()), Pc.added);
          return;
        case added:
          error = (Integer) cpu.retval();
          if (error != 0) {
            pc = Pc.failed;
            return;
          }
          pc = skipSwapcache ? Pc.clear_swap : Pc.delete_from_swap_cache;
          return;
        case clear_swap:
          folio.writeSwap(cpu, null);
          pc = Pc.swapcache_clear;
          return;
        case swapcache_clear:
          inode.si.swapcacheClear(cpu, swap, (int) nr);
          pc = Pc.folio_mark_dirty;
          return;
        case delete_from_swap_cache:
          call(cpu, delete.on(inode.swapCache, folio), Pc.folio_mark_dirty);
          return;
        case folio_mark_dirty:
          // shmem_aops.dirty_folio = noop_dirty_folio: only PG_dirty.
          folio.testAndSet(cpu, PageFlags.PG_dirty);
          pc = Pc.swap_free_nr;
          return;
        case swap_free_nr:
          inode.si.swapFreeNr(cpu, swap, (int) nr);
          cpu.ret(0);
          return;
        case failed:
          call(cpu, confirm.on(inode.mapping, index, swap), Pc.failed_confirmed);
          return;
        case failed_confirmed:
          if (!(Boolean) cpu.retval()) {
            eexist("shmem_confirm_swap failed after " + ErrPtr.name(error)
                + ": the mapping holds " + XaEntry.describe(confirm.seen()));
          } else if (error == ErrPtr.EEXIST) {
            eexist("shmem_swap_alloc_folio: swapcache_prepare(" + swap + ") failed");
          }
          pc = Pc.unlock;
          return;
        case unlock:
          if (skipSwapcache) {
            pc = Pc.unlock_swapcache_clear;
            return;
          }
          if (folio == null) {
            cpu.ret(error);
            return;
          }
          pc = Pc.folio_unlock;
          return;
        case unlock_swapcache_clear:
          // folio_nr_pages of a folio this CPU allocated and holds locked.
          inode.si.swapcacheClear(cpu, swap, (int) folio.peekNrPages());
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          pc = Pc.folio_put;
          return;
        case folio_put:
          folio.put(cpu);
          folio = null;
          cpu.ret(error);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_get_folio_gfp(inode, index, write_end, foliop, sgp, gfp, vmf, fault_type)}
   * (mm/shmem.c, v6.16; the same in v6.17), for the lookup of a present folio or a swapped-out
   * one. {@code repeat:} ({@code SGP_READ} / {@code SGP_CACHE}: {@code index >= i_size}
   * gives {@code -EINVAL}); {@code folio = filemap_get_entry(mapping, index)}; a value entry goes
   * to {@link ShmemSwapinFolio}, and its {@code -EEXIST} to {@code repeat} (a retry loop of the
   * machine, with what the attempt saw: see {@code Routine.retry}); any other result is
   * returned. A folio: {@code folio_lock}; {@code folio->mapping != mapping} (truncated or
   * swapped out meanwhile): unlock, put, {@code repeat}; uptodate: {@code out} (return it locked).
   * A hole with {@code SGP_READ} returns 0 and no folio; allocating for a hole is not modelled
   * ({@link UnsupportedOperationException}). Returns 0 or a negative errno; the folio is
   * {@link #folio()}. Context: may sleep.
   */
  public static final class ShmemGetFolioGfp extends Routine<ShmemGetFolioGfp.Pc> {
    /** Steps ({@code repeat} and {@code out} are the kernel's labels). */
    public enum Pc { repeat, got_entry, swapped_in, folio_lock, check_mapping, unlock_truncated,
      put_truncated, test_uptodate, out }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_get_folio_gfp", Pc.class);
    private final Filemap.FilemapGetEntry getEntry = new Filemap.FilemapGetEntry();
    private final ShmemSwapinFolio swapin;
    private Inode inode;
    private long index;
    private Sgp sgp;
    private Folio folio;

    /** A frame whose swap-in is of {@code version}'s form. */
    public ShmemGetFolioGfp(SwapinVersion version) {
      super(NAMES);
      this.swapin = new ShmemSwapinFolio(version);
    }

    /** Binds the arguments for the next call. */
    public ShmemGetFolioGfp on(Inode inode, long index, Sgp sgp) {
      this.inode = checkNotNull(inode, "inode");
      checkArgument(index >= 0, "index %s must be >= 0", index);
      this.index = index;
      this.sgp = checkNotNull(sgp, "sgp");
      this.folio = null;
      return this;
    }

    /** {@code *foliop}: the folio the last call returned (locked, referenced), or null. */
    public Folio folio() {
      return folio;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case repeat:
          if (sgp.compareTo(Sgp.SGP_CACHE) <= 0
              && (index << Folio.PAGE_SHIFT) >= inode.mapping.iSizeRead(cpu)) {
            cpu.ret(ErrPtr.EINVAL);
            return;
          }
          call(cpu, getEntry.on(inode.mapping, index), Pc.got_entry);
          return;
        case got_entry: {
          Object e = cpu.retval();
          if (XaEntry.isValue(e)) {
            call(cpu, swapin.on(inode, index, e), Pc.swapped_in);
            return;
          }
          if (e != null) {
            folio = (Folio) e;
            pc = Pc.folio_lock;
            return;
          }
          if (sgp == Sgp.SGP_READ) {
            cpu.ret(0);
            return;
          }
          if (sgp == Sgp.SGP_NOALLOC) {
            cpu.ret(ErrPtr.ENOENT);
            return;
          }
          throw new UnsupportedOperationException("shmem_get_folio_gfp: allocating a folio for"
              + " the hole at index 0x" + Long.toHexString(index) + " is not modelled");
        }
        case swapped_in: {
          int error = (Integer) cpu.retval();
          if (error == ErrPtr.EEXIST) {
            retry(cpu, Pc.repeat, swapin.attempt());
            return;
          }
          folio = swapin.folio();
          cpu.ret(error);
          return;
        }
        case folio_lock:
          folio.lock(cpu);
          pc = Pc.check_mapping;
          return;
        case check_mapping:
          pc = folio.readMapping(cpu) != inode.mapping ? Pc.unlock_truncated : Pc.test_uptodate;
          return;
        case unlock_truncated:
          folio.unlock(cpu);
          pc = Pc.put_truncated;
          return;
        case put_truncated:
          folio.put(cpu);
          folio = null;
          retry(cpu, Pc.repeat);
          return;
        case test_uptodate:
          if (folio.test(cpu, PageFlags.PG_uptodate)) {
            pc = Pc.out;
            return;
          }
          throw new UnsupportedOperationException("shmem_get_folio_gfp: a folio that is not"
              + " uptodate (fallocated) is not modelled");
        case out:
          cpu.ret(0);
          return;
      }
    }
  }

  /**
   * A read of one page of a shmem file, as {@code shmem_file_read_iter} (mm/shmem.c, v6.16) does
   * it for each page: {@code shmem_get_folio(inode, index, 0, &folio, SGP_READ)}; with a folio,
   * {@code folio_unlock}, copy (no shared access modelled), {@code folio_put}. Returns the error
   * of {@code shmem_get_folio} (0 on success); {@link #folio()} is the folio it read, if any.
   * Context: process context, may sleep.
   */
  public static final class ShmemFileRead extends Routine<ShmemFileRead.Pc> {
    /** Steps. */
    public enum Pc { shmem_get_folio, got, folio_unlock, folio_put }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_file_read_iter", Pc.class);
    private final ShmemGetFolioGfp get;
    private Inode inode;
    private long index;
    private Folio folio;
    private int error;

    /** A frame whose swap-in is of {@code version}'s form. */
    public ShmemFileRead(SwapinVersion version) {
      super(NAMES);
      this.get = new ShmemGetFolioGfp(version);
    }

    /** Binds the arguments for the next call. */
    public ShmemFileRead on(Inode inode, long index) {
      this.inode = checkNotNull(inode, "inode");
      this.index = index;
      return this;
    }

    /** The folio the last call read (no longer referenced), or null. */
    public Folio folio() {
      return folio;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case shmem_get_folio:
          call(cpu, get.on(inode, index, Sgp.SGP_READ), Pc.got);
          return;
        case got:
          error = (Integer) cpu.retval();
          folio = get.folio();
          if (error != 0 || folio == null) {
            cpu.ret(error);
            return;
          }
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          pc = Pc.folio_put;
          return;
        case folio_put:
          folio.put(cpu);
          cpu.ret(error);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code shmem_delete_from_page_cache(folio, radswap)} (mm/shmem.c, v6.16), folio locked:
   * {@code mapping = folio->mapping} (stable while locked: a local read); under
   * {@code xa_lock}, {@code shmem_replace_entry(mapping, folio->index, folio, radswap)}
   * ({@code xas_load} must return the folio, then {@code xas_store(radswap)} with an order-0
   * cursor: the value replaces the folio's whole multi-index entry), then
   * {@code folio->mapping = NULL}; {@code xa_unlock_irq}; {@code folio_put_refs(folio, nr)};
   * {@code BUG_ON(error)}. Context: folio locked; takes the mapping's xa_lock.
   */
  public static final class ShmemDeleteFromPageCache
      extends Routine<ShmemDeleteFromPageCache.Pc> {
    /** Steps. */
    public enum Pc { xa_lock_irq, shmem_replace_entry, clear_mapping, xa_unlock_irq,
      folio_put_refs }

    private static final StepNames<Pc> NAMES =
        StepNames.of("shmem_delete_from_page_cache", Pc.class);
    private AddressSpace mapping;
    private Folio folio;
    private Object radswap;
    private int error;

    public ShmemDeleteFromPageCache() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ShmemDeleteFromPageCache on(Folio folio, Object radswap) {
      this.folio = checkNotNull(folio, "folio");
      this.radswap = radswap;
      this.mapping = folio.peekMapping();
      checkArgument(mapping != null, "%s has no mapping", folio);
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xa_lock_irq:
          mapping.xaLockIrq(cpu);
          pc = Pc.shmem_replace_entry;
          return;
        case shmem_replace_entry:
          XaWrite.run(cpu, mapping, () -> {
            // folio->index of a locked page-cache folio is stable.
            XaState xas = new XaState(mapping.iPages(), folio.peekIndex());
            Object item = xas.load();
            if (item != folio) {
              error = ErrPtr.ENOENT;
              return;
            }
            error = 0;
            xas.store(radswap);
          });
          pc = Pc.clear_mapping;
          return;
        case clear_mapping:
          folio.writeMappingWord(cpu, null);
          pc = Pc.xa_unlock_irq;
          return;
        case xa_unlock_irq:
          mapping.xaUnlockIrq(cpu);
          pc = Pc.folio_put_refs;
          return;
        case folio_put_refs:
          folio.putRefs(cpu, folio.peekNrPages());
          if (error != 0) {
            cpu.bug("BUG_ON(error): shmem_replace_entry did not find " + folio,
                folio.subject("shmem_delete_from_page_cache", -1));
          }
          cpu.ret();
          return;
      }
    }
  }

  /**
   * {@code shmem_writeout(folio, plug, folio_list)} (mm/shmem.c, v6.16) for reclaim, folio locked
   * and clean-for-io: a large folio within {@code i_size} is swapped out whole
   * ({@code CONFIG_THP_SWAP}); {@code folio_alloc_swap} ({@link VmscanSwap.FolioAllocSwap}: slots
   * with {@code SWAP_HAS_CACHE} and the swap cache); {@code swap_duplicate_nr(folio->swap, nr)}
   * (the mapping's reference to the slots); {@link ShmemDeleteFromPageCache} with
   * {@code swp_to_radix_entry(folio->swap)}; {@code BUG_ON(folio_mapped(folio))};
   * {@code swap_writeout} ({@link VmscanSwap.SwapWriteout}, which unlocks the folio). No swap
   * space: {@code redirty} ({@code folio_mark_dirty}, {@code AOP_WRITEPAGE_ACTIVATE}, folio still
   * locked). Returns 0 or {@link VmscanSwap#AOP_WRITEPAGE_ACTIVATE}. Context: folio locked.
   */
  public static final class ShmemWriteout extends Routine<ShmemWriteout.Pc> {
    /** Steps. */
    public enum Pc { folio_alloc_swap, allocated, swap_duplicate_nr, delete_from_page_cache,
      swap_writeout, written, redirty }

    private static final StepNames<Pc> NAMES = StepNames.of("shmem_writeout", Pc.class);
    private final VmscanSwap.FolioAllocSwap allocSwap = new VmscanSwap.FolioAllocSwap();
    private final ShmemDeleteFromPageCache delete = new ShmemDeleteFromPageCache();
    private final VmscanSwap.SwapWriteout writeout = new VmscanSwap.SwapWriteout();
    private Inode inode;
    private Folio folio;
    private SwpEntry swap;

    public ShmemWriteout() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public ShmemWriteout on(Inode inode, Folio folio) {
      this.inode = checkNotNull(inode, "inode");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_alloc_swap:
          call(cpu, allocSwap.on(inode.swapCache, folio), Pc.allocated);
          return;
        case allocated:
          if ((Integer) cpu.retval() != 0) {
            pc = Pc.redirty;
            return;
          }
          // folio->swap was just set by this CPU, and the folio is locked.
          swap = folio.peekSwap();
          pc = Pc.swap_duplicate_nr;
          return;
        case swap_duplicate_nr:
          inode.si.swapDuplicateNr(cpu, swap, (int) folio.peekNrPages());
          pc = Pc.delete_from_page_cache;
          return;
        case delete_from_page_cache:
          call(cpu, delete.on(folio, swap.toRadix()), Pc.swap_writeout);
          return;
        case swap_writeout:
          SwapState.bugOnFolio(cpu, folio.peekMapcount() > 0, folio, "BUG_ON(folio_mapped(folio))");
          call(cpu, writeout.on(inode.si, folio), Pc.written);
          return;
        case written:
          cpu.ret(0);
          return;
        case redirty:
          folio.testAndSet(cpu, PageFlags.PG_dirty);
          cpu.ret(VmscanSwap.AOP_WRITEPAGE_ACTIVATE);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * An exit check of a shmem mapping and its swap device (see
   * {@link io.foliolab.sim.Machine#addExitCheck}), run when every CPU has finished: the kernel's
   * own invariants, not expected outcomes.
   * <ul>
   *   <li>every index of [first, last] holds a folio or a swap value (no data lost); a folio
   *       contains the index, belongs to the mapping, is unlocked and holds exactly the page
   *       cache's references; a value names a swap slot in use (count at least 1);
   *   <li>every folio in the swap cache is marked {@code PG_swapcache}, its {@code folio->swap}
   *       covers the slot, the slot has {@code SWAP_HAS_CACHE}, and it is unlocked; no slot has
   *       {@code SWAP_HAS_CACHE} without a folio in the cache (nobody is swapping in any more).
   * </ul>
   * Returns null or a message. Reads without accesses. The XArray's own structure check
   * ({@link XArray#validateStructure()}) is not part of it: {@code shmem_replace_entry} stores a
   * swap value over a large folio with an order-0 cursor, which counts one value in the node's
   * {@code nr_values} where the folio's sibling slots now also name it (as the kernel's
   * {@code xas_store} does), and the structure check counts siblings too.
   */
  public static io.foliolab.sim.Invariant checkAtExit(Inode inode, long first, long last) {
    return () -> checkSwap(inode, first, last);
  }

  static String checkSwap(Inode inode, long first, long last) {
    XArray xa = inode.mapping.iPages();
    io.foliolab.xarray.XaObserver o = xa.observer();
    xa.setObserver(null);
    try {
      for (long i = first; i <= last; i++) {
        Object e = new XaState(xa, i).load();
        if (e instanceof Folio f) {
          if (!f.peekContains(i) || f.peekMapping() != inode.mapping) {
            return "shmem index 0x" + Long.toHexString(i) + " holds " + f + " (index 0x"
                + Long.toHexString(f.peekIndex()) + ", order " + f.peekOrder() + ", mapping "
                + f.peekMappingWord() + ")";
          }
          if (f.peekRefcount() != f.peekNrPages()) {
            return f + " has refcount " + f.peekRefcount() + " at exit; the page cache holds "
                + f.peekNrPages() + " (a reference was leaked or lost)";
          }
          if (f.peekFlag(PageFlags.PG_locked)) {
            return f + " is still locked at exit";
          }
        } else if (XaEntry.isValue(e)) {
          SwpEntry s = SwpEntry.fromRadix(e);
          if (s.offset() >= inode.si.nslots() || inode.si.peekCount(s.offset()) == 0) {
            return "shmem index 0x" + Long.toHexString(i) + " holds " + s
                + ", whose slot is free (" + inode.si.describe() + ")";
          }
        } else {
          return "shmem index 0x" + Long.toHexString(i) + " holds " + XaEntry.describe(e)
              + ": its data is lost";
        }
      }
    } finally {
      xa.setObserver(o);
    }
    SwapInfo si = inode.si;
    for (long off = 0; off < si.nslots(); off++) {
      SwpEntry s = SwpEntry.of(si.type(), off);
      Folio f = inode.swapCache.peek(s);
      if (f == null) {
        if (si.peekHasCache(off)) {
          return "slot " + s + " has SWAP_HAS_CACHE but no folio in the swap cache at exit ("
              + si.describe() + ")";
        }
        continue;
      }
      SwpEntry fs = f.peekSwap();
      if (!f.peekFlag(PageFlags.PG_swapcache) || fs == null || off < fs.offset()
          || off >= fs.offset() + f.peekNrPages()) {
        return "the swap cache holds " + f + " at " + s + " but the folio says swapcache="
            + f.peekFlag(PageFlags.PG_swapcache) + ", swap=" + fs;
      }
      if (!si.peekHasCache(off)) {
        return "the swap cache holds " + f + " at " + s + " without SWAP_HAS_CACHE";
      }
      if (f.peekFlag(PageFlags.PG_locked)) {
        return f + " (in the swap cache) is still locked at exit";
      }
    }
    return null;
  }
}
