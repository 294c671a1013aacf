package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.Filemap;
import io.foliolab.mm.Folio;
import io.foliolab.mm.HugeMemory;
import io.foliolab.mm.Memory;
import io.foliolab.mm.PageCacheCheck;
import io.foliolab.mm.PageFlags;
import io.foliolab.mm.Truncate;
import io.foliolab.sim.Model;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;

/**
 * {@code split-wrong-slot} (seed 000, kernel-notes/mm-paths.md S1, B.4, B.5, G): a hole punch
 * whose edge falls inside a large folio runs {@code truncate_inode_partial_folio}, which splits
 * the folio non-uniformly at the punched page ({@code folio_split}), while read faults at that
 * page look it up with {@code filemap_fault}.
 */
public final class SplitWrongSlot implements Scenario {
  /** Variant names. */
  public static final String V6_18 = "v6.18";
  public static final String FIX_577A1F495FD7 = "577a1f495fd7";
  public static final String RFC_2026_03 = "rfc-2026-03";

  /** The first pfn of the folio (any value; shown in dumps). */
  static final long PFN = 0x1a7600;

  @Override
  public String name() {
    return "split-wrong-slot";
  }

  @Override
  public String seed() {
    return "000";
  }

  @Override
  public String description() {
    return "CPU 0 punches a one-page hole at split_at in a file (XFS-like, 64-slot XArray nodes)"
        + " whose order-`order` folio at `index` is dirty, uptodate and on the LRU, and which"
        + " truncate_inode_pages_range has already looked up, locked and referenced:"
        + " truncate_inode_partial_folio -> try_folio_split -> folio_split splits it"
        + " non-uniformly at split_at (and, if the hole ends inside it, splits the piece after"
        + " the hole too). CPUs 1..readers take read faults at split_at (filemap_fault, retried"
        + " with FAULT_FLAG_TRIED after VM_FAULT_RETRY). The folio is dirty so that a failed"
        + " split keeps it (return false) instead of removing it, a path this model does not"
        + " contain. Checks: the XArray validates after every published write-side operation; at exit every index of the folio maps to a folio"
        + " containing it, no reference or lock is left over.";
  }

  @Override
  public String pressure() {
    return "The only allocation that can fail is xas_try_split's GFP_NOWAIT node allocation"
        + " (choice point alloc:xa_node (xas_try_split, GFP_NOWAIT)), reached only in a split"
        + " round that needs a new node: from an order that is a multiple of 6 (orders 6..9"
        + " split from 6 to 5). dpor explores both outcomes; random and pct fail it with"
        + " probability p. On failure the split stops after the rounds already done (-ENOMEM)"
        + " and truncate keeps the (dirty) folio. With order <= 5 no choice point is reached and"
        + " p has no effect. No agent is added: the hole punch and the faults always run.";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("order", 2, 1, AddressSpace.MAX_PAGECACHE_ORDER, "order of the folio"),
        Param.of("index", 0x7650, 0, 1L << 40,
            "page-cache index of the folio (aligned to 2^order)"),
        Param.derived("split_at", p -> p.get("index") + (1L << p.getInt("order")) - 1,
            "index + 2^order - 1", 0, (1L << 40) + 512,
            "the punched page, where the split is made and the faults hit"),
        Param.of("readers", 1, 1, 6, "number of faulting CPUs"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(V6_18, FIX_577A1F495FD7, RFC_2026_03);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case V6_18:
        return "v6.18: __split_unmapped_folio stores the piece containing split_at from its"
            + " second round on; filemap_fault asserts VM_BUG_ON_FOLIO(!folio_contains).";
      case FIX_577A1F495FD7:
        return "577a1f495fd7 (Zi Yan, 2026): every split round stores the original, frozen head;"
            + " filemap_fault as in v6.18.";
      default:
        return "rfc-2026-03 (Chris J Arges' RFC, not merged): the v6.18 split; filemap_fault (and"
            + " __filemap_get_folio, find_lock_entries) retry when the folio does not contain"
            + " the index instead of asserting.";
    }
  }

  @Override
  public Model model(String variant, Params params) {
    checkVariant(variant);
    int order = params.getInt("order");
    long index = params.get("index");
    long splitAt = params.get("split_at");
    int readers = params.getInt("readers");
    long nr = 1L << order;
    checkArgument((index & (nr - 1)) == 0, "scenario %s: index=0x%s is not aligned to 2^order=%s",
        name(), Long.toHexString(index), nr);
    checkArgument(splitAt >= index && splitAt < index + nr,
        "scenario %s: split_at=0x%s must lie in the folio [0x%s, 0x%s]", name(),
        Long.toHexString(splitAt), Long.toHexString(index), Long.toHexString(index + nr - 1));
    HugeMemory.SplitVersion split = variant.equals(FIX_577A1F495FD7)
        ? HugeMemory.SplitVersion.COMMIT_577A1F495FD7 : HugeMemory.SplitVersion.V6_18;
    Filemap.Version fault = variant.equals(RFC_2026_03)
        ? Filemap.Version.RFC_2026_03 : Filemap.Version.V6_18;
    long lstart = splitAt << Folio.PAGE_SHIFT;
    long lend = lstart + Folio.PAGE_SIZE - 1;
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m)
          .xaConfig(XaConfig.DEFAULT)
          .iSize((index + nr) << Folio.PAGE_SHIFT)
          .build();
      // nr references for the page cache, one for truncate_inode_pages_range's lookup.
      Folio folio = Folio.create(m, PFN, index, order, nr + 1);
      folio.initFlags(PageFlags.PG_locked, PageFlags.PG_referenced, PageFlags.PG_uptodate,
          PageFlags.PG_dirty, PageFlags.PG_lru, PageFlags.PG_active);
      mapping.addAtSetUp(folio);
      mapping.iPages().setMark(index, XArray.XA_MARK_0); // PAGECACHE_TAG_DIRTY
      m.addCpu(new Truncate.TruncatePartialFolioRange(split).on(folio, lstart, lend));
      for (int i = 0; i < readers; i++) {
        m.addCpu(new Memory.ReadFault(fault).on(mapping, splitAt));
      }
      m.addExitCheck(PageCacheCheck.atExit(mapping, index, index + nr - 1));
      mapping.xaBinding().checkAfterEachOperation();
    };
  }
}
