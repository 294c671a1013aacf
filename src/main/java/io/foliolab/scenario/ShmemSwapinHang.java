package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.Folio;
import io.foliolab.mm.PageAllocator;
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
 * {@code shmem-swapin-hang} (seed 002, kernel-notes/mm-paths.md E.7, S4): a swap-in of one page
 * of a large shmem swap entry whose mTHP allocation fails races with a swap-in of the whole range
 * and its swap-out by reclaim, which puts a large folio into the swap cache under the same slots.
 */
public final class ShmemSwapinHang implements Scenario {
  /** Variant names. */
  public static final String V6_16 = "v6.16";
  public static final String V6_17 = "v6.17";

  @Override
  public String name() {
    return "shmem-swapin-hang";
  }

  @Override
  public String seed() {
    return "002";
  }

  @Override
  public String description() {
    return "A tmpfs file (16-slot XArray nodes: an order-4 entry is one slot) whose indices 0..2^order-1 hold one order-`order`"
        + " swap entry (slots `offset`.. of a zram swap device, SWP_SYNCHRONOUS_IO; the slots"
        + " below `offset` are used by others, so a freed run is handed out again). CPU 0 reads"
        + " page `index` (shmem_get_folio_gfp -> shmem_swapin_folio). CPU 1 reads page `other`"
        + " and then reclaims the folio it read: shrink_folio_list -> pageout -> shmem_writeout"
        + " (folio_alloc_swap, shmem_delete_from_page_cache, a synchronous zram write) and, if"
        + " nobody else holds the folio then, __remove_mapping drops it from the swap cache;"
        + " otherwise it stays there. Swap readahead is off (vm.page-cluster=0). Exit checks: the"
        + " XArray is valid, each page-cache folio contains its indices and holds only the cache's"
        + " references, each swap value names a used slot, the swap cache and SWAP_HAS_CACHE"
        + " agree.";
  }

  @Override
  public String pressure() {
    return "CPU 0's mTHP allocation in shmem_swap_alloc_folio is the choice point alloc:mthp:"
        + " dpor explores its success and its failure; random and pct fail it with probability"
        + " p. On failure CPU 0 splits the large swap entry (shmem_split_large_entry) and swaps"
        + " in one page through the swap cache. CPU 1's allocations do not fail, and CPU 1's"
        + " reclaim always runs (it is the memory pressure that swaps the folio out again). No"
        + " XArray node allocation fails: xas_try_split's GFP_NOWAIT allocation of the node an"
        + " order-4 entry splits into always succeeds here.";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("order", 4, 1, 8, "order of the shmem swap entry (and of the folio)"),
        Param.of("index", 5, 0, 31, "page CPU 0 reads (must lie in [0, 2^order))"),
        Param.of("other", 15, 0, 31, "page CPU 1 reads before reclaiming its folio"),
        Param.derived("offset", p -> 1L << p.getInt("order"), "2^order", 0, 256,
            "first swap slot of the entry (aligned to 2^order); slots below it are in use"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(V6_16, V6_17);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case V6_16:
        return "v6.16: shmem_swapin_folio splits the entry whenever the swap-cache folio's order"
            + " differs, and after folio_lock requires folio->swap.val == swap.val and"
            + " xa_get_order(index) == folio_order(folio); old shmem_add_to_page_cache.";
      default:
        return "v6.17 (patch 1 of v6 of Kairui Song's series, merged through mm-hotfixes): a"
            + " swap-cache folio larger than the entry rounds swap and index down to it, the order"
            + " check is gone (shmem_confirm_swap stays), and the new shmem_add_to_page_cache"
            + " accepts a contiguous run of swap values of any orders.";
    }
  }

  @Override
  public Model model(String variant, Params params) {
    checkVariant(variant);
    int order = params.getInt("order");
    long nr = 1L << order;
    long index = params.get("index");
    long other = params.get("other");
    long offset = params.get("offset");
    checkArgument(index < nr, "scenario %s: index=%s must be < 2^order=%s", name(), index, nr);
    checkArgument(other < nr, "scenario %s: other=%s must be < 2^order=%s", name(), other, nr);
    checkArgument(offset % nr == 0, "scenario %s: offset=%s must be aligned to 2^order=%s",
        name(), offset, nr);
    Shmem.SwapinVersion version = variant.equals(V6_16) ? Shmem.SwapinVersion.V6_16
        : Shmem.SwapinVersion.V6_17;
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m).name("tmpfs").ino(0x1b2e).shmem(true)
          .xaConfig(XaConfig.DEFAULT.withChunkShift(4)).iSize(nr << Folio.PAGE_SHIFT).build();
      SwapInfo si = new SwapInfo(m, 0, (int) (offset + nr), true);
      if (offset > 0) {
        si.initUsed(0, (int) offset, 1);
      }
      si.initUsed(offset, (int) nr, 1);
      SwapState cache = new SwapState(m, si);
      PageAllocator alloc = new PageAllocator(m, 0x40000).mthpMayFail(0);
      Object r = mapping.iPages().storeOrder(0, order, SwpEntry.of(0, offset).toRadix(),
          XaGfp.GFP_KERNEL);
      checkArgument(!XaEntry.isErr(r), "storing the swap entry failed: %s", r);
      Shmem.Inode inode = new Shmem.Inode(mapping, cache, alloc);
      m.addCpu(new Shmem.ShmemFileRead(version).on(inode, index));
      Shmem.ShmemGetFolioGfp get = new Shmem.ShmemGetFolioGfp(version)
          .on(inode, other, Shmem.Sgp.SGP_CACHE);
      m.addCpu(Task.of("swapin_then_pageout", () -> get,
          () -> get.folio() == null ? null
              : new VmscanSwap.PageoutLocked().on(get.folio(), inode, cache)));
      m.addExitCheck(Shmem.checkAtExit(inode, 0, nr - 1));
    };
  }
}
