package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.foliolab.mm.AddressSpace;
import io.foliolab.mm.Filemap;
import io.foliolab.mm.Folio;
import io.foliolab.mm.PageCacheCheck;
import io.foliolab.mm.PageFlags;
import io.foliolab.mm.Readahead;
import io.foliolab.mm.Vmscan;
import io.foliolab.mm.Workingset;
import io.foliolab.sim.Model;
import io.foliolab.xarray.XaConfig;

/**
 * {@code add-folio-stale-nodes} (seed 003, kernel-notes/mm-paths.md D and S3, xarray.md 9.1):
 * two reads that missed in the page cache add folios into the range of one large shadow entry
 * while reclaim evicts the first of them; in 5.17 - 6.9 {@code __filemap_add_folio} splits the
 * shadow with nodes prefilled before it took the lock, possibly with the folio that reclaim then
 * freed.
 */
public final class AddFolioStaleNodes implements Scenario {
  /** Variant names. */
  public static final String V6_9 = "v6.9";
  public static final String FIX_6758C1128CEB = "6758c1128ceb";

  /** The pfns of the two new folios (any values; shown in dumps). */
  static final long PFN_FIRST = 0x2c0000;
  static final long PFN_SECOND = 0x2d0000;
  /** The workingset eviction counters of the initial shadow and of the one reclaim leaves. */
  static final long EVICTION_INITIAL = 1;
  static final long EVICTION_RECLAIM = 2;

  @Override
  public String name() {
    return "add-folio-stale-nodes";
  }

  @Override
  public String seed() {
    return "003";
  }

  @Override
  public String description() {
    return "A file (XFS-like) whose page cache holds, at `index`, one order-`order` workingset"
        + " shadow entry left by an earlier eviction, and nothing else. CPU 0 is a read that"
        + " missed there: readahead (page_cache_ra_order) adds a new order-`order` folio at"
        + " `index` with filemap_add_folio, reads it (the folio is put on the LRU, unlocked and"
        + " the reader's reference dropped). CPU 1 is a second read that missed at `new_index`,"
        + " inside the same range, and adds an order-`new_order` folio: with a larger entry"
        + " covering its range, __filemap_add_folio must split that entry. CPU 2 is kswapd: if"
        + " memory pressure wakes it, its LRU scan reaches the first folio and, once the folio"
        + " is unlocked and unreferenced, __remove_mapping evicts it, leaving a new shadow entry."
        + " Checks, after every published write-side XArray operation and at exit: every slot"
        + " reachable from the root holds NULL, a value, a sibling of an earlier slot in its"
        + " node, a node, or a live folio of this mapping whose index and order cover the slot;"
        + " at exit also no reference or folio lock is left over.";
  }

  @Override
  public String pressure() {
    return "Memory pressure wakes kswapd (choice point agent:reclaim on CPU 2: dpor explores"
        + " both; random and pct wake it with probability p). Awake, it reclaims the first folio"
        + " if the folio is on the LRU when its scan looks, unlocked, clean and held by nobody"
        + " but the page cache (its refcount freeze succeeds); otherwise it puts the folio back."
        + " No allocation fails in this scenario: folio allocation, xas_split_alloc and the"
        + " xas_nomem/xas_create node allocations always succeed.";
  }

  @Override
  public ImmutableList<Param> params() {
    return ImmutableList.of(
        Param.of("order", 6, 1, AddressSpace.MAX_PAGECACHE_ORDER,
            "order of the shadow entry and of the folio CPU 0 adds"),
        Param.of("index", 0x40, 0, 1L << 40,
            "page-cache index of the shadow and of CPU 0's folio (aligned to 2^order)"),
        Param.of("new_order", 4, 0, AddressSpace.MAX_PAGECACHE_ORDER - 1,
            "order of the folio CPU 1 adds (below order)"),
        Param.derived("new_index", p -> p.get("index") + (1L << (p.getInt("order") - 1)),
            "index + 2^(order - 1)", 0, (1L << 40) + 512,
            "page-cache index of CPU 1's folio (inside the shadow's range, aligned to"
                + " 2^new_order)"),
        Param.of("chunk_shift", 6, 4, 6,
            "XA_CHUNK_SHIFT of the page cache: 6 (64-slot nodes) or 4 (CONFIG_BASE_SMALL)"));
  }

