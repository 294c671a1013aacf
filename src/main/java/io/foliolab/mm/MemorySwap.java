package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;

/**
 * mm/memory.c, v6.16: a process touching an anonymous page that reclaim may have swapped out, and
 * {@code do_swap_page} for a page still in the swap cache. Kept apart from {@code Memory} (file
 * faults) so that the two can be developed side by side; both model mm/memory.c.
 */
public final class MemorySwap {
  private MemorySwap() {}

  /**
   * A read access by a process to the page mapped by page-table entry {@code pte} of {@code mm}:
   * the hardware walk reads the entry; present: done; a swap entry: the page fault
   * ({@code handle_mm_fault} → {@code handle_pte_fault}, mm/memory.c, v6.16) calls
   * {@link DoSwapPage}. Returns 0 or
   * the fault's {@code vm_fault_t}. Context: process context, mmap lock (or per-VMA lock) held
   * for read (not modelled).
   */
  public static final class UserAccess extends Routine<UserAccess.Pc> {
    /** Steps. */
    public enum Pc { ptep_get, faulted }

    private static final StepNames<Pc> NAMES = StepNames.of("handle_pte_fault", Pc.class);
    private final DoSwapPage doSwapPage = new DoSwapPage();
    private MmStruct mm;
    private int pte;
    private SwapState cache;

    public UserAccess() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public UserAccess on(MmStruct mm, int pte, SwapState cache) {
      this.mm = checkNotNull(mm, "mm");
      this.pte = pte;
      this.cache = checkNotNull(cache, "cache");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case ptep_get: {
          Object e = mm.readPte(cpu, pte);
          if (e instanceof SwpEntry s) {
            call(cpu, doSwapPage.on(mm, pte, s, cache), Pc.faulted);
            return;
          }
          cpu.ret(0);
          return;
        }
        case faulted:
          cpu.ret(cpu.retval());
          return;
      }
    }
  }

  /**
   * {@code do_swap_page(vmf)} (mm/memory.c, v6.16) for a read fault on swap entry {@code entry}
   * whose folio is in the swap cache: {@code swap_cache_get_folio} (a miss, i.e. reading the page
   * back from the device, is not modelled: the scenarios keep the folio cached;
   * {@link IllegalStateException}); {@code folio_lock_or_retry}; {@code out_page} unless still in
   * the swap cache with {@code folio->swap} the entry; under the page-table lock
   * {@code pte_same} (else {@code out_nomap}) and uptodate; {@code swap_free_nr(entry, 1)};
   * {@code should_try_to_free_swap} is false for a read fault with swap not full (the folio stays
   * in the swap cache); {@code add_mm_counter(MM_ANONPAGES, 1)},
   * {@code add_mm_counter(MM_SWAPENTS, -1)}; the rmap: {@code folio_test_anon} (one load of
   * {@code folio->mapping}) true: {@code folio_add_anon_rmap_ptes} ({@code _mapcount} + 1);
   * false (a folio that is not, or no longer, anonymous: since "mm: use
   * folio_add_new_anon_rmap() if folio_test_anon(folio)==false", v6.11):
   * {@code folio_add_new_anon_rmap}: {@code __folio_set_anon} stores the VMA's anon_vma and the
   * page's linear index in {@code folio->mapping} and {@code ->index}, and {@code _mapcount} is
   * set to 0; {@code set_ptes}; {@code folio_unlock}. The lookup's reference becomes the page
   * table's. Returns 0
   * ({@code out_page}/{@code out_nomap} also return 0 after dropping the folio). Context: mmap
   * lock for read; takes the folio lock.
   */
  public static final class DoSwapPage extends Routine<DoSwapPage.Pc> {
    /** Steps ({@code out_page}, {@code out_nomap} are the kernel's labels). */
    public enum Pc { swap_cache_get_folio, folio_lock, folio_test_swapcache, page_swap_entry,
      pte_same, folio_test_uptodate, swap_free_nr, inc_anon, dec_swapents, folio_test_anon,
      folio_add_anon_rmap_ptes, set_anon_mapping, set_anon_index, set_mapcount, set_ptes,
      folio_unlock, out_page, out_page_put }

    private static final StepNames<Pc> NAMES = StepNames.of("do_swap_page", Pc.class);
    private final SwapState.SwapCacheGetFolio getFolio = new SwapState.SwapCacheGetFolio();
    private MmStruct mm;
    private int pte;
    private SwpEntry entry;
    private SwapState cache;
    private Folio folio;

    public DoSwapPage() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public DoSwapPage on(MmStruct mm, int pte, SwpEntry entry, SwapState cache) {
      this.mm = checkNotNull(mm, "mm");
      this.pte = pte;
      this.entry = checkNotNull(entry, "entry");
      this.cache = checkNotNull(cache, "cache");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case swap_cache_get_folio:
          call(cpu, getFolio.on(cache, entry), Pc.folio_lock);
          return;
        case folio_lock: {
          Folio f = (Folio) cpu.retval();
          if (f == null) {
            throw new IllegalStateException("do_swap_page: " + entry + " is not in the swap"
                + " cache; reading it back from the device is not modelled");
          }
          f.lock(cpu);
          folio = f;
          pc = Pc.folio_test_swapcache;
          return;
        }
        case folio_test_swapcache:
          pc = folio.test(cpu, PageFlags.PG_swapcache) ? Pc.page_swap_entry : Pc.out_page;
          return;
        case page_swap_entry: {
          SwpEntry s = folio.readSwap(cpu);
          pc = s != null && s.val() == entry.val() ? Pc.pte_same : Pc.out_page;
          return;
        }
        case pte_same:
          pc = entry.equals(mm.readPte(cpu, pte)) ? Pc.folio_test_uptodate : Pc.out_page;
          return;
        case folio_test_uptodate:
          if (!folio.test(cpu, PageFlags.PG_uptodate)) {
            throw new IllegalStateException("do_swap_page: VM_FAULT_SIGBUS path not modelled");
          }
          pc = Pc.swap_free_nr;
          return;
        case swap_free_nr:
          cache.swapInfo().swapFreeNr(cpu, entry, 1);
          pc = Pc.inc_anon;
          return;
        case inc_anon:
          mm.addCounter(cpu, MmStruct.MM_ANONPAGES, 1);
          pc = Pc.dec_swapents;
          return;
        case dec_swapents:
          mm.addCounter(cpu, MmStruct.MM_SWAPENTS, -1);
          pc = Pc.folio_test_anon;
          return;
        case folio_test_anon:
          // The folio is locked by this CPU, and every modelled writer of ->mapping holds the
          // folio lock.
          pc = folio.testAnon(cpu) ? Pc.folio_add_anon_rmap_ptes : Pc.set_anon_mapping;
          return;
        case folio_add_anon_rmap_ptes:
          cpu.atomicAdd(folio.mapcount, 1);
          pc = Pc.set_ptes;
          return;
        case set_anon_mapping:
          folio.writeMappingWord(cpu, mm.anonVma());
          pc = Pc.set_anon_index;
          return;
        case set_anon_index:
          folio.writeIndex(cpu, mm.linearIndex(pte));
          pc = Pc.set_mapcount;
          return;
        case set_mapcount:
          cpu.atomicSet(folio.mapcount, 0);
          pc = Pc.set_ptes;
          return;
        case set_ptes:
          mm.setPte(cpu, pte, folio.page(0));
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          cpu.ret(0);
          return;
        case out_page:
          folio.unlock(cpu);
          pc = Pc.out_page_put;
          return;
        case out_page_put:
          folio.put(cpu);
          cpu.ret(0);
          return;
      }
    }
  }
}
