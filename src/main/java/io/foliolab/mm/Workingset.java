package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;

import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaValue;

/**
 * Workingset shadow entries (mm/workingset.c, v6.18): the value entry {@code __remove_mapping}
 * leaves in the page cache when reclaim evicts a folio, from which a later refault computes its
 * refault distance.
 */
public final class Workingset {
  private Workingset() {}

  /** {@code MEM_CGROUP_ID_SHIFT}. */
  static final int MEM_CGROUP_ID_SHIFT = 16;
  /** {@code NODES_SHIFT} of a small NUMA configuration. */
  static final int NODES_SHIFT = 6;
  /** {@code WORKINGSET_SHIFT}: the low bit says whether the folio was in the workingset. */
  static final int WORKINGSET_SHIFT = 1;
  static final int EVICTION_SHIFT = MEM_CGROUP_ID_SHIFT + NODES_SHIFT + WORKINGSET_SHIFT;

  /**
   * {@code pack_shadow(memcgid, pgdat, eviction, workingset)} (mm/workingset.c, v6.18): returns
   * the eviction counter, node and memcg id packed into a value entry ({@code xa_mk_value}).
   * Context: any; pure.
   *
   * @throws IllegalArgumentException if a field does not fit
   */
  public static XaValue packShadow(int memcgId, int nodeId, long eviction, boolean workingset) {
    checkArgument(memcgId >= 0 && memcgId < (1 << MEM_CGROUP_ID_SHIFT),
        "memcg id %s must be in [0, %s)", memcgId, 1 << MEM_CGROUP_ID_SHIFT);
    checkArgument(nodeId >= 0 && nodeId < (1 << NODES_SHIFT), "node id %s must be in [0, %s)",
        nodeId, 1 << NODES_SHIFT);
    checkArgument(eviction >= 0 && eviction < (1L << (62 - EVICTION_SHIFT)),
        "eviction counter %s does not fit a shadow entry", eviction);
    long v = (eviction << NODES_SHIFT | nodeId) << MEM_CGROUP_ID_SHIFT | memcgId;
    v = v << WORKINGSET_SHIFT | (workingset ? 1 : 0);
    return XaEntry.mkValue(v);
  }

  /** {@code packShadow(0, 0, eviction, false)}. */
  public static XaValue packShadow(long eviction) {
    return packShadow(0, 0, eviction, false);
  }

  /**
   * The eviction counter of a shadow entry, as {@code unpack_shadow} (mm/workingset.c, v6.18)
   * extracts it: returns the counter. Context: any; pure.
   */
  public static long shadowEviction(Object shadow) {
    checkArgument(XaEntry.isValue(shadow), "%s is not a shadow entry", XaEntry.describe(shadow));
    return XaEntry.toValue(shadow) >>> EVICTION_SHIFT;
  }

  /** Whether the shadow entry says the folio was in the workingset. */
  public static boolean shadowWorkingset(Object shadow) {
    checkArgument(XaEntry.isValue(shadow), "%s is not a shadow entry", XaEntry.describe(shadow));
    return (XaEntry.toValue(shadow) & 1) != 0;
  }
}
