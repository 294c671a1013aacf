package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableLongArray;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepLocal;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaState;
import java.util.ArrayList;
import java.util.List;

/**
 * mm/khugepaged.c of the 5.4 - 5.9 era, file-backed ({@code CONFIG_READ_ONLY_THP_FOR_FS}) and
 * reduced to what the page-reuse race of 2020 needs (kernel-notes/mm-paths.md F): the scan loop
 * {@code khugepaged_do_scan} with its preallocated huge page, {@code khugepaged_prealloc_page} and
 * {@code khugepaged_alloc_page} in the NUMA and non-NUMA builds, and {@code collapse_file} with
 * its rollback. Shmem is not modelled here.
 *
 * <p>A huge page is a {@link Folio} of order {@code HPAGE_PMD_ORDER} (reduced in the scenarios)
 * taken from a {@link HugePages} pool; as in 5.8, {@code collapse_file} stores the head pointer
 * in every slot of the range.
 */
public final class Khugepaged {
  private Khugepaged() {}

  /**
   * {@code SCAN_SUCCEED} and the failures {@code collapse_file} can return here (the
   * {@code enum scan_result} of mm/khugepaged.c, v5.8).
   */
  public enum ScanResult { SCAN_SUCCEED, SCAN_PAGE_LOCK, SCAN_TRUNCATED, SCAN_PAGE_COUNT }

  /** The builds and patches modelled; each names what differs. */
  public enum Version {
    /**
     * v5.8 with {@code CONFIG_NUMA=n}: the page allocated by {@code khugepaged_prealloc_page} is
     * kept in {@code *hpage} after a failed collapse and reused by the next one;
     * {@code collapse_file} marks it locked with {@code __SetPageLocked} (non-atomic).
     */
    V5_8_NONUMA(false, false, false),
    /**
     * Hugh Dickins' first attempt (2020, not merged; described in 033b5d775511's message): as
     * {@link #V5_8_NONUMA} but {@code lock_page(new_page)} instead of {@code __SetPageLocked}.
     * Where the patch put it is not recorded in the notes; the model takes the lock before
     * {@code xas_lock_irq} (one cannot sleep under the spinlock).
     */
    LOCK_PAGE(false, true, false),
    /**
     * 033b5d775511 "mm/khugepaged: fix filemap page_to_pgoff(page) != offset" (v5.9): the
     * non-NUMA {@code khugepaged_prealloc_page} first drops {@code *hpage} if
     * {@code page_count(*hpage) > 1} and allocates a fresh page.
     */
    FIX_033B5D775511(false, false, true),
    /**
     * v5.8 with {@code CONFIG_NUMA=y}: {@code khugepaged_prealloc_page} puts any leftover
     * {@code *hpage}; {@code khugepaged_alloc_page} allocates a fresh page for every collapse.
     */
    V5_8_NUMA(true, false, false);

    final boolean numa;
    final boolean lockPage;
    final boolean dropShared;

    Version(boolean numa, boolean lockPage, boolean dropShared) {
      this.numa = numa;
      this.lockPage = lockPage;
      this.dropShared = dropShared;
    }
  }

  // ===============================================================================================

  /**
   * The free huge pages the buddy allocator (mm/page_alloc.c, v5.8) hands to khugepaged
   * (mm/khugepaged.c, v5.8), created at set-up (free:
   * refcount 0), in allocation order. {@code __alloc_pages_node(node, gfp, HPAGE_PMD_ORDER)} /
   * {@code khugepaged_alloc_hugepage} takes the next one; {@code prep_new_page} sets its refcount
   * to 1 ({@code set_page_refcounted}, one atomic store). Allocation never fails in the model.
   * Only khugepaged allocates, so the pool itself is not shared state.
   */
  public static final class HugePages implements StepLocal {
    private final ImmutableList<Folio> pages;
    private int next;

    /** A pool of {@code pages}, each a free compound page (refcount 0). */
    public HugePages(List<Folio> pages) {
      this.pages = ImmutableList.copyOf(pages);
      for (Folio f : this.pages) {
        checkArgument(f.peekRefcount() == 0, "%s has refcount %s; a free page has 0", f,
            f.peekRefcount());
      }
    }

