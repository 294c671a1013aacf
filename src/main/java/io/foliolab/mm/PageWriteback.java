package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaState;
import java.util.List;

/**
 * mm/page-writeback.c: dirty tagging ({@code folio_mark_dirty}, {@code __folio_mark_dirty}),
 * {@code tag_pages_for_writeback}, and the writeback walk ({@code write_cache_pages} /
 * {@code writeback_iter} over {@code filemap_get_folios_tag}, locking each folio, clearing its
 * dirty bit and starting writeback), v6.9.
 *
 * <p>The page-cache tags: {@link #PAGECACHE_TAG_DIRTY}, {@link #PAGECACHE_TAG_WRITEBACK},
 * {@link #PAGECACHE_TAG_TOWRITE} (XArray marks 0, 1, 2). Dirty accounting (memcg, bdi, zone
 * statistics), {@code __mark_inode_dirty} and {@code folio_mkclean} (the folios of the modelled
 * scenarios are not mapped) are not modelled.
 */
public final class PageWriteback {
  private PageWriteback() {}

  /** {@code PAGECACHE_TAG_DIRTY} = {@code XA_MARK_0}. */
  public static final int PAGECACHE_TAG_DIRTY = XArray.XA_MARK_0;
  /** {@code PAGECACHE_TAG_WRITEBACK} = {@code XA_MARK_1}. */
  public static final int PAGECACHE_TAG_WRITEBACK = XArray.XA_MARK_1;
  /** {@code PAGECACHE_TAG_TOWRITE} = {@code XA_MARK_2}. */
  public static final int PAGECACHE_TAG_TOWRITE = XArray.XA_MARK_2;

  /** {@code enum writeback_sync_modes}. */
  public enum SyncMode {
    /** {@code WB_SYNC_NONE}: background writeback; folios already under writeback are skipped. */
    WB_SYNC_NONE,
    /** {@code WB_SYNC_ALL}: data integrity; waits for writeback in progress; tags TOWRITE first. */
    WB_SYNC_ALL
  }

  // ===============================================================================================

  /**
   * {@code __folio_mark_dirty(folio, mapping, warn)} (mm/page-writeback.c, v6.9): under the
   * mapping's xa_lock, if {@code folio->mapping} is still set (no truncation raced), sets
   * {@code PAGECACHE_TAG_DIRTY} on the folio's entry ({@code __xa_set_mark(&mapping->i_pages,
   * folio_index(folio), PAGECACHE_TAG_DIRTY)}: the canonical slot of a multi-index entry, and the
   * slots above it). The uptodate WARN and {@code folio_account_dirtied} are not modelled.
   * Returns nothing. Context: takes the mapping's xa_lock.
   */
  public static final class FolioMarkDirtyTag extends Routine<FolioMarkDirtyTag.Pc> {
    /** Steps. */
    public enum Pc { xa_lock_irqsave, folio_mapping, folio_index, xa_set_mark, xa_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("__folio_mark_dirty", Pc.class);
    private AddressSpace mapping;
    private Folio folio;
    private long index;

