package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableLongArray;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.Filemap58;
import io.foliolab.mm.Folio;
import io.foliolab.mm.Khugepaged;
import io.foliolab.mm.PageFlags;
import io.foliolab.sim.Invariant;
import io.foliolab.sim.Model;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaState;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code khugepaged-reuse} (seed 004; kernel-notes/mm-paths.md F and S6): khugepaged without NUMA
 * reuses its preallocated huge page after a failed {@code collapse_file}, while a fault that
 * found the page during the failed collapse still holds a reference and waits for its lock.
 */
public final class KhugepagedReuse implements Scenario {
  /** Variant names. */
  public static final String V5_8_NONUMA = "v5.8-nonuma";
  public static final String LOCK_PAGE = "lock_page";
  public static final String FIX = "033b5d775511";
  public static final String V5_8_NUMA = "v5.8-numa";

  static final long OLD_PFN = 0x1000;
  static final long HUGE_PFN = 0x8000;

  @Override
  public String name() {
    return "khugepaged-reuse";
  }

  @Override
  public String seed() {
    return "004";
  }

  @Override
  public String description() {
    return "A read-only THP file (5.8 page cache: one slot per index) of 2 * 2^hpage_order small"
        + " pages, all cached, clean, uptodate and on the LRU; HPAGE_PMD_ORDER is reduced to"
        + " hpage_order. The old page at index A + pinned_at (A = 2^hpage_order) holds one extra"
        + " reference from some other user. CPU 0 is khugepaged_do_scan: collapse_file at start A"
        + " (which fails with SCAN_PAGE_COUNT at the pinned page and rolls back), then"
        + " collapse_file at start 0, with khugepaged_prealloc_page / khugepaged_alloc_page as the"
        + " variant builds them. CPU 1 takes a read fault at index A + fault_at (filemap_fault:"
        + " find_get_page, lock_page, mapping check, VM_BUG_ON_PAGE(page_to_pgoff(page) !="
        + " offset)), then unlocks and drops the page. Checks: the XArray validates after every"
        + " published write-side operation; at exit every index maps to an unlocked page of this"
        + " file that covers it, with exactly the page cache's references (plus the pin), and"
        + " every page outside the cache is free (no leaked reference).";
  }

  @Override
  public String pressure() {
    return "No choice point: the huge-page allocations of khugepaged (khugepaged_alloc_hugepage,"
        + " __alloc_pages_node) never fail in the model and the XArray needs no node allocation"
        + " (every index is cached up front). The concurrent reference that makes the first"
        + " collapse fail is part of the initial state, not an agent; p has no effect.";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("hpage_order", 2, 1, 3,
            "order of khugepaged's huge page (HPAGE_PMD_ORDER, 9 in the kernel)"),
        Param.of("fault_at", 1, 0, 7,
            "faulting index, relative to the first collapse's start A (must be < 2^hpage_order)"),
        Param.of("pinned_at", 2, 0, 7, "index of the extra-referenced old page, relative to A"
            + " (must be < 2^hpage_order); the first collapse fails there"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(V5_8_NONUMA, LOCK_PAGE, FIX, V5_8_NUMA);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case V5_8_NONUMA:
        return "v5.8, CONFIG_NUMA=n: the huge page stays in *hpage after a failed collapse and"
            + " is reused by the next one; collapse_file marks it locked with __SetPageLocked"
            + " (a non-atomic store of the flags word).";
      case LOCK_PAGE:
        return "Hugh Dickins' first patch (2020, not merged): v5.8-nonuma with lock_page(new_page)"
            + " instead of __SetPageLocked (taken before xa_lock).";
      case FIX:
        return "033b5d775511 (v5.9) \"mm/khugepaged: fix filemap page_to_pgoff(page) != offset\":"
            + " non-NUMA khugepaged_prealloc_page drops *hpage when page_count(*hpage) > 1 and"
            + " allocates a fresh page.";
      default:
        return "v5.8, CONFIG_NUMA=y: khugepaged_prealloc_page puts the leftover *hpage and"
            + " khugepaged_alloc_page allocates a fresh page for every collapse.";
    }
  }

  static Khugepaged.Version version(String variant) {
    switch (variant) {
      case V5_8_NONUMA:
        return Khugepaged.Version.V5_8_NONUMA;
      case LOCK_PAGE:
        return Khugepaged.Version.LOCK_PAGE;
      case FIX:
        return Khugepaged.Version.FIX_033B5D775511;
      default:
        return Khugepaged.Version.V5_8_NUMA;
    }
  }