    /** Every page of the pool, allocated or not. */
    public ImmutableList<Folio> all() {
      return pages;
    }

    /**
     * {@code khugepaged_alloc_hugepage} (mm/khugepaged.c, v5.8, non-NUMA; through
     * {@code __alloc_pages_node} and {@code prep_new_page}): takes the next free page and sets its
     * refcount to 1 as this step's one action. Returns the page. Context: the khugepaged
     * kthread; never fails in the model.
     *
     * @throws IllegalStateException if the pool is exhausted (the scenario needs more pages)
     */
    Folio alloc(Cpu cpu) {
      if (next >= pages.size()) {
        throw new IllegalStateException("huge page pool of " + pages.size()
            + " pages exhausted: the model needs more");
      }
      Folio f = pages.get(next);
      cpu.atomicSet(f.refcount, 1);
      next++;
      return f;
    }
  }

  // ===============================================================================================

  /**
   * {@code khugepaged_do_scan()} (mm/khugepaged.c, 5.8) reduced to a sequence of
   * {@code collapse_file} attempts on one file at the given {@code starts}, sharing one local
   * {@code hpage}: per attempt {@code khugepaged_prealloc_page(&hpage, &wait)} then
   * {@code collapse_file(mm, file, start, &hpage, node)}; at the end, if {@code hpage} is a page,
   * {@code put_page(hpage)}.
   *
   * <p>{@code khugepaged_prealloc_page}: non-NUMA: (033b5d775511 only: if {@code *hpage} and
   * {@code page_count(*hpage) > 1}, {@code put_page} and forget it) if {@code *hpage} is NULL,
   * {@code khugepaged_alloc_hugepage}. NUMA: if {@code *hpage}, {@code put_page} it and set it
   * NULL. Context: the khugepaged kthread, no locks (the mmap lock and {@code khugepaged_mm_lock}
   * of the real scan are not modelled). Returns nothing; the results of the collapses are in
   * {@link #results()}.
   */
  public static final class DoScan extends Routine<DoScan.Pc> {
    /** Steps. */
    public enum Pc { khugepaged_prealloc_page, page_count, put_page, khugepaged_alloc_hugepage,
      collapse_file, collapsed, put_hpage }

    private static final StepNames<Pc> NAMES = StepNames.of("khugepaged_do_scan", Pc.class);
    private final Version version;
    private final CollapseFile collapse;
    private AddressSpace mapping;
    private HugePages pool;
    private ImmutableLongArray starts;
    private int i;
    private Folio hpage;
    private final List<ScanResult> results = new ArrayList<>();

    public DoScan(Version version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
      this.collapse = new CollapseFile(version);
    }

    /** Binds the file, the allocator and the collapse starts (each aligned to the huge page). */
    public DoScan on(AddressSpace mapping, HugePages pool, ImmutableLongArray starts) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.pool = checkNotNull(pool, "pool");
      this.starts = checkNotNull(starts, "starts");
      return this;
    }

