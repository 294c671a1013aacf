package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.AnonVma;
import io.foliolab.mm.Folio;
import io.foliolab.mm.MemorySwap;
import io.foliolab.mm.MmStruct;
import io.foliolab.mm.PageAllocator;
import io.foliolab.mm.PageFlags;
import io.foliolab.mm.Shmem;
import io.foliolab.mm.SwapInfo;
import io.foliolab.mm.SwapState;
import io.foliolab.mm.SwpEntry;
import io.foliolab.mm.VmscanSwap;
import io.foliolab.sim.Model;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaGfp;

/**
 * {@code shmem-anon-hijack} (seed 002, kernel-notes/mm-paths.md E.8, S5): a shmem swap-in that
 * looks a slot up in the swap cache after a racing swap-in freed it and an anonymous swap-out
 * reused it finds an anonymous folio there.
 */
public final class ShmemAnonHijack implements Scenario {
  /** Variant names. */
  public static final String V5 = "v5";
  public static final String V6 = "v6";

  /** The process's mm, as the report printed it. */
  static final String MM_NAME = "ffff0000c1539640";

  @Override
  public String name() {
    return "shmem-anon-hijack";
  }

  @Override
  public String seed() {
    return "002";
  }

  @Override
  public String description() {
    return "A tmpfs file whose page `index` is swapped out to slot `slot` of a zram device"
        + " (SWP_SYNCHRONOUS_IO; lower slots are in use, so the next allocation gets `slot` as"
        + " soon as it is free, else `slot`+1). CPUs 0 and 1 both read page `index`"
        + " (shmem_get_folio_gfp -> shmem_swapin_folio). CPU 2 is process Q (mm " + MM_NAME
        + ", rss MM_ANONPAGES 1), which enters direct reclaim and swaps out its own anonymous"
        + " folio: shrink_folio_list -> add_to_swap, try_to_unmap, pageout; the device fails the"
        + " write (zram cannot store it), so the folio stays dirty in the swap cache; then Q"
        + " touches the page again: do_swap_page maps the folio from the swap cache (a read"
        + " fault leaves it there; a folio that is no longer anonymous gets Q's anon_vma back"
        + " through folio_add_new_anon_rmap). Q exits after the CPUs finish: exit_mmap zaps its"
        + " page table"
        + " and check_mm reports any rss counter not back to 0. Further exit checks: the"
        + " anonymous folio still has its anon_vma; the tmpfs XArray is valid, each folio"
        + " contains its index and holds only the cache's references, swap values name used"
        + " slots, the swap cache and SWAP_HAS_CACHE agree.";
  }

  @Override
  public String pressure() {
    return "Memory pressure is what sends Q into direct reclaim (CPU 2, always) and what makes zram"
        + " refuse the write (a property of the scenario's device, not a choice point). The"
        + " swap-ins allocate order-0 folios, which do not fail, and no XArray node allocation"
        + " is reached: p has no effect on this scenario.";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("index", 7, 0, 15, "the tmpfs page both CPUs read"),
        Param.of("slot", 3, 0, 60, "the swap slot holding it"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(V5, V6);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case V5:
        return "v5 of Kairui Song's series, patch 1 (posted 2025-07-10, not merged): after"
            + " folio_lock only the swap-cache and folio->swap.val checks; shmem_confirm_swap"
            + " dropped; new shmem_add_to_page_cache (writes folio->mapping and ->index before"
            + " its conflict check).";
      default:
        return "v6, patch 1 (merged for 6.17): shmem_confirm_swap kept right after folio_lock,"
            + " before anything writes to the folio.";
    }
  }

  @Override
  public Model model(String variant, Params params) {
    checkVariant(variant);
    long index = params.get("index");
    long slot = params.get("slot");
    Shmem.SwapinVersion version = variant.equals(V5) ? Shmem.SwapinVersion.V5
        : Shmem.SwapinVersion.V6_17;
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m).name("tmpfs").ino(0x1b2f).shmem(true)
          .xaConfig(XaConfig.DEFAULT.withChunkShift(4)).iSize(16L << Folio.PAGE_SHIFT).build();
      SwapInfo si = new SwapInfo(m, 0, (int) slot + 2, true).failWrites(true);
      if (slot > 0) {
        si.initUsed(0, (int) slot, 1);
      }
      si.initUsed(slot, 1, 1);
      SwapState cache = new SwapState(m, si);
      PageAllocator alloc = new PageAllocator(m, 0x50000);
      Object r = mapping.iPages().storeOrder(index, 0, SwpEntry.of(0, slot).toRadix(),
          XaGfp.GFP_KERNEL);
      checkArgument(!XaEntry.isErr(r), "storing the swap entry failed: %s", r);
      Shmem.Inode inode = new Shmem.Inode(mapping, cache, alloc);
      // Process Q and its anonymous folio A: mapped once, on the LRU, uptodate, dirty.
      MmStruct q = new MmStruct(m, MM_NAME);
      AnonVma anonVma = q.anonVma();
      Folio anon = Folio.create(m, "folio@pfn:0x61a20", 0x61a20, 0x7f3a2, 0, 1)
          .initAnon(anonVma).initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty,
              PageFlags.PG_lru);
      int pte = q.mapAtSetUp(anon.page(0));
      m.addCpu(new Shmem.ShmemFileRead(version).on(inode, index));
      m.addCpu(new Shmem.ShmemFileRead(version).on(inode, index));
      m.addCpu(Task.of("direct_reclaim_then_touch",
          () -> new VmscanSwap.ShrinkFolio().on(anon, null, cache, q, pte),
          () -> new MemorySwap.UserAccess().on(q, pte, cache)));
      m.addExitCheck(q::exitMmap, () -> anon.subject("exit_mmap: rss counters", -1));
      m.addExitCheck(() -> anon.peekMappingWord() == anonVma ? null
          : "anonymous " + anon + " of mm " + MM_NAME + " lost its anon_vma: folio->mapping = "
              + (anon.peekMappingWord() == null ? "NULL" : anon.peekMappingWord())
              + ", folio->index = 0x" + Long.toHexString(anon.peekIndex()),
          () -> anon.subject("folio->mapping is no longer its anon_vma", -1));
      m.addExitCheck(Shmem.checkAtExit(inode, index, index));
    };
  }
}