  @Override
  public Model model(String variant, Params params) {
    Khugepaged.Version version = version(checkVariant(variant));
    int order = params.getInt("hpage_order");
    long nr = 1L << order;
    long faultAt = params.get("fault_at");
    long pinnedAt = params.get("pinned_at");
    checkArgument(faultAt < nr, "scenario %s: fault_at=%s must be < 2^hpage_order = %s",
        name(), faultAt, nr);
    checkArgument(pinnedAt < nr, "scenario %s: pinned_at=%s must be < 2^hpage_order = %s",
        name(), pinnedAt, nr);
    long a = nr;
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m).iSize((2 * nr) << Folio.PAGE_SHIFT).build();
      List<Folio> old = new ArrayList<>();
      Map<Folio, Long> pins = new IdentityHashMap<>();
      for (long i = 0; i < 2 * nr; i++) {
        boolean pinned = i == a + pinnedAt;
        Folio f = Folio.create(m, OLD_PFN + i, i, 0, pinned ? 2 : 1);
        f.initFlags(PageFlags.PG_uptodate, PageFlags.PG_lru);
        mapping.addAtSetUp(f);
        old.add(f);
        if (pinned) {
          pins.put(f, 1L);
        }
      }
      List<Folio> huge = new ArrayList<>();
      for (int h = 0; h < 2; h++) {
        // A free compound page; its index is meaningless until collapse_file sets it. The model
        // starts it outside the file (0x100, 0x200) so that its name in traces is unique.
        huge.add(Folio.create(m, HUGE_PFN + (h << order), 0x100L * (h + 1), order, 0));
      }
      Khugepaged.HugePages pool = new Khugepaged.HugePages(huge);
      m.addCpu(new Khugepaged.DoScan(version).on(mapping, pool, ImmutableLongArray.of(a, 0)));
      m.addCpu(new Filemap58.ReadFault().on(mapping, a + faultAt));
      List<Folio> all = new ArrayList<>(old);
      all.addAll(huge);
      m.addExitCheck(atExit(mapping, 2 * nr, all, pins));
      mapping.xaBinding().checkAfterEachOperation();
    };
  }

  /**
   * The exit check: every index in [0, size) holds a page of {@code mapping} that covers it
   * ({@code page_to_pgoff} of the subpage equals the index), unlocked, holding exactly the page
   * cache's references ({@code 2^order} for a collapsed page, 1 for a small one) plus its pins;
   * every other page of {@code all} holds only its pins (0: freed).
   */
  static Invariant atExit(AddressSpace mapping, long size, List<Folio> all,
      Map<Folio, Long> pins) {
    return () -> {
      XArray xa = mapping.iPages();
      XaObserver o = xa.observer();
      xa.setObserver(null);
      try {
        Map<Folio, Boolean> cached = new IdentityHashMap<>();
        for (long i = 0; i < size; i++) {
          Object e = new XaState(xa, i).load();
          if (!(e instanceof Folio)) {
            return "page cache index 0x" + Long.toHexString(i) + " holds "
                + XaEntry.describe(e);
          }
          Folio f = (Folio) e;
          if (!f.peekContains(i)) {
            return "page cache index 0x" + Long.toHexString(i) + " holds " + f + " (index 0x"
                + Long.toHexString(f.peekIndex()) + ", order " + f.peekOrder()
                + "), which does not cover it";
          }
          if (f.peekMapping() != mapping) {
            return f + " at index 0x" + Long.toHexString(i) + " has mapping "
                + f.peekMapping();
          }
          if (f.peekFlag(PageFlags.PG_locked)) {
            return f + " is still locked at exit";
          }
          cached.put(f, Boolean.TRUE);
        }
        for (Folio f : all) {
          long want = pins.getOrDefault(f, 0L) + (cached.containsKey(f) ? f.peekNrPages() : 0);
          if (f.peekRefcount() != want) {
            return f + " has refcount " + f.peekRefcount() + " at exit; expected " + want
                + (cached.containsKey(f) ? " (in the page cache)" : " (not cached)")
                + ": a reference was leaked or lost";
          }
        }
        return null;
      } finally {
        xa.setObserver(o);
      }
    };
  }
}
