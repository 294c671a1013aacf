package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A {@code struct page} (include/linux/mm_types.h, v6.18): one page of a {@link Memmap} (the
 * struct pages of one allocation). Pages
 * are identified by their position; the folio a page belongs to is {@link #folio()}
 * ({@code page_folio}), which changes when a split turns tail pages into heads.
 *
 * @param memmap the allocation the page belongs to
 * @param pos the page's position in it, from 0
 */
public record Page(Memmap memmap, int pos) {
  public Page {
    checkNotNull(memmap, "memmap");
    checkArgument(pos >= 0 && pos < memmap.nrPages(), "page %s out of range [0, %s)", pos,
        memmap.nrPages());
  }

  /**
   * {@code page_to_pfn(page)} (include/asm-generic/memory_model.h, v6.18): returns the page frame
   * number. Context: any; no access.
   */
  public long pfn() {
    return memmap.pfnBase() + pos;
  }

  /**
   * {@code page_folio(page)} (include/linux/page-flags.h, v6.18): returns the folio whose head is
   * this page or whose tail it is, as the split left it ({@code compound_head}). Context: see
   * {@link Memmap} (no access).
   */
  public Folio folio() {
    return memmap.folioOf(pos);
  }

  @Override
  public String toString() {
    return "page(pfn 0x" + Long.toHexString(pfn()) + ")";
  }
}