  @Override
  public ImmutableList<String> variants() {
    return ImmutableList.of(V6_9, FIX_6758C1128CEB);
  }

  @Override
  public String variantDescription(String variant) {
    switch (checkVariant(variant)) {
      case V6_9:
        return "v6.9 (5.17 - 6.9, and 6.1.y/6.6.y before October 2024): __filemap_add_folio"
            + " reads the order with an unlocked xa_get_order and prefills the split nodes with"
            + " an unlocked xa_load (xas_split_alloc), then under the lock splits the shadow it"
            + " finds there with those nodes.";
      default:
        return "6758c1128ceb (Kairui Song, v6.10 and the stable backports): the entry and its"
            + " order are read under the lock; nodes are preallocated, with the lock dropped, only"
            + " for that shadow and order, and destroyed if the next locked pass sees another"
            + " entry or order.";
    }
  }

  @Override
  public Model model(String variant, Params params) {
    checkVariant(variant);
    int order = params.getInt("order");
    long index = params.get("index");
    int newOrder = params.getInt("new_order");
    long newIndex = params.get("new_index");
    int chunkShift = params.getInt("chunk_shift");
    long nr = 1L << order;
    checkArgument(chunkShift == 4 || chunkShift == 6,
        "scenario %s: chunk_shift=%s; allowed 4 or 6", name(), chunkShift);
    checkArgument((index & (nr - 1)) == 0, "scenario %s: index=0x%s is not aligned to 2^order=%s",
        name(), Long.toHexString(index), nr);
    checkArgument(newOrder < order, "scenario %s: new_order=%s must be below order=%s", name(),
        newOrder, order);
    checkArgument((newIndex & ((1L << newOrder) - 1)) == 0 && newIndex >= index
            && newIndex < index + nr,
        "scenario %s: new_index=0x%s must be aligned to 2^new_order=%s and lie in [0x%s, 0x%s]",
        name(), Long.toHexString(newIndex), 1L << newOrder, Long.toHexString(index),
        Long.toHexString(index + nr - 1));
    Filemap.AddFolioVersion version = variant.equals(V6_9)
        ? Filemap.AddFolioVersion.V6_9 : Filemap.AddFolioVersion.V6758C1128CEB;
    XaConfig xaConfig = XaConfig.DEFAULT.withChunkShift(chunkShift);
    return m -> {
      AddressSpace mapping = AddressSpace.builder(m)
          .xaConfig(xaConfig)
          .iSize((index + nr) << Folio.PAGE_SHIFT)
          .build();
      // The XArray model's own lock flag is one per array, not per CPU: the simulated
      // machine's xa_lock (a Lock) is what serialises writers, so its lockdep-style checks are
      // off (another CPU's unlocked xas_split_alloc would otherwise look like a sleep under it).
      mapping.iPages().setLockdep(false);
      mapping.addShadowAtSetUp(index, order, Workingset.packShadow(EVICTION_INITIAL));
      // Allocated by the readers (filemap_alloc_folio: one reference) and locked before they
      // become visible (__folio_set_locked in filemap_add_folio).
      Folio first = Folio.create(m, PFN_FIRST, index, order, 1).initFlags(PageFlags.PG_locked);
      Folio second = Folio.create(m, PFN_SECOND, newIndex, newOrder, 1)
          .initFlags(PageFlags.PG_locked);
      m.addCpu(new Readahead.PageCacheRaOrder(version).on(mapping, first, index));
      m.addCpu(new Readahead.PageCacheRaOrder(version).on(mapping, second, newIndex));
      m.addCpu(new Vmscan.Kswapd().on(first, EVICTION_RECLAIM));
      m.addPublicationCheck(PageCacheCheck.reachable(mapping));
      m.addExitCheck(PageCacheCheck.reachable(mapping));
      m.addExitCheck(PageCacheCheck.atExit(mapping, index, index + nr - 1));
    };
  }
}