    /** The result of each collapse attempt so far. */
    public List<ScanResult> results() {
      return results;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case khugepaged_prealloc_page:
          if (version.numa) {
            pc = hpage != null ? Pc.put_page : Pc.collapse_file;
          } else if (version.dropShared && hpage != null) {
            pc = Pc.page_count;
          } else {
            pc = hpage == null ? Pc.khugepaged_alloc_hugepage : Pc.collapse_file;
          }
          return;
        case page_count:                    // 033b5d775511: if (page_count(*hpage) > 1)
          pc = hpage.refCount(cpu) > 1 ? Pc.put_page : Pc.collapse_file;
          return;
        case put_page:
          hpage.put(cpu);
          hpage = null;
          pc = version.numa ? Pc.collapse_file : Pc.khugepaged_alloc_hugepage;
          return;
        case khugepaged_alloc_hugepage:
          hpage = pool.alloc(cpu);
          pc = Pc.collapse_file;
          return;
        case collapse_file:
          call(cpu, collapse.on(mapping, starts.get(i), hpage, pool), Pc.collapsed);
          return;
        case collapsed:
          results.add((ScanResult) cpu.retval());
          hpage = collapse.hpage();
          i++;
          pc = i < starts.length() ? Pc.khugepaged_prealloc_page : Pc.put_hpage;
          return;
        case put_hpage:
          if (hpage != null) {
            hpage.put(cpu);
            hpage = null;
          }
          cpu.ret();
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code collapse_file(mm, file, start, hpage, node)} (mm/khugepaged.c, 5.8; the parent of
   * 033b5d775511) for a regular file whose range [start, start + nr) is fully cached with small,
   * clean, uptodate, unmapped pages on the LRU.
   *
   * <ol>
   *   <li>{@code khugepaged_alloc_page}: NUMA: a fresh page (refcount 1); non-NUMA:
   *       {@code VM_BUG_ON(!*hpage)}, the same {@code *hpage}.
   *   <li>({@link Version#LOCK_PAGE}: {@code lock_page(new_page)}.) {@code xas_lock_irq};
   *       {@code xas_create_range} (the nodes exist: no allocation, no step);
   *       {@code __SetPageLocked(new_page)} (a non-atomic load and store of the flags word);
   *       {@code new_page->index = start}; {@code new_page->mapping = mapping}.
   *   <li>Per index: {@code xas_next} (here {@code xas_set} + {@code xas_load});
   *       {@code trylock_page} (failure: {@code SCAN_PAGE_LOCK}); {@code get_page};
   *       {@code xas_unlock_irq}; {@code page_mapping(page) != mapping} → {@code SCAN_TRUNCATED};
   *       {@code isolate_lru_page} (its reference; the LRU lists are not modelled);
   *       {@code xas_lock_irq}; {@code VM_BUG_ON_PAGE(page != xas_load(&xas))};
   *       {@code page_ref_freeze(page, 3)} (failure: {@code SCAN_PAGE_COUNT},
   *       {@code xas_unlock_irq}, {@code putback_lru_page}, {@code out_unlock:}
   *       {@code unlock_page}, {@code put_page}); {@code xas_store(&xas, new_page)}.
   *   <li>Success: per old page {@code page->mapping = NULL}, {@code page_ref_unfreeze(page, 1)},
   *       {@code unlock_page}, {@code put_page}; {@code SetPageUptodate(new_page)};
   *       {@code page_ref_add(new_page, HPAGE_PMD_NR - 1)}; {@code *hpage = NULL}.
   *   <li>Failure: {@code xas_lock_irq}; per isolated old page {@code page_ref_unfreeze(page, 2)},
   *       {@code xas_store(&xas, page)}, {@code xas_unlock_irq}, {@code unlock_page},
   *       {@code putback_lru_page}, {@code xas_lock_irq}; {@code xas_unlock_irq};
   *       {@code new_page->mapping = NULL}. {@code *hpage} is kept.
   *   <li>{@code unlock_page(new_page)}.
   * </ol>
   *
   * Not modelled: the memcg charge, the copy of the data, {@code PageUptodate},
   * {@code PageTransCompound}, dirty/writeback and private-data checks (the pages are clean and
   * have none), unmapping (none is mapped), the statistics, {@code lru_cache_add(new_page)} and
   * {@code retract_page_tables}; holes and value entries (every index is cached). Context: the
   * khugepaged kthread; takes {@code xa_lock} in stretches, old pages locked one by one. Returns
   * the {@link ScanResult}; {@link #hpage()} is {@code *hpage} afterwards.
   */
  public static final class CollapseFile extends Routine<CollapseFile.Pc> {
    /** Steps. */
    public enum Pc { khugepaged_alloc_page, lock_page, xas_lock_irq, __SetPageLocked, set_index,
      set_mapping, xas_next, xas_next_loaded, trylock_page, get_page, xas_unlock_irq,
      page_mapping, isolate_lru_page, xas_relock, xas_load, xas_loaded, page_ref_freeze,
      xas_store, count_xas_unlock, putback_lru_page, out_unlock, put_page, xa_locked,
      xa_unlocked, clear_old_mapping, unfreeze_old, unlock_old, put_old, SetPageUptodate,
      page_ref_add, rollback_xas_lock, rollback_unfreeze, rollback_store, rollback_xas_unlock,
      rollback_unlock_page, rollback_putback, rollback_relock, rollback_done, clear_mapping,
      unlock_new_page, out }

    private static final StepNames<Pc> NAMES = StepNames.of("collapse_file", Pc.class);
    private final Version version;
    private final LibXarray.XasLoad xasLoad = new LibXarray.XasLoad();
    private final Filemap58.UnlockPage unlockPage = new Filemap58.UnlockPage();
    private final List<Folio> pagelist = new ArrayList<>();
    private AddressSpace mapping;
    private HugePages pool;
    private long start;
    private long end;
    private Folio hpage;
    private Folio newPage;
    private XaState xas;
    private long index;
    private Folio page;
    private int k;
    private ScanResult result;

    public CollapseFile(Version version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
    }

    /** Binds the arguments: the file, the start index, {@code *hpage} and the allocator. */
    public CollapseFile on(AddressSpace mapping, long start, Folio hpage, HugePages pool) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.start = start;
      this.hpage = hpage;
      this.pool = checkNotNull(pool, "pool");
      return this;
    }

    /** {@code *hpage} after the call. */
    public Folio hpage() {
      return hpage;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case khugepaged_alloc_page:
          if (version.numa) {                 // VM_BUG_ON_PAGE(*hpage); *hpage = alloc
            checkArgumentState(hpage == null, "NUMA khugepaged_alloc_page with *hpage set");
            hpage = pool.alloc(cpu);
          } else {
            checkArgumentState(hpage != null, "VM_BUG_ON(!*hpage)");
          }
          // LIST_HEAD(pagelist); int result = SCAN_SUCCEED: locals, set after the action.
          pagelist.clear();
          result = ScanResult.SCAN_SUCCEED;
          newPage = hpage;
          end = start + newPage.peekNrPages();
          checkArgument((start & (newPage.peekNrPages() - 1)) == 0,
              "collapse start 0x%s is not aligned to the huge page", Long.toHexString(start));
          xas = new XaState(mapping.iPages(), start);
          pc = version.lockPage ? Pc.lock_page : Pc.xas_lock_irq;
          return;
        case lock_page:
          newPage.lock(cpu);
          pc = Pc.xas_lock_irq;
          return;
        case xas_lock_irq:
          mapping.xaLockIrq(cpu);
          pc = version.lockPage ? Pc.set_index : Pc.__SetPageLocked;
          return;
        case __SetPageLocked:                 // load here, the store is this CPU's next step
          newPage.nonAtomicSetLocked(cpu);
          pc = Pc.set_index;
          return;
        case set_index:
          newPage.writeIndex(cpu, start);
          pc = Pc.set_mapping;
          return;
        case set_mapping:
          newPage.writeMapping(cpu, mapping);
          index = start;
          pc = Pc.xas_next;
          return;
        case xas_next:                        // page = xas_next(&xas), under xa_lock
          xas.set(index);
          call(cpu, xasLoad.on(xas), Pc.xas_next_loaded);
          return;
        case xas_next_loaded: {
          Object e = cpu.retval();
          if (!(e instanceof Folio) || XaEntry.isValue(e)) {
            throw new IllegalStateException("collapse_file: index 0x" + Long.toHexString(index)
                + " holds " + XaEntry.describe(e) + "; holes and readahead are not modelled");
          }
          page = (Folio) e;
          pc = Pc.trylock_page;
          return;
        }
        case trylock_page:
          if (!page.trylock(cpu)) {
            result = ScanResult.SCAN_PAGE_LOCK;
            pc = Pc.xa_locked;
            return;
          }
          pc = Pc.get_page;
          return;
        case get_page:
          page.get(cpu);
          pc = Pc.xas_unlock_irq;
          return;
        case xas_unlock_irq:
          mapping.xaUnlockIrq(cpu);
          pc = Pc.page_mapping;
          return;
        case page_mapping:
          if (page.readMapping(cpu) != mapping) {
            result = ScanResult.SCAN_TRUNCATED;
            pc = Pc.out_unlock;
            return;
          }
          pc = Pc.isolate_lru_page;
          return;
        case isolate_lru_page:
          page.get(cpu);
          pc = Pc.xas_relock;
          return;
        case xas_relock:
          mapping.xaLockIrq(cpu);
          xas.set(index);
          pc = Pc.xas_load;
          return;
        case xas_load:
          call(cpu, xasLoad.on(xas), Pc.xas_loaded);
          return;
        case xas_loaded:
          if (cpu.retval() != page) {
            String why = "VM_BUG_ON_PAGE(page != xas_load(&xas))";
            cpu.bug(why, page.subject(why, index));
            return;
          }
          pc = Pc.page_ref_freeze;
          return;
        case page_ref_freeze:
          if (!page.refFreeze(cpu, 3)) {
            result = ScanResult.SCAN_PAGE_COUNT;
            pc = Pc.count_xas_unlock;
            return;
          }
          pagelist.add(page);
          pc = Pc.xas_store;
          return;
        case xas_store: {
          Folio np = newPage;
          cpu.xaWrite(() -> xas.store(np));
          index++;
          pc = index < end ? Pc.xas_next : Pc.xa_locked;
          return;
        }
        case count_xas_unlock:
          mapping.xaUnlockIrq(cpu);
          pc = Pc.putback_lru_page;
          return;
        case putback_lru_page:
          page.put(cpu);
          pc = Pc.out_unlock;
          return;
        case out_unlock:
          call(cpu, unlockPage.on(page), Pc.put_page);
          return;
        case put_page:
          page.put(cpu);
          pc = Pc.xa_unlocked;
          return;
        case xa_locked:
          mapping.xaUnlockIrq(cpu);
          pc = Pc.xa_unlocked;
          return;
        case xa_unlocked:
          k = 0;
          if (result == ScanResult.SCAN_SUCCEED) {
            pc = Pc.clear_old_mapping;
          } else {
            pc = Pc.rollback_xas_lock;
          }
          return;
        // ---- success
        case clear_old_mapping:
          pagelist.get(k).writeMapping(cpu, null);
          pc = Pc.unfreeze_old;
          return;
        case unfreeze_old:
          pagelist.get(k).refUnfreeze(cpu, 1);
          pc = Pc.unlock_old;
          return;
        case unlock_old:
          call(cpu, unlockPage.on(pagelist.get(k)), Pc.put_old);
          return;
        case put_old:
          pagelist.get(k).put(cpu);
          k++;
          pc = k < pagelist.size() ? Pc.clear_old_mapping : Pc.SetPageUptodate;
          return;
        case SetPageUptodate:
          newPage.set(cpu, PageFlags.PG_uptodate);
          pc = Pc.page_ref_add;
          return;
        case page_ref_add:
          newPage.refAdd(cpu, newPage.peekNrPages() - 1);
          hpage = null;
          pc = Pc.unlock_new_page;
          return;
        // ---- failure: roll back the page cache
        case rollback_xas_lock:
          mapping.xaLockIrq(cpu);
          pc = pagelist.isEmpty() ? Pc.rollback_done : Pc.rollback_unfreeze;
          return;
        case rollback_unfreeze:
          pagelist.get(k).refUnfreeze(cpu, 2);
          pc = Pc.rollback_store;
          return;
        case rollback_store: {
          Folio old = pagelist.get(k);
          long at = start + k;
          cpu.xaWrite(() -> {
            xas.set(at);
            xas.store(old);
          });
          pc = Pc.rollback_xas_unlock;
          return;
        }
        case rollback_xas_unlock:
          mapping.xaUnlockIrq(cpu);
          pc = Pc.rollback_unlock_page;
          return;
        case rollback_unlock_page:
          call(cpu, unlockPage.on(pagelist.get(k)), Pc.rollback_putback);
          return;
        case rollback_putback:
          pagelist.get(k).put(cpu);
          k++;
          pc = Pc.rollback_relock;
          return;
        case rollback_relock:
          mapping.xaLockIrq(cpu);
          pc = k < pagelist.size() ? Pc.rollback_unfreeze : Pc.rollback_done;
          return;
        case rollback_done:
          mapping.xaUnlockIrq(cpu);
          pagelist.clear();
          pc = Pc.clear_mapping;
          return;
        case clear_mapping:
          newPage.writeMapping(cpu, null);
          pc = Pc.unlock_new_page;
          return;
        case unlock_new_page:
          call(cpu, unlockPage.on(newPage), Pc.out);
          return;
        case out:
          cpu.ret(result);
          return;
      }
    }

    private static void checkArgumentState(boolean ok, String what) {
      if (!ok) {
        throw new IllegalStateException("collapse_file: " + what);
      }
    }
  }
}
