package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XaGfp;

/** mm/readahead.c: a read that missed in the page cache and brings a new folio in. */
public final class Readahead {
  private Readahead() {}

  /**
   * One folio of {@code page_cache_ra_order} (mm/readahead.c, v6.9): {@code ra_alloc_folio}, for
   * a folio already allocated ({@code filemap_alloc_folio}; it comes locked and referenced, see
   * {@link Filemap.FilemapAddFolioLru}), adds it with {@code filemap_add_folio} and on error drops
   * it ({@code folio_put}; readahead stops); on success {@code read_pages}: the filesystem's
   * {@code ->readahead} takes the folio with {@code readahead_folio}, which drops the reference
   * ({@code folio_put}), submits the read, and the read completion marks the folio uptodate and
   * unlocks it ({@code folio_mark_uptodate}, {@code folio_unlock}; {@code folio_end_read} from
   * v6.10). The I/O itself is not modelled. Returns 0 or the error of {@code filemap_add_folio}.
   * Context: process.
   */
  public static final class PageCacheRaOrder extends Routine<PageCacheRaOrder.Pc> {
    /** Steps. */
    public enum Pc { filemap_add_folio, added, ra_alloc_folio_put, readahead_folio_put,
      folio_mark_uptodate, folio_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("page_cache_ra_order", Pc.class);
    private final Filemap.FilemapAddFolioLru add;
    private AddressSpace mapping;
    private Folio folio;
    private long index;
    private int ret;

    /** A frame whose {@code __filemap_add_folio} is {@code version}. */
    public PageCacheRaOrder(Filemap.AddFolioVersion version) {
      super(NAMES);
      this.add = new Filemap.FilemapAddFolioLru(version);
    }

    /** Binds the mapping, the new folio and the index it is read at. */
    public PageCacheRaOrder on(AddressSpace mapping, Folio folio, long index) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      this.index = index;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case filemap_add_folio:
          call(cpu, add.on(mapping, folio, index, XaGfp.GFP_KERNEL), Pc.added);
          return;
        case added:
          ret = (Integer) cpu.retval();
          pc = ret != 0 ? Pc.ra_alloc_folio_put : Pc.readahead_folio_put;
          return;
        case ra_alloc_folio_put:
          folio.put(cpu);
          cpu.ret(ret);
          return;
        case readahead_folio_put:
          folio.put(cpu);
          pc = Pc.folio_mark_uptodate;
          return;
        case folio_mark_uptodate:
          folio.set(cpu, PageFlags.PG_uptodate);
          pc = Pc.folio_unlock;
          return;
        case folio_unlock:
          folio.unlock(cpu);
          cpu.ret(0);
          return;
      }
    }
  }
}