    public FolioMarkDirtyTag() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public FolioMarkDirtyTag on(AddressSpace mapping, Folio folio) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xa_lock_irqsave:
          mapping.xaLockIrq(cpu);
          pc = Pc.folio_mapping;
          return;
        case folio_mapping:
          pc = folio.readMapping(cpu) != null ? Pc.folio_index : Pc.xa_unlock;
          return;
        case folio_index:
          index = folio.readIndex(cpu);
          pc = Pc.xa_set_mark;
          return;
        case xa_set_mark: {
          long i = index;
          XaWrite.run(cpu, mapping, () -> mapping.iPages().__setMark(i, PAGECACHE_TAG_DIRTY));
          pc = Pc.xa_unlock;
          return;
        }
        case xa_unlock:
          mapping.xaUnlockIrq(cpu);
          cpu.ret();
          return;
      }
    }
  }

  /**
   * {@code filemap_dirty_folio(mapping, folio)} (mm/page-writeback.c, v6.9; XFS's
   * {@code iomap_dirty_folio} ends here): {@code folio_test_set_dirty}; if the folio was already
   * dirty return false; else {@link FolioMarkDirtyTag} and return true. Context: folio locked or
   * otherwise pinned against truncation, as the kernel requires.
   */
  public static final class FilemapDirtyFolio extends Routine<FilemapDirtyFolio.Pc> {
    /** Steps. */
    public enum Pc { folio_test_set_dirty, tagged }

    private static final StepNames<Pc> NAMES = StepNames.of("filemap_dirty_folio", Pc.class);
    private final FolioMarkDirtyTag tag = new FolioMarkDirtyTag();
    private AddressSpace mapping;
    private Folio folio;

    public FilemapDirtyFolio() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public FilemapDirtyFolio on(AddressSpace mapping, Folio folio) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_test_set_dirty:
          if (folio.testAndSet(cpu, PageFlags.PG_dirty)) {
            cpu.ret(false);
            return;
          }
          call(cpu, tag.on(mapping, folio), Pc.tagged);
          return;
        case tagged:
          cpu.ret(true);
          return;
      }
    }
  }

  /**
   * {@code folio_mark_dirty(folio)} (mm/page-writeback.c, v6.9): {@code mapping =
   * folio_mapping(folio)}; with a mapping, clear a stale {@code PG_reclaim}
   * ({@code folio_test_reclaim} / {@code folio_clear_reclaim}) and call the mapping's
   * {@code ->dirty_folio} ({@link FilemapDirtyFolio}); without one, {@code noop_dirty_folio}
   * ({@code folio_test_set_dirty} if not dirty, no tag). Returns whether the folio became dirty.
   * Context: folio locked or otherwise pinned against truncation, as the kernel requires; takes
   * the mapping's xa_lock inside {@link FolioMarkDirtyTag}.
   */
  public static final class FolioMarkDirty extends Routine<FolioMarkDirty.Pc> {
    /** Steps. */
    public enum Pc { folio_mapping, folio_test_reclaim, folio_clear_reclaim, dirty_folio, done,
      noop_test_dirty, noop_set_dirty }

    private static final StepNames<Pc> NAMES = StepNames.of("folio_mark_dirty", Pc.class);
    private final FilemapDirtyFolio dirtyFolio = new FilemapDirtyFolio();
    private Folio folio;
    private AddressSpace mapping;

    public FolioMarkDirty() {
      super(NAMES);
    }

    /** Binds the folio for the next call. */
    public FolioMarkDirty on(Folio folio) {
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_mapping:
          mapping = folio.readMapping(cpu);
          pc = mapping != null ? Pc.folio_test_reclaim : Pc.noop_test_dirty;
          return;
        case folio_test_reclaim:
          pc = folio.test(cpu, PageFlags.PG_reclaim) ? Pc.folio_clear_reclaim : Pc.dirty_folio;
          return;
        case folio_clear_reclaim:
          folio.clear(cpu, PageFlags.PG_reclaim);
          pc = Pc.dirty_folio;
          return;
        case dirty_folio:
          call(cpu, dirtyFolio.on(mapping, folio), Pc.done);
          return;
        case done:
          cpu.ret(cpu.retval());
          return;
        case noop_test_dirty:
          if (folio.test(cpu, PageFlags.PG_dirty)) {
            cpu.ret(false);
            return;
          }
          pc = Pc.noop_set_dirty;
          return;
        case noop_set_dirty:
          cpu.ret(!folio.testAndSet(cpu, PageFlags.PG_dirty));
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code tag_pages_for_writeback(mapping, start, end)} (mm/page-writeback.c, v6.9): under the
   * xa_lock, {@code xas_for_each_marked(&xas, folio, end, PAGECACHE_TAG_DIRTY)}
   * {@code xas_set_mark(&xas, PAGECACHE_TAG_TOWRITE)}: every dirty-tagged slot in the range also
   * gets TOWRITE, so that a data-integrity walk sees exactly the folios dirty when it started.
   * The {@code xas_pause} / unlock / {@code cond_resched} every {@code XA_CHECK_SCHED} (4096)
   * entries never happens in the modelled ranges. The walk is the XArray model's
   * {@link XaState#findMarked} (the v6.18 form, which skips marked sibling slots; a 2024 kernel
   * would tag them too). One write-side operation. Returns nothing. Context: takes the mapping's
   * xa_lock.
   */
  public static final class TagPagesForWriteback extends Routine<TagPagesForWriteback.Pc> {
    /** Steps. */
    public enum Pc { xas_lock_irq, xas_for_each_marked, xas_unlock_irq }

    private static final StepNames<Pc> NAMES = StepNames.of("tag_pages_for_writeback", Pc.class);
    private AddressSpace mapping;
    private long start;
    private long end;

    public TagPagesForWriteback() {
      super(NAMES);
    }

    /** Binds the arguments for the next call ({@code end} inclusive; -1 is {@code ULONG_MAX}). */
    public TagPagesForWriteback on(AddressSpace mapping, long start, long end) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.start = start;
      this.end = end;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xas_lock_irq:
          mapping.xaLockIrq(cpu);
          pc = Pc.xas_for_each_marked;
          return;
        case xas_for_each_marked: {
          XaState xas = new XaState(mapping.iPages(), start);
          XaWrite.run(cpu, mapping, () -> {
            for (Object e = xas.findMarked(end, PAGECACHE_TAG_DIRTY); e != null;
                e = xas.nextMarked(end, PAGECACHE_TAG_DIRTY)) {
              xas.setMark(PAGECACHE_TAG_TOWRITE);
            }
          });
          pc = Pc.xas_unlock_irq;
          return;
        }
        case xas_unlock_irq:
          mapping.xaUnlockIrq(cpu);
          cpu.ret();
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code folio_clear_dirty_for_io(folio)} (mm/page-writeback.c, v6.9) for a mapping that can
   * write back: {@code VM_BUG_ON_FOLIO(!folio_test_locked(folio))}; ({@code folio_mkclean}: the
   * folio is not mapped in the modelled scenarios, not modelled); {@code folio_test_clear_dirty}
   * and, if it was dirty, the dirty statistics (not modelled). Returns whether it was dirty.
   * Context: folio locked.
   */
  public static final class FolioClearDirtyForIo extends Routine<FolioClearDirtyForIo.Pc> {
    /** Steps. */
    public enum Pc { folio_test_clear_dirty }

    private static final StepNames<Pc> NAMES =
        StepNames.of("folio_clear_dirty_for_io", Pc.class);
    private Folio folio;

    public FolioClearDirtyForIo() {
      super(NAMES);
    }

    /** Binds the folio for the next call. */
    public FolioClearDirtyForIo on(Folio folio) {
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      // VM_BUG_ON_FOLIO(!folio_test_locked(folio)): the caller holds the lock; read locally.
      cpu.bugOn(!folio.peekFlag(PageFlags.PG_locked), "VM_BUG_ON_FOLIO(!folio_test_locked(folio))",
          folio.subject("VM_BUG_ON_FOLIO(!folio_test_locked(folio))", -1));
      cpu.ret(folio.testAndClear(cpu, PageFlags.PG_dirty));
    }
  }

  /**
   * {@code __folio_start_writeback(folio, keep_write = false)} (mm/page-writeback.c, v6.9) for a
   * mapping that uses writeback tags: {@code VM_BUG_ON_FOLIO(folio_test_writeback(folio))}; under
   * the xa_lock, {@code folio_test_set_writeback}, then on the folio's entry
   * {@code xas_set_mark(PAGECACHE_TAG_WRITEBACK)}, {@code xas_clear_mark(PAGECACHE_TAG_DIRTY)} if
   * the folio is no longer dirty, and {@code xas_clear_mark(PAGECACHE_TAG_TOWRITE)}; the mark
   * updates are one write-side operation. The bdi and inode writeback accounting and
   * {@code sb_mark_inode_writeback} are not modelled. Returns nothing. Context: folio locked;
   * takes the mapping's xa_lock.
   */
  public static final class FolioStartWriteback extends Routine<FolioStartWriteback.Pc> {
    /** Steps. */
    public enum Pc { folio_test_writeback, xas_lock_irqsave, folio_test_set_writeback,
      folio_test_dirty, xas_set_mark, xas_unlock_irqrestore }

    private static final StepNames<Pc> NAMES = StepNames.of("__folio_start_writeback", Pc.class);
    private AddressSpace mapping;
    private Folio folio;
    private boolean dirty;

    public FolioStartWriteback() {
      super(NAMES);
    }

    /** Binds the arguments for the next call; {@code mapping} is {@code folio_mapping(folio)}. */
    public FolioStartWriteback on(AddressSpace mapping, Folio folio) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_test_writeback:
          if (folio.test(cpu, PageFlags.PG_writeback)) {
            cpu.bug("VM_BUG_ON_FOLIO(folio_test_writeback(folio))",
                folio.subject("VM_BUG_ON_FOLIO(folio_test_writeback(folio))", -1));
            return;
          }
          pc = Pc.xas_lock_irqsave;
          return;
        case xas_lock_irqsave:
          mapping.xaLockIrq(cpu);
          pc = Pc.folio_test_set_writeback;
          return;
        case folio_test_set_writeback:
          folio.testAndSet(cpu, PageFlags.PG_writeback);
          pc = Pc.folio_test_dirty;
          return;
        case folio_test_dirty:
          dirty = folio.test(cpu, PageFlags.PG_dirty);
          pc = Pc.xas_set_mark;
          return;
        case xas_set_mark: {
          // folio_index() of a locked folio in the cache cannot change: read locally.
          XaState xas = new XaState(mapping.iPages(), folio.peekIndex());
          boolean d = dirty;
          XaWrite.run(cpu, mapping, () -> {
            xas.load();
            xas.setMark(PAGECACHE_TAG_WRITEBACK);
            if (!d) {
              xas.clearMark(PAGECACHE_TAG_DIRTY);
            }
            xas.clearMark(PAGECACHE_TAG_TOWRITE);
          });
          pc = Pc.xas_unlock_irqrestore;
          return;
        }
        case xas_unlock_irqrestore:
          mapping.xaUnlockIrq(cpu);
          cpu.ret();
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code write_cache_pages(mapping, wbc, writepage, data)} (mm/page-writeback.c, v6.9, built on
   * {@code writeback_iter} / {@code writeback_get_folio}) with the writepage of an iomap
   * filesystem (XFS's {@code iomap_do_writepage}: start writeback, unlock; the I/O and
   * {@code folio_end_writeback} are not modelled), over [{@code start}, {@code end}], no
   * {@code nr_to_write} limit, not cyclic.
   *
   * <ol>
   *   <li>{@code writeback_iter}, first call: {@code WB_SYNC_ALL} (or {@code tagged_writepages})
   *       runs {@link TagPagesForWriteback} and walks {@code PAGECACHE_TAG_TOWRITE}; otherwise
   *       the walk is over {@code PAGECACHE_TAG_DIRTY};
   *   <li>{@code writeback_get_folio}: {@code retry:} the next folio of the batch; when the batch
   *       is used up, {@code folio_batch_release} (one {@code folio_put} per folio) and
   *       {@code filemap_get_folios_tag(mapping, &index, end, tag, &fbatch)}; an empty batch
   *       ends the walk. {@code folio_lock(folio)}, then {@code folio_prepare_writeback}:
   *       {@code folio->mapping != mapping} (truncated), not dirty (written by someone else),
   *       under writeback ({@code WB_SYNC_NONE}: skip; {@code WB_SYNC_ALL}:
   *       {@code folio_wait_writeback}, a wait on {@code PG_writeback}), or
   *       {@code !folio_clear_dirty_for_io}: {@code folio_unlock} and {@code goto retry};
   *   <li>writepage: {@code folio_start_writeback} ({@link FolioStartWriteback}),
   *       {@code folio_unlock}; next folio;
   *   <li>done: {@code folio_batch_release}.
   * </ol>
   *
   * The {@code xas_find_marked} of the walk is chosen by the caller ({@link LibXarray.FindMarked}).
   * Returns the number of folios whose writeback was started. Context: process (the writeback
   * worker, {@code wb_workfn}); RCU inside {@code filemap_get_folios_tag}; sleeps on folio locks.
   */
  public static final class WriteCachePages extends Routine<WriteCachePages.Pc> {
    /** Steps. */
    public enum Pc { writeback_iter, retry, filemap_get_folios_tag, got_batch, folio_lock,
      folio_mapping, folio_test_dirty, folio_test_writeback, folio_wait_writeback,
      folio_clear_dirty_for_io, cleared, folio_start_writeback, folio_unlock, skip_unlock,
      folio_batch_release, done }

    private static final StepNames<Pc> NAMES = StepNames.of("write_cache_pages", Pc.class);
    private final Filemap.FilemapGetFoliosTag getFoliosTag;
    private final TagPagesForWriteback tagPages = new TagPagesForWriteback();
    private final FolioClearDirtyForIo clearDirty = new FolioClearDirtyForIo();
    private final FolioStartWriteback startWriteback = new FolioStartWriteback();
    private AddressSpace mapping;
    private long index;
    private long end;
    private SyncMode syncMode;
    private int tag;
    private List<Object> batch = List.of();
    private int next;
    private int released;
    private Folio folio;
    private int written;

    /** A frame whose tagged walk uses {@code findMarked}'s {@code xas_find_marked}. */
    public WriteCachePages(LibXarray.FindMarked findMarked) {
      super(NAMES);
      this.getFoliosTag = new Filemap.FilemapGetFoliosTag(checkNotNull(findMarked, "findMarked"));
    }

    /**
     * Binds the arguments for the next call: the range [{@code start}, {@code end}] (-1 is
     * {@code ULONG_MAX}) and the sync mode.
     */
    public WriteCachePages on(AddressSpace mapping, long start, long end, SyncMode syncMode) {
      this.mapping = checkNotNull(mapping, "mapping");
      checkArgument(end == -1L || Long.compareUnsigned(start, end) <= 0,
          "write_cache_pages: range start 0x%s after end 0x%s", Long.toHexString(start),
          Long.toHexString(end));
      this.index = start;
      this.end = end;
      this.syncMode = checkNotNull(syncMode, "syncMode");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case writeback_iter:
          batch = List.of();
          next = 0;
          released = 0;
          written = 0;
          if (syncMode == SyncMode.WB_SYNC_ALL) {
            tag = PAGECACHE_TAG_TOWRITE;
            call(cpu, tagPages.on(mapping, index, end), Pc.retry);
            return;
          }
          tag = PAGECACHE_TAG_DIRTY;
          pc = Pc.retry;
          return;
        case retry:
          if (next < batch.size()) {
            folio = (Folio) batch.get(next++);
            pc = Pc.folio_lock;
            return;
          }
          pc = Pc.folio_batch_release;
          return;
        case folio_batch_release:
          if (released < batch.size()) {
            ((Folio) batch.get(released)).put(cpu);
            released++;
            return;
          }
          pc = Pc.filemap_get_folios_tag;
          return;
        case filemap_get_folios_tag:
          call(cpu, getFoliosTag.on(mapping, index, end, tag), Pc.got_batch);
          return;
        case got_batch:
          index = getFoliosTag.start();
          batch = getFoliosTag.batch().entries();
          next = 0;
          released = 0;
          if (batch.isEmpty()) {
            pc = Pc.done;
            return;
          }
          pc = Pc.retry;
          return;
        case folio_lock:
          folio.lock(cpu);
          pc = Pc.folio_mapping;
          return;
        case folio_mapping:
          pc = folio.readMapping(cpu) != mapping ? Pc.skip_unlock : Pc.folio_test_dirty;
          return;
        case folio_test_dirty:
          pc = folio.test(cpu, PageFlags.PG_dirty) ? Pc.folio_test_writeback : Pc.skip_unlock;
          return;
        case folio_test_writeback:
          if (folio.test(cpu, PageFlags.PG_writeback)) {
            pc = syncMode == SyncMode.WB_SYNC_NONE ? Pc.skip_unlock : Pc.folio_wait_writeback;
            return;
          }
          pc = Pc.folio_clear_dirty_for_io;
          return;
        case folio_wait_writeback:
          if (folio.test(cpu, PageFlags.PG_writeback)) {
            retry(cpu, Pc.folio_wait_writeback);
            return;
          }
          pc = Pc.folio_clear_dirty_for_io;
          return;
        case folio_clear_dirty_for_io:
          call(cpu, clearDirty.on(folio), Pc.cleared);
          return;
        case cleared:
          pc = (Boolean) cpu.retval() ? Pc.folio_start_writeback : Pc.skip_unlock;
          return;
        case folio_start_writeback:
          call(cpu, startWriteback.on(mapping, folio), Pc.folio_unlock);
          return;
        case folio_unlock:
          folio.unlock(cpu);
          written++;
          pc = Pc.retry;
          return;
        case skip_unlock:
          folio.unlock(cpu);
          pc = Pc.retry;
          return;
        case done:
          cpu.ret(written);
          return;
      }
    }
  }
}
