package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableLongArray;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.Filemap;
import io.foliolab.mm.Folio;
import io.foliolab.mm.HugeMemory;
import io.foliolab.mm.Memory;
import io.foliolab.mm.PageCacheCheck;
import io.foliolab.mm.PageFlags;
import io.foliolab.sim.Model;
import io.foliolab.xarray.XaConfig;

/**
 * {@code willy-1499} (seed 000's worked example, the control; kernel-notes/mm-paths.md S1
 * "Contrast", G.4; xarray.md 3.2, 8.3): a uniform split of an order-9 folio at index 1024 while
 * read faults look up indices inside it. Matthew Wilcox argued that {@code xas_reload} catches
 * every such race; the {@code reload-canonical} variant tests Kiryl Shutsemau's question of what
 * happens if the reload re-read the walk's canonical slot instead.
 */
public final class Willy1499 implements Scenario {
  /** Variant names. */
  public static final String V6_18 = "v6.18";
  public static final String RELOAD_CANONICAL = "reload-canonical";

  static final long INDEX = 1024;
  static final int ORDER = 9;
  static final long PFN = 0x2c0000;

  @Override
  public String name() {
    return "willy-1499";
  }

  @Override
  public String seed() {
    return "000";
  }

  @Override
  public String description() {
    return "An order-9 folio at index 1024 (clean, uptodate, on the LRU) in a file with 64-slot"
        + " XArray nodes: slot 16 of the shift-6 root holds it, slots 17..23 are siblings. CPU 0"
        + " writes '<file>,1024,1025,new_order' to debugfs split_huge_pages:"
        + " split_huge_pages_in_file looks the folio up, trylocks it and splits it uniformly to"
        + " new_order (xas_split_alloc, then under xa_lock: freeze, xas_split, store every new"
        + " folio, unfreeze the head last). CPUs 1..readers take read faults at the first"
        + " `readers` entries of `indices` (filemap_fault). Checks: the XArray validates after every published write-side operation; at exit"
        + " every index 1024..1535 maps to a folio containing it, no reference or lock is left.";
  }

  @Override
  public String pressure() {
    return "No choice point is reached: the uniform split preallocates its nodes with"
        + " xas_split_alloc (GFP_KERNEL, a small slab allocation that does not fail) before"
        + " taking xa_lock, and a split to order 8 needs no node at all. The split itself is"
        + " the memory-pressure agent and always runs; p has no effect.";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("new_order", 8, 0, ORDER - 1, "order of the folios after the uniform split"),
        Param.of("readers", 1, 1, 6, "number of faulting CPUs (each takes the next index)"),
        Param.list("indices", "1499,1030,1300,1100,1400,1535", INDEX, INDEX + (1L << ORDER) - 1,
            "fault indices, one per reader, in order"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(V6_18, RELOAD_CANONICAL);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case V6_18:
        return "v6.18: xas_reload recomputes the slot from the index and follows one sibling.";
      default:
        return "reload-canonical (a hypothesis, no kernel ships it): xas_reload re-reads the"
            + " canonical slot the walk ended on (slots[xa_offset]), as without"
            + " CONFIG_XARRAY_MULTI.";
    }
  }

  @Override
  public Model model(String variant, Params params) {
    checkVariant(variant);
    int newOrder = params.getInt("new_order");
    int readers = params.getInt("readers");
    ImmutableLongArray indices = params.list("indices");
    checkArgument(readers <= indices.length(),
        "scenario %s: readers=%s but only %s indices given", name(), readers, indices.length());
    XaConfig xa = variant.equals(RELOAD_CANONICAL)
        ? XaConfig.DEFAULT.withReload(XaConfig.Reload.RELOAD_CANONICAL) : XaConfig.DEFAULT;
    long nr = 1L << ORDER;
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m)
          .xaConfig(xa)
          .iSize((INDEX + nr) << Folio.PAGE_SHIFT)
          .build();
      Folio folio = Folio.create(m, PFN, INDEX, ORDER, nr);
      folio.initFlags(PageFlags.PG_referenced, PageFlags.PG_uptodate, PageFlags.PG_lru,
          PageFlags.PG_active);
      mapping.addAtSetUp(folio);
      m.addCpu(new HugeMemory.SplitHugePagesInFile(HugeMemory.SplitVersion.V6_18)
          .on(mapping, INDEX, INDEX + 1, newOrder));
      for (int i = 0; i < readers; i++) {
        m.addCpu(new Memory.ReadFault(Filemap.Version.V6_18).on(mapping, indices.get(i)));
      }
      m.addExitCheck(PageCacheCheck.atExit(mapping, INDEX, INDEX + nr - 1));
      mapping.xaBinding().checkAfterEachOperation();
    };
  }
}
