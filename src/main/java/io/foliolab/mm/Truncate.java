package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;

/**
 * mm/truncate.c: truncating a large folio that straddles the edge of a truncated or hole-punched
 * range, as step programs.
 */
public final class Truncate {
  private Truncate() {}

  /**
   * {@code truncate_inode_partial_folio(folio, start, end)} (mm/truncate.c, v6.15 - v6.18, with
   * 7460b470a131 "mm/truncate: use folio_split() in truncate operation"): for the byte range
   * [{@code start}, {@code end}] that covers part of {@code folio}: {@code folio_wait_writeback};
   * a range covering the whole folio goes to {@code truncate_inode_folio}; zeroing the range and
   * {@code folio_invalidate} touch no modelled state; a small folio is done. Otherwise
   * {@code try_folio_split(folio, split_at)} at the page holding {@code start}; on success, if the
   * range ends inside the folio, the folio {@code folio2} now holding the page after the range is
   * referenced ({@code folio_try_get}), and if large, trylocked and still in the mapping, split at
   * that page too ({@code out2:} put; {@code out:} return true). If the first split fails: a dirty
   * folio is kept (return false); a clean one goes to {@code truncate_inode_folio}, which removes
   * it from the page cache with {@code filemap_remove_folio}: that removal path (and the refault
   * after it) is not in this model, so reaching it throws {@link UnsupportedOperationException}.
   * Returns whether the folio was dealt with. Context: folio locked and referenced by the caller;
   * the caller holds the mapping's {@code invalidate_lock} for writing (not modelled).
   */
  public static final class TruncateInodePartialFolio
      extends Routine<TruncateInodePartialFolio.Pc> {
    /** Steps. */
    public enum Pc { folio_wait_writeback, folio_test_large, try_folio_split, split_done,
      folio2_try_get, folio2_test_large, folio2_trylock, folio2_mapping, try_folio_split2,
      folio2_unlock, out2, folio_test_dirty }

    private static final StepNames<Pc> NAMES =
        StepNames.of("truncate_inode_partial_folio", Pc.class);
    private final HugeMemory.TryFolioSplit trySplit;
    private final HugeMemory.TryFolioSplit trySplit2;
    private Folio folio;
    private long start;
    private long end;
    private long offset;
    private long length;
    private long size;
    private Folio folio2;
    private Page splitAt2;
    private AddressSpace mapping;

    /** A frame whose splits use {@code version}'s {@code __split_unmapped_folio}. */
    public TruncateInodePartialFolio(HugeMemory.SplitVersion version) {
      super(NAMES);
      this.trySplit = new HugeMemory.TryFolioSplit(version);
      this.trySplit2 = new HugeMemory.TryFolioSplit(version);
    }

    /** Binds the arguments: the locked, referenced folio and the byte range [start, end]. */
    public TruncateInodePartialFolio on(Folio folio, long start, long end) {
      checkArgument(Long.compareUnsigned(start, end) <= 0, "range [%s, %s] is empty", start, end);
      this.folio = checkNotNull(folio, "folio");
      this.start = start;
      this.end = end;
      return this;
    }

    private static UnsupportedOperationException removal(Folio f) {
      return new UnsupportedOperationException("truncate_inode_folio(" + f + "): removing a"
          + " folio from the page cache (filemap_remove_folio) is not modelled here");
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_wait_writeback: {
          // folio_pos / folio_size of the folio this CPU holds locked: cannot change.
          long pos = folio.peekIndex() << Folio.PAGE_SHIFT;
          long sz = folio.peekNrPages() << Folio.PAGE_SHIFT;
          AddressSpace m = folio.peekMapping();
          long off = Long.compareUnsigned(pos, start) < 0 ? start - pos : 0;
          long len = Long.compareUnsigned(pos + sz, end) <= 0 ? sz - off : end + 1 - pos - off;
          boolean writeback = folio.test(cpu, PageFlags.PG_writeback);
          size = sz;
          mapping = m;
          offset = off;
          length = len;
          if (writeback) {
            retry(cpu, Pc.folio_wait_writeback);
            return;
          }
          if (length == size) {
            throw removal(folio);
          }
          pc = Pc.folio_test_large;
          return;
        }
        case folio_test_large:
          if (!folio.test(cpu, PageFlags.PG_head)) {
            cpu.ret(true);
            return;
          }
          pc = Pc.try_folio_split;
          return;
        case try_folio_split: {
          Page splitAt = folio.page((offset & -Folio.PAGE_SIZE) >>> Folio.PAGE_SHIFT);
          call(cpu, trySplit.on(folio, splitAt), Pc.split_done);
          return;
        }
        case split_done:
          if ((Integer) cpu.retval() != 0) {
            pc = Pc.folio_test_dirty;
            return;
          }
          if (offset + length == size) {
            cpu.ret(true);
            return;
          }
          // folio_page(folio, n) is pointer arithmetic on the struct pages: it may name a page
          // of another piece now; page_folio() follows compound_head, which this CPU just wrote.
          splitAt2 = folio.memmap().page(folio.memmapPos()
              + (int) (((offset + length) & -Folio.PAGE_SIZE) >>> Folio.PAGE_SHIFT));
          folio2 = splitAt2.folio();
          pc = Pc.folio2_try_get;
          return;
        case folio2_try_get:
          if (!folio2.tryGet(cpu)) {
            cpu.ret(true);
            return;
          }
          pc = Pc.folio2_test_large;
          return;
        case folio2_test_large:
          pc = folio2.test(cpu, PageFlags.PG_head) ? Pc.folio2_trylock : Pc.out2;
          return;
        case folio2_trylock:
          pc = folio2.trylock(cpu) ? Pc.folio2_mapping : Pc.out2;
          return;
        case folio2_mapping:
          pc = folio2.readMapping(cpu) == mapping ? Pc.try_folio_split2 : Pc.folio2_unlock;
          return;
        case try_folio_split2:
          call(cpu, trySplit2.on(folio2, splitAt2), Pc.folio2_unlock);
          return;
        case folio2_unlock:
          folio2.unlock(cpu);
          pc = Pc.out2;
          return;
        case out2:
          folio2.put(cpu);
          cpu.ret(true);
          return;
        case folio_test_dirty:
          if (folio.test(cpu, PageFlags.PG_dirty)) {
            cpu.ret(false);
            return;
          }
          throw removal(folio);
      }
    }
  }

  /**
   * The partial-folio step of {@code truncate_inode_pages_range(mapping, lstart, lend)}
   * (mm/truncate.c, v6.18) for a range that starts and ends inside one large folio (a hole
   * punch): entered, as the kernel enters {@code truncate_inode_partial_folio}, with the folio
   * locked and referenced (by the lookup {@code __filemap_get_folio(FGP_LOCK)}, done in the
   * initial state); calls {@code truncate_inode_partial_folio(folio, lstart, lend)}, then
   * {@code folio_unlock} and {@code folio_put}. Returns the partial-folio result. Context:
   * process; folio locked and referenced on entry, unlocked and put on return.
   */
  public static final class TruncatePartialFolioRange
      extends Routine<TruncatePartialFolioRange.Pc> {
    /** Steps. */
    public enum Pc { truncate_inode_partial_folio, folio_unlock, folio_put }

    private static final StepNames<Pc> NAMES =
        StepNames.of("truncate_inode_pages_range", Pc.class);
    private final TruncateInodePartialFolio partial;
    private Folio folio;
    private long lstart;
    private long lend;
    private boolean result;

    /** A frame whose splits use {@code version}. */
    public TruncatePartialFolioRange(HugeMemory.SplitVersion version) {
      super(NAMES);
      this.partial = new TruncateInodePartialFolio(version);
    }

    /** Binds the locked, referenced folio and the byte range [lstart, lend]. */
    public TruncatePartialFolioRange on(Folio folio, long lstart, long lend) {
      this.folio = checkNotNull(folio, "folio");
      this.lstart = lstart;
      this.lend = lend;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case truncate_inode_partial_folio:
          call(cpu, partial.on(folio, lstart, lend), Pc.folio_unlock);
          return;
        case folio_unlock: {
          boolean r = (Boolean) cpu.retval();
          folio.unlock(cpu);
          result = r;
          pc = Pc.folio_put;
          return;
        }
        case folio_put:
          folio.put(cpu);
          cpu.ret(result);
          return;
      }
    }
  }
}
