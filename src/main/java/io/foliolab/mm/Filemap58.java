package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Subject;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaState;

/**
 * The pre-folio page cache read side of v5.8 (commit-era of 033b5d775511's parent), as step
 * programs: {@code unlock_page}, {@code find_get_entry} / {@code find_get_page},
 * {@code filemap_fault} (mm/filemap.c) and the read-fault driver (mm/memory.c)
 * (kernel-notes/mm-paths.md F.3).
 *
 * <p>The 5.8 page cache keeps one entry per index: a compound (THP) page of order k is stored as
 * its head pointer in each of its 2^k slots (no multi-index entries). A compound page is a
 * {@link Folio} of order k (its head) and its subpages are {@link Page}s of the folio's
 * {@link Memmap}; {@code compound_head(page)} is {@link Page#folio()}, and
 * {@code page_to_pgoff} of a tail page is the head's {@code index} plus the tail's position.
 */
public final class Filemap58 {
  private Filemap58() {}

  /** {@code VM_FAULT_LOCKED} (include/linux/mm_types.h, 5.8). */
  public static final int VM_FAULT_LOCKED = 0x000200;

  /** The assertion of filemap_fault (mm/filemap.c, 5.8). */
  public static final String PGOFF_BUG = "VM_BUG_ON_PAGE(page_to_pgoff(page) != offset)";

  /**
   * {@code page_to_pgoff(page)} on loaded values (include/linux/pagemap.h, 5.8, via
   * {@code page_to_index}): for a tail page, the head's {@code index} plus the page's distance
   * from its head; for a head or small page, its {@code index}. Returns that page-cache index.
   * Context: any; no shared access (the caller loaded the head's index).
   */
  public static long pageToPgoff(long headIndex, Page page) {
    return headIndex + (page.pos() - page.folio().memmapPos());
  }

  /**
   * The page a dump_page (mm/debug.c, 5.8) of {@code page} shows, as a failure subject: the
   * {@code page:} line with the subpage's pfn and its {@code page_to_pgoff}, the compound head and
   * order, the head's flags, and {@code page dumped because: reason}. Fields: {@code offset} (the
   * faulting index), {@code pgoff}, {@code headIndex}, {@code subpage} (position in the compound
   * page), {@code order}, {@code refcount} (the head's), {@code mapping}, {@code pfn},
   * {@code headPfn}, {@code flags}. Read without accesses: for failures only. Returns the subject.
   * Context: failure reporting; no shared access.
   */
  public static Subject pageSubject(Page page, long offset, String reason) {
    Folio head = page.folio();
    long headIndex = head.peekIndex();
    long pgoff = pageToPgoff(headIndex, page);
    AddressSpace as = head.peekMapping();
    String mapping = as == null ? "0000000000000000" : as.name();
    StringBuilder sb = new StringBuilder();
    sb.append("page:pfn 0x").append(Long.toHexString(page.pfn()))
        .append(" refcount:").append(page.pos() == head.memmapPos() ? head.peekRefcount() : 0)
        .append(" mapcount:0 mapping:").append(mapping)
        .append(" index:0x").append(Long.toHexString(pgoff));
    if (head.peekOrder() > 0) {
      sb.append(" head:pfn 0x").append(Long.toHexString(head.pfn()))
          .append(" order:").append(head.peekOrder())
          .append(" compound_mapcount:0");
    }
    sb.append('\n').append(PageFlags.dumpLine(head.peekFlags())).append('\n')
        .append("page dumped because: ").append(reason).append('\n');
    ImmutableMap<String, Object> fields = ImmutableMap.<String, Object>builder()
        .put("offset", offset)
        .put("pgoff", pgoff)
        .put("headIndex", headIndex)
        .put("subpage", page.pos() - head.memmapPos())
        .put("order", head.peekOrder())
        .put("refcount", head.peekRefcount())
        .put("mapping", as == null ? "NULL" : as.name())
        .put("pfn", page.pfn())
        .put("headPfn", head.pfn())
        .put("flags", PageFlags.describe(head.peekFlags()))
        .buildOrThrow();
    return new Subject("page", sb.toString(), fields);
  }

  // ===============================================================================================

  /**
   * {@code unlock_page(page)} (mm/filemap.c, 5.8): {@code page = compound_head(page)};
   * {@code VM_BUG_ON_PAGE(!PageLocked(page), page)} (a plain test of the flags word, its own
   * step); then {@code clear_bit_unlock_is_negative_byte(PG_locked)} and the wake-up of waiters
   * (one release RMW). Returns nothing. Context: the caller holds the page lock (or believes it
   * does); any context that may wake.
   */
  public static final class UnlockPage extends Routine<UnlockPage.Pc> {
    /** Steps. */
    public enum Pc { PageLocked, clear_bit_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("unlock_page", Pc.class);
    private Folio head;

    public UnlockPage() {
      super(NAMES);
    }

