package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.Folio;
import io.foliolab.mm.HugeMemory;
import io.foliolab.mm.LibXarray;
import io.foliolab.mm.Migrate;
import io.foliolab.mm.PageCacheCheck;
import io.foliolab.mm.PageFlags;
import io.foliolab.mm.PageWriteback;
import io.foliolab.sim.Model;
import io.foliolab.xarray.XaConfig;

/**
 * {@code dirty-sibling-tag} (seed 001, kernel-notes/mm-paths.md S2, B.6, B.8, A.4, A.6): a dirty
 * large folio of a mapping with a minimum folio order is split to that order (compaction's
 * {@code try_split_folio} after {@code -ENOMEM}, or the debugfs {@code split_huge_pages}
 * trigger) while the writeback worker walks the dirty tag.
 */
public final class DirtySiblingTag implements Scenario {
  /** Variant names. */
  public static final String C010D47F107F = "c010d47f107f";
  public static final String FIX_2A0774C2886D = "2a0774c2886d";

  /** {@code trigger} values. */
  public static final int TRIGGER_COMPACTION = 0;
  public static final int TRIGGER_DEBUGFS = 1;

  /** The first pfn of the folio (any value; shown in dumps). */
  static final long PFN = 0x118000;

  @Override
  public String name() {
    return "dirty-sibling-tag";
  }

  @Override
  public String seed() {
    return "001";
  }

  @Override
  public String description() {
    return "A file (XFS-like) whose mapping has minimum folio order `min_order` holds one dirty,"
        + " uptodate order-`order` folio at `index`, its page-cache entry tagged"
        + " PAGECACHE_TAG_DIRTY. CPU 0 splits it to min_order: with trigger=0 (default)"
        + " compaction has isolated it and migrate_pages_batch, when the destination allocation"
        + " fails (-ENOMEM), calls try_split_folio -> split_folio_to_list (uniform split to"
        + " min_order_for_split); with trigger=1 the debugfs split_huge_pages writer"
        + " (<file>,index,index+2^order,min_order, as in the 2024 reproducer) looks the folio up"
        + " and splits it. CPU 1 is the writeback worker (wb_workfn, WB_SYNC_NONE):"
        + " write_cache_pages walks PAGECACHE_TAG_DIRTY with filemap_get_folios_tag, then locks"
        + " each folio, clears its dirty bit and starts writeback. Both variants use the 2024"
        + " xas_find_marked, which returns whatever non-node entry a marked slot holds. The"
        + " default is the smallest tree with the same slot arithmetic as the report's order-9"
        + " to order-2 split: with 16-slot nodes (chunk_shift 4) an order-4 folio fills one slot"
        + " and its order-2 pieces need one new child node; order=9 needs chunk_shift 6 (8 new"
        + " nodes, 128 pieces), which is chosen by default for it. Exit check: every reachable"
        + " slot holds NULL, a value, an earlier sibling, a node, or a folio of the mapping that"
        + " covers it.";
  }

