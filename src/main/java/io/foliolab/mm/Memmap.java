package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Machine;

/**
 * The {@code struct page}s (include/linux/mm_types.h, v6.18) of one folio allocation (a piece of
 * the kernel's memmap): page 0 is the
 * head of the allocated folio, pages 1 .. 2^order - 1 its tails. A split turns some tail pages
 * into heads of new folios ({@code __split_folio_to_order}); this class keeps, per page, which
 * head it belongs to ({@code compound_head}).
 *
 * <p>The {@link Folio} struct of a tail page (its shared cells) is created the first time it is
 * needed ({@link #struct(int)}), which in the modelled paths is inside the splitting CPU's step
 * that turns it into a head: a struct of a tail page is read by nobody before that, and creating
 * its cells there keeps the per-execution set-up small (an order-9 folio has 511 tails). Cell
 * creation is deterministic because only the splitting CPU creates them.
 *
 * <p>{@code compound_head} is a plain Java field here, not a shared cell: it is written by the
 * split (under the folio lock and frozen) and read, in the modelled paths, only by the CPU that
 * split ({@code truncate_inode_partial_folio}'s {@code page_folio(split_at2)}).
 */
public final class Memmap {
  private final Machine machine;
  private final long pfnBase;
  private final long baseIndex;
  private final Folio[] structs;
  private final int[] headOf;

  Memmap(Machine machine, long pfnBase, long baseIndex, int order) {
    this.machine = checkNotNull(machine, "machine");
    checkArgument(order >= 0 && order <= 12, "folio order %s: must be in 0..12", order);
    this.pfnBase = pfnBase;
    this.baseIndex = baseIndex;
    this.structs = new Folio[1 << order];
    this.headOf = new int[1 << order];
  }

  /** Number of pages of the allocation. */
  public int nrPages() {
    return structs.length;
  }

  /** The pfn of page 0. */
  public long pfnBase() {
    return pfnBase;
  }

  /** Page {@code pos}. */
  public Page page(int pos) {
    return new Page(this, pos);
  }

  /**
   * {@code page_folio(page)} (include/linux/page-flags.h, v6.18) of page {@code pos}: returns the
   * folio its {@code compound_head} names. Context: see the class comment (no access).
   */
  Folio folioOf(int pos) {
    return struct(headOf[pos]);
  }

  /**
   * Sets {@code compound_head} of pages [from, from + n) to the head at {@code from}, as
   * {@code prep_compound_page} (mm/page_alloc.c, v6.18) does for each tail when
   * {@code __split_folio_to_order} makes a new head. Returns nothing.
   * Context: the splitting CPU, folio frozen (no access; see the class comment).
   */
  void setHead(int from, int n) {
    for (int i = from; i < from + n; i++) {
      headOf[i] = from;
    }
  }

  /**
   * {@code folio_next(folio)} (include/linux/mm.h, v6.18) for the folio whose head is at
   * {@code pos}: returns the position just past it. Context: the folio's order is stable (no
   * access).
   */
  int next(int pos) {
    return pos + (1 << struct(pos).peekOrder());
  }

  void install(Folio head) {
    structs[0] = head;
  }

  /**
   * The struct page at {@code pos} viewed as a folio, creating its cells on first use with the
   * values of a tail page ({@code _refcount} 0, {@code _mapcount} -1, no flags, no mapping).
   */
  Folio struct(int pos) {
    checkArgument(pos >= 0 && pos < structs.length, "page %s out of range [0, %s)", pos,
        structs.length);
    Folio f = structs[pos];
    if (f == null) {
      f = new Folio(machine, this, pos, pfnBase + pos, baseIndex + pos, 0, 0, -1);
      structs[pos] = f;
    }
    return f;
  }
}