    /** Binds the page (its compound head) for the next call. */
    public UnlockPage on(Folio head) {
      this.head = checkNotNull(head, "head");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case PageLocked:
          if (!head.test(cpu, PageFlags.PG_locked)) {
            String why = "VM_BUG_ON_PAGE(!PageLocked(page))";
            cpu.bug(why, pageSubject(head.page(0), -1, why));
            return;
          }
          pc = Pc.clear_bit_unlock;
          return;
        case clear_bit_unlock:
          // The kernel's clear_bit_unlock does not check the bit: if another CPU cleared it
          // since the test above (both believed they held the lock), the clear changes nothing.
          // Cpu.unlockBit asserts the bit is set, so that case uses a plain atomic clear_bit on
          // the same word (same location, read-modify-write; nobody waits for a clear bit).
          if (head.peekFlag(PageFlags.PG_locked)) {
            head.unlock(cpu);
          } else {
            head.clear(cpu, PageFlags.PG_locked);
          }
          cpu.ret();
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code find_get_page(mapping, offset)} = {@code pagecache_get_page(mapping, offset, 0, 0)} →
   * {@code find_get_entry} (mm/filemap.c, 5.8): {@code repeat:} {@code xas_reset},
   * {@code xas_load}; a retry entry goes back to {@code repeat}; NULL or a value entry is
   * returned as NULL; {@code head = compound_head(page)}; {@code page_cache_get_speculative(head)}
   * (add unless zero; failure: {@code repeat}); {@code xas_reload} must still give the same
   * pointer (else {@code put_page(head)}, {@code repeat}); then {@code find_subpage(page, offset)}
   * = {@code page + (offset & (compound_nr(page) - 1))}. Returns the subpage with a reference on
   * its head, or null. Context: takes and drops the RCU read lock.
   *
   * <p>Not modelled: the re-check {@code compound_head(page) != head} after the speculative
   * reference (it catches a concurrent split; nothing splits here), and the read of the compound
   * order in {@code compound_nr}, which never changes in these models (peeked).
   *
   * <p>Kept apart from {@link Filemap.FilemapGetEntry} ({@code filemap_get_entry}, v6.18), whose
   * skeleton it shares: the two kernel versions differ (5.8 takes the reference on
   * {@code compound_head} with {@code page_cache_get_speculative}, returns NULL for a value entry,
   * and returns the subpage from {@code find_subpage}), and so do their step labels.
   */
  public static final class FindGetPage extends Routine<FindGetPage.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, repeat, loaded, page_cache_get_speculative, reloaded, put_page,
      out }

    private static final StepNames<Pc> NAMES = StepNames.of("find_get_entry", Pc.class);
    private final LibXarray.XasLoad xasLoad = new LibXarray.XasLoad();
    private final LibXarray.XasReload xasReload = new LibXarray.XasReload();
    private AddressSpace mapping;
    private long offset;
    private XaState xas;
    private Object entry;
    private Page page;