  @Override
  public String pressure() {
    return "trigger=0: compaction (kcompactd) is already running and has isolated the folio;"
        + " memory pressure makes the allocation of its order-`order` destination folio fail"
        + " (choice point alloc:migration destination folio; dpor explores both, random and pct"
        + " fail it with probability p). Only then is the folio split; otherwise the migration"
        + " proper (not modelled) would move it whole, and the model puts it back."
        + " trigger=1: no pressure event; the split is requested through debugfs. No XArray node"
        + " allocation fails (xas_split_alloc runs with GFP_KERNEL).";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("order", 4, 1, AddressSpace.MAX_PAGECACHE_ORDER, "order of the dirty folio"),
        Param.of("min_order", 2, 0, AddressSpace.MAX_PAGECACHE_ORDER - 1,
            "the mapping's minimum folio order, the order the folio is split to (below order)"),
        Param.derived("chunk_shift",
            p -> p.getInt("order") < p.getInt("min_order") - p.getInt("min_order") % 4 + 8
                ? 4L : 6L,
            "4 if one level of 16-slot nodes suffices for the split, else 6", 4, 6,
            "XA_CHUNK_SHIFT of the page cache: 4 (CONFIG_BASE_SMALL) or 6"),
        Param.of("index", 0, 0, 1L << 40, "page-cache index of the folio (aligned to 2^order)"),
        Param.of("trigger", TRIGGER_COMPACTION, TRIGGER_COMPACTION, TRIGGER_DEBUGFS,
            "what splits the folio: 0 = compaction's try_split_folio after -ENOMEM,"
                + " 1 = the debugfs split_huge_pages writer"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(C010D47F107F, FIX_2A0774C2886D);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case C010D47F107F:
        return "c010d47f107f (\"mm: thp: split huge page to any lower order pages\", 2024"
            + " development trees): xas_split marks every slot of a new child node with the marks"
            + " of the split entry (node_mark_all), sibling slots included.";
      default:
        return "2a0774c2886d (\"XArray: set the marks correctly when splitting an entry\","
            + " May 2024): xas_split marks only the canonical slots of a new child node (every"
            + " slot for order 0, every xa_sibs + 1-th otherwise).";
    }
  }

  @Override
  public Model model(String variant, Params params) {
    checkVariant(variant);
    int order = params.getInt("order");
    int minOrder = params.getInt("min_order");
    int chunkShift = params.getInt("chunk_shift");
    long index = params.get("index");
    int trigger = params.getInt("trigger");
    long nr = 1L << order;
    checkArgument(chunkShift == 4 || chunkShift == 6,
        "scenario %s: chunk_shift=%s; allowed 4 or 6", name(), chunkShift);
    checkArgument(minOrder < order, "scenario %s: min_order=%s must be below order=%s", name(),
        minOrder, order);
    checkArgument((index & (nr - 1)) == 0, "scenario %s: index=0x%s is not aligned to 2^order=%s",
        name(), Long.toHexString(index), nr);
    XaConfig xaConfig = XaConfig.DEFAULT.withChunkShift(chunkShift).withSplitMarks(
        variant.equals(C010D47F107F) ? XaConfig.SplitMarks.C010D47F107F
            : XaConfig.SplitMarks.V2A0774C2886D);
    // The uniform split does not depend on the __split_unmapped_folio version.
    HugeMemory.SplitVersion split = HugeMemory.SplitVersion.COMMIT_577A1F495FD7;
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m)
          .xaConfig(xaConfig)
          .folioOrders(minOrder, AddressSpace.MAX_PAGECACHE_ORDER)
          .iSize((index + nr) << Folio.PAGE_SHIFT)
          .build();
      mapping.iPages().setLockdep(false);
      boolean compaction = trigger == TRIGGER_COMPACTION;
      // The page cache's references, plus compaction's isolation reference.
      Folio folio = Folio.create(m, PFN, index, order, nr + (compaction ? 1 : 0));
      folio.initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty, PageFlags.PG_referenced);
      if (!compaction) {
        folio.initFlags(PageFlags.PG_lru);
      }
      mapping.addAtSetUp(folio);
      // As __folio_mark_dirty left it.
      mapping.iPages().setMark(index, PageWriteback.PAGECACHE_TAG_DIRTY);
      if (compaction) {
        m.addCpu(new Migrate.MigratePagesBatch(split).on(folio));
      } else {
        m.addCpu(new HugeMemory.SplitHugePagesInFile(split).on(mapping, index, index + nr,
            minOrder));
      }
      m.addCpu(new PageWriteback.WriteCachePages(LibXarray.FindMarked.NO_SIBLING_CHECK)
          .on(mapping, 0, -1L, PageWriteback.SyncMode.WB_SYNC_NONE));
      m.addExitCheck(PageCacheCheck.reachable(mapping));
      m.addExitCheck(PageCacheCheck.atExit(mapping, index, index + nr - 1));
    };
  }
}