    public FindGetPage() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public FindGetPage on(AddressSpace mapping, long offset) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.offset = offset;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          xas = new XaState(mapping.iPages(), offset);
          page = null;
          pc = Pc.repeat;
          return;
        case repeat:
          xas.reset();
          call(cpu, xasLoad.on(xas), Pc.loaded);
          return;
        case loaded:
          entry = cpu.retval();
          if (xas.retry(entry)) {
            retry(cpu, Pc.repeat);
            return;
          }
          pc = entry == null || XaEntry.isValue(entry) ? Pc.out : Pc.page_cache_get_speculative;
          return;
        case page_cache_get_speculative:
          if (!Filemap.asFolio(cpu, entry).tryGet(cpu)) {
            retry(cpu, Pc.repeat);
            return;
          }
          call(cpu, xasReload.on(xas), Pc.reloaded);
          return;
        case reloaded:
          if (!XaEntry.same(cpu.retval(), entry)) {
            pc = Pc.put_page;
            return;
          }
          Folio head = (Folio) entry;
          page = head.memmap().page(head.memmapPos()
              + (int) (offset & (head.peekNrPages() - 1)));
          pc = Pc.out;
          return;
        case put_page:
          ((Folio) entry).put(cpu);
          retry(cpu, Pc.repeat);
          return;
        case out:
          cpu.rcuReadUnlock();
          cpu.ret(page);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code filemap_fault(vmf)} (mm/filemap.c, 5.8) for a page that is in the page cache:
   * {@code find_get_page}; (readahead decisions not modelled); {@code lock_page_maybe_drop_mmap}:
   * {@code trylock_page} on the compound head, else sleep in {@code __lock_page} (the mmap lock
   * is not modelled, so dropping it changes nothing); the truncation check
   * {@code compound_head(page)->mapping != mapping} → {@code unlock_page}, {@code put_page},
   * {@code goto retry_find} ({@code pagecache_get_page(FGP_CREAT|FGP_FOR_MMAP)}, which finds the
   * page present: the same lookup); then {@code VM_BUG_ON_PAGE(page_to_pgoff(page) != offset,
   * page)}, loading the head's {@code index}. Returns {@link #VM_FAULT_LOCKED} with the page
   * ({@link #page()}) locked and referenced. Context: process context, mmap lock held for read (not
   * modelled), no spinlocks.
   *
   * <p>Not modelled: the uptodate check and {@code page_not_uptodate} (every page that can be
   * found with its expected index here is uptodate), the {@code i_size} check, and the
   * {@code FGP_CREAT} path for a page that is not cached (the lookup never returns NULL in these
   * models; if it did, the model stops with an {@link IllegalStateException}).
   *
   * <p>Kept apart from {@link Filemap.FilemapFault} (v6.18): the 5.8 fault works on pages, locks
   * the compound head, and asserts {@code page_to_pgoff(page) == offset} where 6.18 asserts
   * {@code folio_contains}; its steps and labels differ.
   */
  public static final class FilemapFault extends Routine<FilemapFault.Pc> {
    /** Steps. */
    public enum Pc { find_get_page, found, trylock_page, __lock_page, mapping, truncated_unlock,
      truncated_put, retry_find, page_to_pgoff }

    private static final StepNames<Pc> NAMES = StepNames.of("filemap_fault", Pc.class);
    private final FindGetPage findGetPage = new FindGetPage();
    private final UnlockPage unlockPage = new UnlockPage();
    private AddressSpace mapping;
    private long offset;
    private Page page;

    public FilemapFault() {
      super(NAMES);
    }

    /** Binds the mapping and the faulting index for the next call. */
    public FilemapFault on(AddressSpace mapping, long offset) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.offset = offset;
      return this;
    }

    /** The page found, once the fault returned {@link #VM_FAULT_LOCKED}. */
    public Page page() {
      return page;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case find_get_page:
        case retry_find:
          call(cpu, findGetPage.on(mapping, offset), Pc.found);
          return;
        case found:
          page = (Page) cpu.retval();
          if (page == null) {
            throw new IllegalStateException("filemap_fault: no page at index 0x"
                + Long.toHexString(offset) + " (the FGP_CREAT path is not modelled)");
          }
          pc = Pc.trylock_page;
          return;
        case trylock_page:
          pc = page.folio().trylock(cpu) ? Pc.mapping : Pc.__lock_page;
          return;
        case __lock_page:
          page.folio().lock(cpu);
          pc = Pc.mapping;
          return;
        case mapping:
          pc = page.folio().readMapping(cpu) != mapping ? Pc.truncated_unlock : Pc.page_to_pgoff;
          return;
        case truncated_unlock:
          call(cpu, unlockPage.on(page.folio()), Pc.truncated_put);
          return;
        case truncated_put:
          page.folio().put(cpu);
          page = null;
          pc = Pc.retry_find;
          return;
        case page_to_pgoff: {
          long pgoff = pageToPgoff(page.folio().readIndex(cpu), page);
          if (pgoff != offset) {
            cpu.bug(PGOFF_BUG, pageSubject(page, offset, PGOFF_BUG));
            return;
          }
          cpu.ret(VM_FAULT_LOCKED);
          return;
        }
      }
    }
  }

  // ===============================================================================================

  /**
   * A user read fault at {@code offset} reaching {@code filemap_fault} (mm/memory.c, 5.8:
   * {@code do_read_fault} → {@code __do_fault} → {@code filemap_fault}; then {@code finish_fault}
   * and {@code unlock_page}). The model installs no page-table entry: after the fault returns the
   * page locked, it unlocks it and drops the lookup's reference at once ({@code unlock_page},
   * {@code put_page}), as if the mapping had already been torn down. {@code FAULT_FLAG_RETRY}
   * paths are not modelled (the fault always sleeps for the page lock). Context: process context.
   */
  public static final class ReadFault extends Routine<ReadFault.Pc> {
    /** Steps. */
    public enum Pc { filemap_fault, fault_done, put_page }

    private static final StepNames<Pc> NAMES = StepNames.of("do_read_fault", Pc.class);
    private final FilemapFault fault = new FilemapFault();
    private final UnlockPage unlockPage = new UnlockPage();
    private AddressSpace mapping;
    private long offset;

    public ReadFault() {
      super(NAMES);
    }

    /** Binds the mapping and the faulting page-cache index. */
    public ReadFault on(AddressSpace mapping, long offset) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.offset = offset;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case filemap_fault:
          call(cpu, fault.on(mapping, offset), Pc.fault_done);
          return;
        case fault_done:
          call(cpu, unlockPage.on(fault.page().folio()), Pc.put_page);
          return;
        case put_page:
          fault.page().folio().put(cpu);
          cpu.ret(VM_FAULT_LOCKED);
          return;
      }
    }
  }
}
