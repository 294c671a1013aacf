package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepLocal;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaErrno;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaInternal;
import io.foliolab.xarray.XaState;
import java.util.ArrayList;
import java.util.List;

/**
 * mm/filemap.c: the page-cache lookup paths as step programs ({@code filemap_get_entry},
 * {@code __filemap_get_folio}, {@code filemap_fault}, {@code find_get_entry},
 * {@code find_lock_entries}, {@code filemap_get_folios_tag}), and the insertion and removal paths
 * ({@code __filemap_add_folio} in its 5.17-6.9 and 6758c1128ceb forms, {@code filemap_add_folio},
 * {@code __filemap_remove_folio}, {@code page_cache_delete}).
 */
public final class Filemap {
  private Filemap() {}

  /** {@code FGP_ACCESSED} (include/linux/pagemap.h); not modelled, rejected. */
  public static final int FGP_ACCESSED = 0x1;
  /** {@code FGP_LOCK}: return the folio locked. */
  public static final int FGP_LOCK = 0x2;
  /** {@code FGP_CREAT}: allocate and add a folio if none is present. */
  public static final int FGP_CREAT = 0x4;
  /** {@code FGP_WRITE}; not modelled, rejected. */
  public static final int FGP_WRITE = 0x8;
  /** {@code FGP_NOWAIT}: trylock instead of sleeping. */
  public static final int FGP_NOWAIT = 0x10;
  /** {@code FGP_FOR_MMAP}: a new folio is returned unlocked (the fault locks it). */
  public static final int FGP_FOR_MMAP = 0x40;

  /** {@code VM_FAULT_OOM}. */
  public static final int VM_FAULT_OOM = 0x1;
  /** {@code VM_FAULT_SIGBUS}. */
  public static final int VM_FAULT_SIGBUS = 0x2;
  /** {@code VM_FAULT_MAJOR}. */
  public static final int VM_FAULT_MAJOR = 0x4;
  /** {@code VM_FAULT_LOCKED}: the fault returns the folio locked in {@code vmf->page}. */
  public static final int VM_FAULT_LOCKED = 0x200;
  /** {@code VM_FAULT_RETRY}: the mmap lock was dropped; the fault must be retried. */
  public static final int VM_FAULT_RETRY = 0x400;

  /** {@code FAULT_FLAG_ALLOW_RETRY}. */
  public static final int FAULT_FLAG_ALLOW_RETRY = 0x4;
  /** {@code FAULT_FLAG_RETRY_NOWAIT}. */
  public static final int FAULT_FLAG_RETRY_NOWAIT = 0x8;
  /** {@code FAULT_FLAG_KILLABLE}. */
  public static final int FAULT_FLAG_KILLABLE = 0x10;
  /** {@code FAULT_FLAG_TRIED}: this is the retry of a fault that returned VM_FAULT_RETRY. */
  public static final int FAULT_FLAG_TRIED = 0x20;

  /** {@code PAGEVEC_SIZE} / {@code FOLIO_BATCH_SIZE} in 6.18 (31). */
  public static final int FOLIO_BATCH_SIZE = 31;

  /** The message of the lookup assertion, as the kernel prints it after "page dumped because:". */
  public static final String VM_BUG_ON_FOLIO_CONTAINS =
      "VM_BUG_ON_FOLIO(!folio_contains(folio, index))";

  /**
   * Versions of the mm/filemap.c lookups that check the folio they found.
   */
  public enum Version {
    /**
     * v6.18 (e.g. 6.18.7, the Cloudflare report): after locking the folio and checking
     * {@code folio->mapping}, {@code filemap_fault}, {@code __filemap_get_folio_mpol} and
     * {@code find_lock_entries} assert {@code VM_BUG_ON_FOLIO(!folio_contains(folio, index))}.
     */
    V6_18,
    /**
     * "[PATCH RFC 1/1] mm/filemap: handle large folio split race in page cache lookups" (Chris J
     * Arges, 2026-03-05; not merged): the three assertions become part of the truncation check:
     * a folio that does not contain the index is unlocked, put, and the lookup retried
     * ({@code goto retry_find} / {@code goto repeat}; {@code find_lock_entries} skips it).
     */
    RFC_2026_03
  }

  /**
   * The second load of the lookups' {@code folio_contains(folio, index)} check
   * (include/linux/pagemap.h, as {@code filemap_fault}, {@code __filemap_get_folio} and
   * {@code find_lock_entries} use it after the truncation check in mm/filemap.c, v6.18): loads the
   * locked folio's order (one step; its index, {@code folioIndex}, was loaded by the step before)
   * and tells whether the folio covers {@code index}. If it does not, {@link Version#V6_18}
   * asserts {@code VM_BUG_ON_FOLIO(!folio_contains(folio, index))}: a BUG with the folio's dump
   * (the execution ends); {@link Version#RFC_2026_03} returns false, and the caller unlocks and
   * puts the folio as if it had been truncated. Context: folio locked and referenced.
   */
  static boolean folioContains(Cpu cpu, Version version, Folio folio, long folioIndex,
      long index) {
    int order = folio.readOrder(cpu);
    if (Folio.contains(folioIndex, order, index)) {
      return true;
    }
    if (version == Version.V6_18) {
      cpu.bug(VM_BUG_ON_FOLIO_CONTAINS, folio.subject(VM_BUG_ON_FOLIO_CONTAINS, index));
    }
    return false;
  }

  // ===============================================================================================

  /**
   * {@code filemap_get_entry(mapping, index)} (mm/filemap.c, v6.18): the lockless lookup. In an
   * RCU read-side section: {@code xas_reset}, {@code xas_load}; {@code xas_retry} goes back to
   * {@code repeat}; NULL or a value entry is returned as is; otherwise {@code folio_try_get}
   * (back to {@code repeat} if the count was 0) and {@code xas_reload}: if it no longer returns
   * the folio, {@code folio_put} and back to {@code repeat}. Every {@code goto repeat} is a retry
   * loop of the machine (counted; waits until something it read changes). Returns the entry,
   * referenced if it is a folio. Context: takes and releases the RCU read lock.
   */
  public static final class FilemapGetEntry extends Routine<FilemapGetEntry.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, repeat, loaded, folio_try_get, reloaded, put, out }

    private static final StepNames<Pc> NAMES = StepNames.of("filemap_get_entry", Pc.class);
    private final LibXarray.XasLoad xasLoad = new LibXarray.XasLoad();
    private final LibXarray.XasReload xasReload = new LibXarray.XasReload();
    private AddressSpace mapping;
    private long index;
    private XaState xas;
    private Object entry;

    public FilemapGetEntry() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public FilemapGetEntry on(AddressSpace mapping, long index) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.index = index;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          xas = new XaState(mapping.iPages(), index);
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
          pc = entry == null || XaEntry.isValue(entry) ? Pc.out : Pc.folio_try_get;
          return;
        case folio_try_get:
          if (!asFolio(cpu, entry).tryGet(cpu)) {
            retry(cpu, Pc.repeat);
            return;
          }
          call(cpu, xasReload.on(xas), Pc.reloaded);
          return;
        case reloaded:
          pc = XaEntry.same(cpu.retval(), entry) ? Pc.out : Pc.put;
          return;
        case put:
          ((Folio) entry).put(cpu);
          retry(cpu, Pc.repeat);
          return;
        case out:
          cpu.rcuReadUnlock();
          cpu.ret(entry);
          return;
      }
    }
  }

  /**
   * The entry as a folio; anything else that is not a folio pointer (an internal entry such as a
   * sibling) is dereferenced by the kernel as if it were one: an OOPS at the entry's raw value
   * plus the offset of {@code _refcount} (0x34 on x86-64), as in the 2024 report (address 0x36
   * for sibling 0).
   */
  static Folio asFolio(Cpu cpu, Object entry) {
    if (entry instanceof Folio) {
      return (Folio) entry;
    }
    long raw = entry instanceof XaInternal
        ? ((long) ((XaInternal) entry).internalNumber() << 2) | 2 : 0;
    cpu.oops("BUG: unable to handle page fault for address: " + String.format("%016x", raw + 0x34)
        + " (folio_try_get on XArray entry " + XaEntry.describe(entry) + ")", null);
    throw new AssertionError("unreachable");
  }

  // ===============================================================================================

  /**
   * {@code __filemap_get_folio(mapping, index, fgp_flags, gfp)} (mm/filemap.c, v6.18, where it is
   * {@code __filemap_get_folio_mpol} with a NULL policy), for the flags {@link #FGP_LOCK},
   * {@link #FGP_NOWAIT}, {@link #FGP_CREAT} and {@link #FGP_FOR_MMAP}. {@code repeat:}
   * {@code filemap_get_entry}; a value entry counts as no folio. With {@code FGP_LOCK}: trylock
   * ({@code FGP_NOWAIT}, failure puts and returns -EAGAIN) or {@code folio_lock}; then the
   * truncation check ({@code folio->mapping != mapping}: unlock, put, {@code goto repeat}) and, in
   * {@link Version#V6_18}, {@code VM_BUG_ON_FOLIO(!folio_contains(folio, index))} (in
   * {@link Version#RFC_2026_03} a folio that does not contain the index is treated like a
   * truncated one). {@code no_page:} without a folio, -ENOENT; with {@code FGP_CREAT} the kernel
   * allocates and adds a folio, which this model does not do yet (it throws
   * {@link UnsupportedOperationException}; the modelled scenarios always find a folio). Returns the
   * folio (referenced, locked iff {@code FGP_LOCK}) or an {@link ErrPtr}. Context: may sleep;
   * takes RCU inside {@code filemap_get_entry}.
   */
  public static final class FilemapGetFolio extends Routine<FilemapGetFolio.Pc> {
    /** Steps. */
    public enum Pc { repeat, got_entry, folio_trylock, put_eagain, folio_lock, truncated,
      folio_contains_index, folio_contains, unlock, put, no_page }

    private static final StepNames<Pc> NAMES = StepNames.of("__filemap_get_folio", Pc.class);
    private final FilemapGetEntry getEntry = new FilemapGetEntry();
    private final Version version;
    private AddressSpace mapping;
    private long index;
    private int fgpFlags;
    private Folio folio;
    private long folioIndex;

    /** A frame for the lookups of {@code version}. */
    public FilemapGetFolio(Version version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
    }

    /**
     * Binds the arguments for the next call.
     *
     * @throws IllegalArgumentException for flags this model does not implement
     */
    public FilemapGetFolio on(AddressSpace mapping, long index, int fgpFlags) {
      int known = FGP_LOCK | FGP_NOWAIT | FGP_CREAT | FGP_FOR_MMAP;
      checkArgument((fgpFlags & ~known) == 0,
          "__filemap_get_folio: fgp flags 0x%s not modelled; allowed FGP_LOCK, FGP_NOWAIT,"
              + " FGP_CREAT, FGP_FOR_MMAP", Integer.toHexString(fgpFlags & ~known));
      this.mapping = checkNotNull(mapping, "mapping");
      this.index = index;
      this.fgpFlags = fgpFlags;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case repeat:
          call(cpu, getEntry.on(mapping, index), Pc.got_entry);
          return;
        case got_entry: {
          Object e = cpu.retval();
          folio = e instanceof Folio ? (Folio) e : null;
          if (folio == null) {
            pc = Pc.no_page;
          } else if ((fgpFlags & FGP_LOCK) == 0) {
            cpu.ret(folio);
          } else {
            pc = (fgpFlags & FGP_NOWAIT) != 0 ? Pc.folio_trylock : Pc.folio_lock;
          }
          return;
        }
        case folio_trylock:
          pc = folio.trylock(cpu) ? Pc.truncated : Pc.put_eagain;
          return;
        case put_eagain:
          folio.put(cpu);
          cpu.ret(new ErrPtr(ErrPtr.EAGAIN));
          return;
        case folio_lock:
          folio.lock(cpu);
          pc = Pc.truncated;
          return;
        case truncated:
          pc = folio.readMapping(cpu) != mapping ? Pc.unlock : Pc.folio_contains_index;
          return;
        case folio_contains_index:
          folioIndex = folio.readIndex(cpu);
          pc = Pc.folio_contains;
          return;
        case folio_contains:
          if (!folioContains(cpu, version, folio, folioIndex, index)) {
            pc = Pc.unlock;
            return;
          }
          cpu.ret(folio);
          return;
        case unlock:
          folio.unlock(cpu);
          pc = Pc.put;
          return;
        case put:
          folio.put(cpu);
          retry(cpu, Pc.repeat);
          return;
        case no_page:
          if ((fgpFlags & FGP_CREAT) != 0) {
            throw new UnsupportedOperationException("__filemap_get_folio(FGP_CREAT) found no folio"
                + " at index 0x" + Long.toHexString(index) + " of " + mapping
                + ": allocating and adding one (filemap_add_folio) is not modelled here");
          }
          cpu.ret(new ErrPtr(ErrPtr.ENOENT));
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code filemap_fault(vmf)} (mm/filemap.c, v6.18; the assertion is at mm/filemap.c:3519 in
   * 6.18.7) for a fault at page-cache {@code index} with fault flags {@code flags}:
   * <ol>
   *   <li>{@code i_size} check ({@code VM_FAULT_SIGBUS} beyond EOF);
   *   <li>{@code filemap_get_folio} (no lock); found: if not uptodate take
   *       {@code invalidate_lock} shared; not found: {@code VM_FAULT_MAJOR}, and
   *       {@code retry_find:} take {@code invalidate_lock} shared and
   *       {@code __filemap_get_folio(FGP_CREAT | FGP_FOR_MMAP)} (readahead, the PTE recheck and
   *       the page-table side are not modelled);
   *   <li>{@code lock_folio_maybe_drop_mmap}: trylock; else, on a first attempt
   *       ({@code FAULT_FLAG_ALLOW_RETRY} without {@code FAULT_FLAG_TRIED} or
   *       {@code RETRY_NOWAIT}) the mmap lock is dropped ({@code fpin}), then {@code folio_lock}
   *       (killable; no signal is modelled);
   *   <li>the truncation check ({@code folio->mapping != mapping}: unlock, put,
   *       {@code goto retry_find}) and, in {@link Version#V6_18},
   *       {@code VM_BUG_ON_FOLIO(!folio_contains(folio, index))}; in
   *       {@link Version#RFC_2026_03} a folio that does not contain the index goes back to
   *       {@code retry_find} like a truncated one;
   *   <li>not uptodate: unlock, put and {@code retry_find} without the invalidate lock, else
   *       {@code page_not_uptodate} (reading the folio is not modelled: it throws);
   *   <li>{@code fpin}: unlock and {@code out_retry} ({@code VM_FAULT_RETRY}); drop
   *       {@code invalidate_lock}; re-check {@code i_size}; return {@code VM_FAULT_LOCKED} with the
   *       folio ({@link #folio()}, page {@code folio_file_page(folio, index)}).
   * </ol>
   * Every {@code goto retry_find} is a retry loop of the machine (counted). Returns the
   * {@code vm_fault_t}. Context: mmap lock (or per-VMA lock) held for read on entry, possibly
   * dropped; sleeps on the folio lock.
   */
  public static final class FilemapFault extends Routine<FilemapFault.Pc> {
    /** Steps. */
    public enum Pc { i_size_read, filemap_get_folio, got_folio, folio_test_uptodate,
      invalidate_lock, retry_find, get_folio_creat, got_folio_creat, folio_trylock, folio_lock,
      truncated, folio_contains_index, folio_contains, uptodate, unlock_retry_find, put_retry_find,
      unlock_fpin, invalidate_unlock, i_size_recheck, unlock_sigbus, put_sigbus, out_retry,
      out_retry_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("filemap_fault", Pc.class);
    private final FilemapGetFolio getFolio;
    private final Version version;
    private AddressSpace mapping;
    private long index;
    private int flags;
    private long maxIdx;
    private Folio folio;
    private long folioIndex;
    private boolean mappingLocked;
    private boolean fpin;
    private int ret;

    /** A frame for the fault of {@code version}. */
    public FilemapFault(Version version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
      this.getFolio = new FilemapGetFolio(version);
    }

    /** Binds the arguments for the next call: the mapping, the faulting index, fault flags. */
    public FilemapFault on(AddressSpace mapping, long index, int flags) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.index = index;
      this.flags = flags;
      return this;
    }

    /** After a {@link #VM_FAULT_LOCKED} return: the folio ({@code page_folio(vmf->page)}). */
    public Folio folio() {
      return folio;
    }

    private static long divRoundUp(long bytes) {
      return (bytes + Folio.PAGE_SIZE - 1) >>> Folio.PAGE_SHIFT;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case i_size_read: {
          long size = mapping.iSizeRead(cpu);
          mappingLocked = false;
          fpin = false;
          ret = 0;
          folio = null;
          maxIdx = divRoundUp(size);
          if (Long.compareUnsigned(index, maxIdx) >= 0) {
            cpu.ret(VM_FAULT_SIGBUS);
            return;
          }
          pc = Pc.filemap_get_folio;
          return;
        }
        case filemap_get_folio:
          call(cpu, getFolio.on(mapping, index, 0), Pc.got_folio);
          return;
        case got_folio: {
          Object f = cpu.retval();
          if (f instanceof Folio) {
            folio = (Folio) f;
            pc = Pc.folio_test_uptodate;
          } else {
            // No cached page: filemap_fault_recheck_pte_none and do_sync_mmap_readahead are not
            // modelled (the PTE is none, readahead adds nothing).
            ret = VM_FAULT_MAJOR;
            pc = Pc.retry_find;
          }
          return;
        }
        case folio_test_uptodate:
          if (!folio.test(cpu, PageFlags.PG_uptodate)) {
            pc = Pc.invalidate_lock;
            return;
          }
          pc = Pc.folio_trylock;
          return;
        case invalidate_lock:
          cpu.downRead(mapping.invalidateLock());
          mappingLocked = true;
          pc = folio != null ? Pc.folio_trylock : Pc.get_folio_creat;
          return;
        case retry_find:
          pc = mappingLocked ? Pc.get_folio_creat : Pc.invalidate_lock;
          return;
        case get_folio_creat:
          call(cpu, getFolio.on(mapping, index, FGP_CREAT | FGP_FOR_MMAP), Pc.got_folio_creat);
          return;
        case got_folio_creat: {
          Object f = cpu.retval();
          if (!(f instanceof Folio)) {
            if (fpin) {
              folio = null;
              pc = Pc.out_retry;
              return;
            }
            pc = Pc.invalidate_unlock;
            ret = VM_FAULT_OOM;
            folio = null;
            return;
          }
          folio = (Folio) f;
          pc = Pc.folio_trylock;
          return;
        }
        case folio_trylock:
          if (folio.trylock(cpu)) {
            pc = Pc.truncated;
            return;
          }
          if ((flags & FAULT_FLAG_RETRY_NOWAIT) != 0) {
            pc = Pc.out_retry;
            return;
          }
          // maybe_unlock_mmap_for_io: drops the mmap lock on a first attempt.
          if ((flags & FAULT_FLAG_ALLOW_RETRY) != 0 && (flags & FAULT_FLAG_TRIED) == 0) {
            fpin = true;
          }
          pc = Pc.folio_lock;
          return;
        case folio_lock:
          folio.lock(cpu);
          pc = Pc.truncated;
          return;
        case truncated:
          pc = folio.readMapping(cpu) != mapping ? Pc.unlock_retry_find : Pc.folio_contains_index;
          return;
        case folio_contains_index:
          folioIndex = folio.readIndex(cpu);
          pc = Pc.folio_contains;
          return;
        case folio_contains:
          pc = folioContains(cpu, version, folio, folioIndex, index) ? Pc.uptodate
              : Pc.unlock_retry_find;
          return;
        case uptodate:
          if (!folio.test(cpu, PageFlags.PG_uptodate)) {
            if (!mappingLocked) {
              pc = Pc.unlock_retry_find;
              return;
            }
            throw new UnsupportedOperationException("filemap_fault: page_not_uptodate"
                + " (filemap_read_folio) is not modelled; " + folio + " is not uptodate");
          }
          pc = fpin ? Pc.unlock_fpin : Pc.invalidate_unlock;
          return;
        case unlock_retry_find:
          folio.unlock(cpu);
          pc = Pc.put_retry_find;
          return;
        case put_retry_find:
          folio.put(cpu);
          folio = null;
          retry(cpu, Pc.retry_find);
          return;
        case unlock_fpin:
          folio.unlock(cpu);
          pc = Pc.out_retry;
          return;
        case invalidate_unlock:
          if (mappingLocked) {
            cpu.upRead(mapping.invalidateLock());
            mappingLocked = false;
          }
          if (folio == null) {
            cpu.ret(ret);
            return;
          }
          pc = Pc.i_size_recheck;
          return;
        case i_size_recheck:
          maxIdx = divRoundUp(mapping.iSizeRead(cpu));
          if (Long.compareUnsigned(index, maxIdx) >= 0) {
            pc = Pc.unlock_sigbus;
            return;
          }
          cpu.ret(ret | VM_FAULT_LOCKED);
          return;
        case unlock_sigbus:
          folio.unlock(cpu);
          pc = Pc.put_sigbus;
          return;
        case put_sigbus:
          folio.put(cpu);
          folio = null;
          cpu.ret(VM_FAULT_SIGBUS);
          return;
        case out_retry:
          if (folio != null) {
            folio.put(cpu);
            folio = null;
          }
          pc = Pc.out_retry_unlock;
          return;
        case out_retry_unlock:
          if (mappingLocked) {
            cpu.upRead(mapping.invalidateLock());
            mappingLocked = false;
          }
          cpu.ret(ret | VM_FAULT_RETRY);
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code find_get_entry(xas, max, mark)} (mm/filemap.c, v6.18): {@code retry:} the next present
   * ({@code XA_PRESENT}: {@code xas_find}) or marked ({@code xas_find_marked}) entry up to
   * {@code max}; {@code xas_retry} goes back to {@code retry}; NULL or a value entry is returned
   * as is; otherwise {@code folio_try_get} (a non-folio entry, e.g. a marked sibling, is
   * dereferenced: OOPS) and {@code xas_reload}; on failure {@code reset:} {@code xas_reset} and
   * {@code goto retry} (a retry loop of the machine). Returns the entry, referenced if a folio.
   * Context: RCU read lock held by the caller.
   */
  public static final class FindGetEntry extends Routine<FindGetEntry.Pc> {
    /** Steps. */
    public enum Pc { retry, found, folio_try_get, reloaded, put, reset }

    private static final StepNames<Pc> NAMES = StepNames.of("find_get_entry", Pc.class);
    private final LibXarray.XasFind xasFind = new LibXarray.XasFind();
    private final LibXarray.XasFindMarked xasFindMarked = new LibXarray.XasFindMarked();
    private final LibXarray.XasReload xasReload = new LibXarray.XasReload();
    private XaState xas;
    private long max;
    private int mark;
    private LibXarray.FindMarked findMarked = LibXarray.FindMarked.V6_18;
    private Object entry;

    public FindGetEntry() {
      super(NAMES);
    }

    /**
     * Binds the arguments for the next call; {@code mark} is {@link XArray#XA_PRESENT} or a mark,
     * {@code findMarked} the {@code xas_find_marked} variant.
     */
    public FindGetEntry on(XaState xas, long max, int mark, LibXarray.FindMarked findMarked) {
      checkArgument(mark == XArray.XA_PRESENT || (mark >= 0 && mark <= XArray.XA_MARK_MAX),
          "find_get_entry: mark %s must be XA_PRESENT or 0..2", mark);
      this.xas = checkNotNull(xas, "xas");
      this.max = max;
      this.mark = mark;
      this.findMarked = checkNotNull(findMarked, "findMarked");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case retry:
          if (mark == XArray.XA_PRESENT) {
            call(cpu, xasFind.on(xas, max), Pc.found);
          } else {
            call(cpu, xasFindMarked.on(xas, max, mark, findMarked), Pc.found);
          }
          return;
        case found:
          entry = cpu.retval();
          if (xas.retry(entry)) {
            retry(cpu, Pc.retry);
            return;
          }
          if (entry == null || XaEntry.isValue(entry)) {
            cpu.ret(entry);
            return;
          }
          pc = Pc.folio_try_get;
          return;
        case folio_try_get:
          if (!asFolio(cpu, entry).tryGet(cpu)) {
            pc = Pc.reset;
            return;
          }
          call(cpu, xasReload.on(xas), Pc.reloaded);
          return;
        case reloaded:
          if (!XaEntry.same(cpu.retval(), entry)) {
            pc = Pc.put;
            return;
          }
          cpu.ret(entry);
          return;
        case put:
          ((Folio) entry).put(cpu);
          pc = Pc.reset;
          return;
        case reset:
          xas.reset();
          retry(cpu, Pc.retry);
          return;
      }
    }
  }

  /**
   * A {@code struct folio_batch} (include/linux/pagevec.h, v6.18: up to {@link #FOLIO_BATCH_SIZE}
   * folios) with, for {@code find_lock_entries}, the indices array. Private to the CPU that fills
   * it.
   */
  public static final class FolioBatch implements StepLocal {
    private final List<Object> entries = new ArrayList<>();
    private final List<Long> indices = new ArrayList<>();

    /**
     * {@code folio_batch_add(fbatch, folio)} (include/linux/pagevec.h, v6.18), which also records
     * {@code index} for {@code find_lock_entries}. Returns the space left (0: the batch is full).
     * Context: any; the batch is private to the caller.
     */
    int add(Object entry, long index) {
      entries.add(entry);
      indices.add(index);
      return FOLIO_BATCH_SIZE - entries.size();
    }

    /** The folios and value entries, in order. */
    public List<Object> entries() {
      return List.copyOf(entries);
    }

    /** For {@code find_lock_entries}: the index each entry was found at. */
    public List<Long> indices() {
      return List.copyOf(indices);
    }

    /**
     * {@code folio_batch_count(fbatch)} (include/linux/pagevec.h, v6.18): returns the number of
     * entries in the batch. Context: any; the batch is private to the caller.
     */
    public int count() {
      return entries.size();
    }

    void clear() {
      entries.clear();
      indices.clear();
    }
  }

  // ===============================================================================================

  /**
   * {@code find_lock_entries(mapping, *start, end, fbatch, indices)} (mm/filemap.c, v6.18): under
   * RCU, repeatedly {@code find_get_entry(XA_PRESENT)} up to {@code end}. A folio must lie wholly
   * inside [{@code *start}, {@code end}] (else {@code put}), be trylocked (else {@code put}), still
   * belong to the mapping and not be under writeback (else {@code unlock}); then
   * {@code VM_BUG_ON_FOLIO(!folio_contains(folio, xas.xa_index))} ({@link Version#V6_18}; the RFC
   * skips such a folio via {@code unlock}). A value entry spans {@code 1 << xas_get_order};
   * one starting before {@code *start} is skipped, one ending after {@code end} ends the walk.
   * Accepted entries move {@code *start} past them and go into the batch with their index; a
   * full batch ends the walk. Returns the batch count ({@link #batch()}, {@link #start()}).
   * Context: takes the RCU read lock; trylocks folios.
   */
  public static final class FindLockEntries extends Routine<FindLockEntries.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, next, got, folio_trylock, mapping, writeback,
      folio_contains_index, folio_contains, value_order, accept, unlock, put, out }

    private static final StepNames<Pc> NAMES = StepNames.of("find_lock_entries", Pc.class);
    private final FindGetEntry findGetEntry = new FindGetEntry();
    private final LibXarray.XasGetOrder xasGetOrder = new LibXarray.XasGetOrder();
    private final Version version;
    private final FolioBatch batch = new FolioBatch();
    private AddressSpace mapping;
    private long start;
    private long end;
    private XaState xas;
    private Object entry;
    private long base;
    private long nr;
    private long folioIndex;

    /** A frame for the lookup of {@code version}. */
    public FindLockEntries(Version version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
    }

    /** Binds the arguments for the next call (the batch is emptied). */
    public FindLockEntries on(AddressSpace mapping, long start, long end) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.start = start;
      this.end = end;
      batch.clear();
      return this;
    }

    /** The batch filled by the last call. */
    public FolioBatch batch() {
      return batch;
    }

    /** {@code *start} after the last call. */
    public long start() {
      return start;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          xas = new XaState(mapping.iPages(), start);
          pc = Pc.next;
          return;
        case next:
          call(cpu, findGetEntry.on(xas, end, XArray.XA_PRESENT, LibXarray.FindMarked.V6_18),
              Pc.got);
          return;
        case got:
          entry = cpu.retval();
          if (entry == null) {
            pc = Pc.out;
            return;
          }
          if (XaEntry.isValue(entry)) {
            call(cpu, xasGetOrder.on(xas), Pc.value_order);
            return;
          }
          Folio folio = (Folio) entry;
          // base and nr are read from the referenced folio: a piece cannot be split under this
          // reference, so these reads cannot race; they are local.
          base = folio.peekIndex();
          nr = folio.peekNrPages();
          if (Long.compareUnsigned(base, start) < 0
              || Long.compareUnsigned(base + nr - 1, end) > 0) {
            pc = Pc.put;
            return;
          }
          pc = Pc.folio_trylock;
          return;
        case folio_trylock:
          pc = ((Folio) entry).trylock(cpu) ? Pc.mapping : Pc.put;
          return;
        case mapping:
          pc = ((Folio) entry).readMapping(cpu) != mapping ? Pc.unlock : Pc.writeback;
          return;
        case writeback:
          pc = ((Folio) entry).test(cpu, PageFlags.PG_writeback) ? Pc.unlock
              : Pc.folio_contains_index;
          return;
        case folio_contains_index:
          folioIndex = ((Folio) entry).readIndex(cpu);
          pc = Pc.folio_contains;
          return;
        case folio_contains:
          pc = folioContains(cpu, version, (Folio) entry, folioIndex, xas.index()) ? Pc.accept
              : Pc.unlock;
          return;
        case value_order: {
          nr = 1L << (Integer) cpu.retval();
          base = xas.index() & ~(nr - 1);
          if (Long.compareUnsigned(base, start) < 0) {
            pc = Pc.next;
            return;
          }
          if (Long.compareUnsigned(base + nr - 1, end) > 0) {
            pc = Pc.out;
            return;
          }
          pc = Pc.accept;
          return;
        }
        case accept:
          start = base + nr;
          if (batch.add(entry, xas.index()) == 0) {
            pc = Pc.out;
            return;
          }
          pc = Pc.next;
          return;
        case unlock:
          ((Folio) entry).unlock(cpu);
          pc = Pc.put;
          return;
        case put:
          ((Folio) entry).put(cpu);
          pc = Pc.next;
          return;
        case out:
          cpu.rcuReadUnlock();
          cpu.ret(batch.count());
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code filemap_get_folios_tag(mapping, *start, end, tag, fbatch)} (mm/filemap.c, v6.18): under
   * RCU, repeatedly {@code find_get_entry(tag)} up to {@code end}: value entries are skipped, a
   * folio goes into the batch; a full batch sets {@code *start = folio_next_index(folio)} and ends
   * ({@code out}). Otherwise {@code *start = end + 1} (or {@code (pgoff_t)-1}). Returns the batch
   * count ({@link #batch()}, {@link #start()}). The {@code xas_find_marked} variant is chosen by
   * the caller ({@link LibXarray.FindMarked}). Context: takes the RCU read lock; no folio locks.
   */
  public static final class FilemapGetFoliosTag extends Routine<FilemapGetFoliosTag.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, next, got, out }

    private static final StepNames<Pc> NAMES = StepNames.of("filemap_get_folios_tag", Pc.class);
    private final FindGetEntry findGetEntry = new FindGetEntry();
    private final FolioBatch batch = new FolioBatch();
    private final LibXarray.FindMarked findMarked;
    private AddressSpace mapping;
    private long start;
    private long end;
    private int tag;
    private XaState xas;

    /** A frame walking tags with {@code findMarked}'s {@code xas_find_marked}. */
    public FilemapGetFoliosTag(LibXarray.FindMarked findMarked) {
      super(NAMES);
      this.findMarked = checkNotNull(findMarked, "findMarked");
    }

    /** Binds the arguments for the next call (the batch is emptied). */
    public FilemapGetFoliosTag on(AddressSpace mapping, long start, long end, int tag) {
      checkArgument(tag >= 0 && tag <= XArray.XA_MARK_MAX, "tag %s must be 0..2", tag);
      this.mapping = checkNotNull(mapping, "mapping");
      this.start = start;
      this.end = end;
      this.tag = tag;
      batch.clear();
      return this;
    }

    /** The batch filled by the last call. */
    public FolioBatch batch() {
      return batch;
    }

    /** {@code *start} after the last call. */
    public long start() {
      return start;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          xas = new XaState(mapping.iPages(), start);
          pc = Pc.next;
          return;
        case next:
          call(cpu, findGetEntry.on(xas, end, tag, findMarked), Pc.got);
          return;
        case got: {
          Object entry = cpu.retval();
          if (entry == null) {
            start = end == -1L ? -1L : end + 1;
            pc = Pc.out;
            return;
          }
          if (XaEntry.isValue(entry)) {
            pc = Pc.next;
            return;
          }
          Folio folio = (Folio) entry;
          if (batch.add(folio, xas.index()) == 0) {
            // folio_next_index of a referenced folio: cannot race, read locally.
            start = folio.peekIndex() + folio.peekNrPages();
            pc = Pc.out;
            return;
          }
          pc = Pc.next;
          return;
        }
        case out:
          cpu.rcuReadUnlock();
          cpu.ret(batch.count());
          return;
      }
    }
  }

  // ===============================================================================================
  // Insertion and removal: __filemap_add_folio (two versions), filemap_add_folio,
  // __filemap_remove_folio and page_cache_delete.

  /** The oops of {@code xas_split} finding no preallocated node ({@code xa_alloc} NULL). */
  public static final String XAS_SPLIT_NO_NODE =
      "BUG: kernel NULL pointer dereference in xas_split: xa_alloc is empty";

  /** The versions of {@code __filemap_add_folio} (mm/filemap.c) modelled. */
  public enum AddFolioVersion {
    /**
     * 5.17 - 6.9 (e.g. 6.1, 6.6 before the October 2024 backport; kernel-notes/mm-paths.md D.2):
     * before taking the lock, {@code xa_get_order} (an RCU walk) and, if the entry there is
     * larger than the new folio, {@code xas_split_alloc} of nodes prefilled with whatever a second
     * unlocked walk ({@code xa_load}) returned. Under the lock: the conflict loop, the order
     * re-read with {@code xa_get_order}, {@code xas_split} with the shadow seen under the lock
     * (which uses the prefilled nodes as they are), {@code xas_store}. {@code xas_nomem} loop.
     * Without de60fd8ddeda, a failed {@code xas_split_alloc} is only noticed through the
     * cursor's error and {@code xas_nomem}.
     */
    V6_9,
    /**
     * 6758c1128ceb "mm/filemap: optimize filemap folio adding" (Kairui Song, v6.10; backported to
     * 6.1.y and 6.6.y in October 2024 with a4864671ca0b and de60fd8ddeda; mm-paths.md D.3):
     * everything is decided under the lock. The conflict loop reads the order of the first
     * conflicting entry with {@code xas_get_order}; nodes are preallocated (unlocked, after
     * dropping the lock) only for the shadow and order seen under the lock, recorded as
     * {@code alloced_shadow} / {@code alloced_order}, and destroyed ({@code xas_destroy}) if the
     * next locked pass sees a different entry or order; a failed preallocation returns its error
     * at once.
     */
    V6758C1128CEB
  }

  /**
   * {@code __filemap_add_folio(mapping, folio, index, gfp, shadowp)} (mm/filemap.c), in the two
   * versions of {@link AddFolioVersion} (5.17 - v6.9, and 6758c1128ceb in v6.10), for a
   * page-cache (not hugetlb, not shmem-swap) folio.
   * The folio is new: locked, referenced by the caller, seen by nobody.
   *
   * <p>Prologue (both versions): {@code VM_BUG_ON_FOLIO(!folio_test_locked(folio))},
   * {@code VM_BUG_ON_FOLIO(folio_test_swapbacked(folio))}, {@code VM_BUG_ON_FOLIO(index &
   * (folio_nr_pages(folio) - 1))} (read locally: nobody else can see the folio);
   * {@code xas_set_order(&xas, index, folio_order(folio))}; {@code folio_ref_add(folio, nr)};
   * {@code folio->mapping = mapping}; {@code folio->index = xas.xa_index}. Then the version's
   * loop; under the lock a successful store adds {@code nr} to {@code mapping->nrpages}. On
   * error: {@code folio->mapping = NULL}, {@code folio_put_refs(folio, nr)}.
   *
   * <p>Each locked pass is one write-side XArray operation (published store by store to RCU
   * readers). The memcg charge, the page-cache statistics and {@code mapping_set_update}
   * (workingset node tracking) are not modelled. Returns 0 or a negative errno
   * ({@code -EEXIST}, {@code -ENOMEM}); {@link #shadow()} is the value entry found in the
   * folio's range, if any ({@code *shadowp}). Context: process; takes the mapping's xa_lock; RCU
   * for the unlocked walks of {@link AddFolioVersion#V6_9}.
   */
  public static final class FilemapAddFolio extends Routine<FilemapAddFolio.Pc> {
    /** Steps: the prologue, then the labels of the two loops. */
    public enum Pc { prologue, folio_ref_add, folio_mapping, folio_index,
      xa_get_order, got_order, xa_load, xas_split_alloc,
      xas_lock_irq, locked, published, nrpages_read, nrpages_write, xas_unlock_irq, split_alloc_locked_out,
      xas_nomem, done, error_mapping, error_put }

    private static final StepNames<Pc> NAMES = StepNames.of("__filemap_add_folio", Pc.class);
    private final AddFolioVersion version;
    private final LibXarray.XaGetOrder xaGetOrder = new LibXarray.XaGetOrder();
    private final LibXarray.XaLoad xaLoad = new LibXarray.XaLoad();
    private AddressSpace mapping;
    private Folio folio;
    private long index;
    private XaGfp gfp;
    private XaState xas;
    private int folioOrder;
    private long nr;
    private Object shadow;
    // Loop state.
    private int order;
    private Object old;
    private boolean stored;
    private boolean shmemSplit;
    private boolean noAllocNode;
    private boolean again;
    private long nrpages;
    // 6758c1128ceb.
    private int splitOrder;
    private int allocedOrder;
    private Object allocedShadow;

    /** A frame for {@code version}. */
    public FilemapAddFolio(AddFolioVersion version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
    }

    /** Binds the arguments for the next call. */
    public FilemapAddFolio on(AddressSpace mapping, Folio folio, long index, XaGfp gfp) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      this.index = index;
      this.gfp = checkNotNull(gfp, "gfp");
      return this;
    }

    /** {@code *shadowp} after the last call: the value entry replaced, or null. */
    public Object shadow() {
      return shadow;
    }

    /** The version this frame models. */
    public AddFolioVersion version() {
      return version;
    }

    @Override
    protected void step(Cpu cpu) {
      XArray xa = mapping.iPages();
      switch (pc) {
        case prologue:
          // The folio is private to this CPU until it is stored: its fields are read locally.
          cpu.bugOn(!folio.peekFlag(PageFlags.PG_locked),
              "VM_BUG_ON_FOLIO(!folio_test_locked(folio))",
              folio.subject("VM_BUG_ON_FOLIO(!folio_test_locked(folio))", index));
          cpu.bugOn(folio.peekFlag(PageFlags.PG_swapbacked),
              "VM_BUG_ON_FOLIO(folio_test_swapbacked(folio))",
              folio.subject("VM_BUG_ON_FOLIO(folio_test_swapbacked(folio))", index));
          int ord = folio.peekOrder();
          // A failing VM_BUG_ON is this step's action: the locals are set after the last one.
          cpu.bugOn((index & ((1L << ord) - 1)) != 0,
              "VM_BUG_ON_FOLIO(index & (folio_nr_pages(folio) - 1))",
              folio.subject("VM_BUG_ON_FOLIO(index & (folio_nr_pages(folio) - 1))", index));
          folioOrder = ord;
          nr = 1L << ord;
          xas = new XaState(xa, index, ord);
          shadow = null;
          allocedOrder = 0;
          allocedShadow = null;
          pc = Pc.folio_ref_add;
          return;
        case folio_ref_add:
          folio.refAdd(cpu, nr);
          pc = Pc.folio_mapping;
          return;
        case folio_mapping:
          folio.writeMapping(cpu, mapping);
          pc = Pc.folio_index;
          return;
        case folio_index:
          folio.writeIndex(cpu, xas.index());
          pc = version == AddFolioVersion.V6_9 ? Pc.xa_get_order : Pc.xas_lock_irq;
          return;

        // ---- v6.9: the unlocked part of each pass.
        case xa_get_order:
          call(cpu, xaGetOrder.on(xa, xas.index()), Pc.got_order);
          return;
        case got_order:
          order = (Integer) cpu.retval();
          pc = order > folioOrder ? Pc.xa_load : Pc.xas_lock_irq;
          return;
        case xa_load:
          call(cpu, xaLoad.on(xa, xas.index()), Pc.xas_split_alloc);
          return;
        case xas_split_alloc: {
          // xas_split_alloc(&xas, xa_load(xas.xa, xas.xa_index), order, gfp): the nodes are
          // prefilled with the entry the unlocked walk returned.
          Object entry = cpu.retval();
          int o = order;
          XaWrite.run(cpu, mapping, () -> xas.splitAlloc(entry, o, gfp));
          pc = Pc.xas_lock_irq;
          return;
        }

        // ---- Both versions: the locked pass.
        case xas_lock_irq:
          mapping.xaLockIrq(cpu);
          pc = Pc.locked;
          return;
        case locked:
          // The pass's locals are cleared inside the operation, after the step's action.
          if (version == AddFolioVersion.V6_9) {
            XaWrite.run(cpu, mapping, () -> {
              startLockedPass();
              lockedV69();
            });
          } else {
            XaWrite.run(cpu, mapping, () -> {
              startLockedPass();
              locked6758();
            });
          }
          if (shmemSplit) {
            cpu.bug("BUG_ON(shmem_mapping(mapping))",
                folio.subject("BUG_ON(shmem_mapping(mapping))", index));
            return;
          }
          if (noAllocNode) {
            cpu.oops(XAS_SPLIT_NO_NODE, folio.subject(XAS_SPLIT_NO_NODE, index));
            return;
          }
          // The locked pass's stores are published (one per step) under this label.
          pc = Pc.published;
          return;
        case published:
          pc = stored ? Pc.nrpages_read : Pc.xas_unlock_irq;
          return;
        case nrpages_read:
          nrpages = mapping.nrpagesRead(cpu);
          pc = Pc.nrpages_write;
          return;
        case nrpages_write:
          mapping.nrpagesWrite(cpu, nrpages + nr);
          pc = Pc.xas_unlock_irq;
          return;
        case xas_unlock_irq:
          mapping.xaUnlockIrq(cpu);
          pc = splitOrder != 0 ? Pc.split_alloc_locked_out : Pc.xas_nomem;
          return;
        case split_alloc_locked_out: {
          // 6758c1128ceb: xas_split_alloc(&xas, old, split_order, gfp) with the entry seen under
          // the lock; a failure returns at once.
          Object o = old;
          int so = splitOrder;
          XaWrite.run(cpu, mapping, () -> xas.splitAlloc(o, so, gfp));
          if (xas.error() != 0) {
            pc = Pc.error_mapping;
            return;
          }
          allocedShadow = old;
          allocedOrder = splitOrder;
          xas.reset();
          pc = Pc.xas_lock_irq;
          return;
        }
        case xas_nomem:
          XaWrite.run(cpu, mapping, () -> again = xas.nomem(gfp));
          if (again) {
            pc = version == AddFolioVersion.V6_9 ? Pc.xa_get_order : Pc.xas_lock_irq;
            return;
          }
          pc = Pc.done;
          return;
        case done:
          if (xas.error() != 0) {
            pc = Pc.error_mapping;
            return;
          }
          cpu.ret(0);
          return;
        case error_mapping:
          folio.writeMapping(cpu, null);
          pc = Pc.error_put;
          return;
        case error_put:
          folio.putRefs(cpu, nr);
          cpu.ret(xas.error());
          return;
      }
    }

    /** Clears the outcome of the previous locked pass (its C locals start out zero). */
    private void startLockedPass() {
      stored = false;
      shmemSplit = false;
      noAllocNode = false;
      old = null;
      splitOrder = 0;
    }

    /**
     * The locked pass of {@code __filemap_add_folio} in {@link AddFolioVersion#V6_9} (mm/filemap.c,
     * v6.9): {@code xas_for_each_conflict} (a folio is {@code -EEXIST}), then for a shadow the
     * order re-read with {@code xa_get_order} and, if it is larger than the folio's,
     * {@code xas_split(&xas, old, order)} (consuming the nodes {@code xas_split_alloc} prefilled
     * before the lock was taken) and {@code xas_reset}; then {@code xas_store(&xas, folio)}. Leaves
     * its outcome in the frame ({@code stored}, {@code shadow}, the cursor's error, or the
     * {@code shmemSplit} / {@code noAllocNode} failures). Context: xa_lock held, inside one
     * write-side operation ({@link XaWrite}).
     */
    private void lockedV69() {
      XArray xa = xas.xa();
      for (Object entry; (entry = xas.findConflict()) != null; ) {
        old = entry;
        if (!XaEntry.isValue(entry)) {
          xas.setErr(-XaErrno.EEXIST);
          return;
        }
      }
      if (old != null) {
        shadow = old;
        int o = xa.getOrder(xas.index());
        if (o > folioOrder) {
          if (mapping.isShmem()) {
            shmemSplit = true;
            return;
          }
          if (!split(old, o)) {
            return;
          }
          xas.reset();
        }
      }
      xas.store(folio);
      stored = xas.error() == 0;
    }

    /**
     * {@code xas_split(&xas, old, order)} (lib/xarray.c, v6.18 as {@link XaState#split} models it;
     * the marks of the new slots follow the array's {@link io.foliolab.xarray.XaConfig}, which can
     * select the v6.9 behaviour) for {@code __filemap_add_folio}. Returns true, or false if it
     * needed a preallocated node and {@code xa_alloc} was empty (the kernel dereferences the NULL
     * chain head before storing anything: an oops, which the caller raises). Context: xa_lock held.
     */
    private boolean split(Object entry, int o) {
      try {
        xas.split(entry, o);
        return true;
      } catch (IllegalStateException e) {
        noAllocNode = true;
        return false;
      }
    }

    /**
     * The locked pass of {@code __filemap_add_folio} in {@link AddFolioVersion#V6758C1128CEB}
     * (mm/filemap.c, 6758c1128ceb, v6.10): the conflict loop takes the order of the first
     * conflicting entry ({@code xas_get_order}); a preallocation made for another entry or order is
     * destroyed; a larger shadow is split only with nodes preallocated for it, otherwise
     * {@code split_order} is recorded and the pass ends ({@code goto unlock}); then
     * {@code *shadowp = old} and {@code xas_store(&xas, folio)}. Leaves its outcome in the frame,
     * as {@link #lockedV69} does. Context: xa_lock held, inside one write-side operation
     * ({@link XaWrite}).
     */
    private void locked6758() {
      order = -1;
      for (Object entry; (entry = xas.findConflict()) != null; ) {
        old = entry;
        if (!XaEntry.isValue(entry)) {
          xas.setErr(-XaErrno.EEXIST);
          return;
        }
        if (order == -1) {
          order = xas.getOrder();
        }
      }
      if (allocedOrder != 0 && (!XaEntry.same(old, allocedShadow) || order != allocedOrder)) {
        xas.destroy();
        allocedOrder = 0;
      }
      if (old != null) {
        if (order > 0 && order > folioOrder) {
          if (mapping.isShmem()) {
            shmemSplit = true;
            return;
          }
          if (allocedOrder == 0) {
            splitOrder = order;
            return;
          }
          if (!split(old, order)) {
            return;
          }
          xas.reset();
        }
        shadow = old;
      }
      xas.store(folio);
      stored = xas.error() == 0;
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * {@code filemap_add_folio(mapping, folio, index, gfp)} (mm/filemap.c, v6.9): the caller's
   * entry point for a new folio. {@code __folio_set_locked(folio)} (a non-atomic store on a
   * folio nobody can see yet: the model takes the folio already locked, as in its initial
   * state), {@link FilemapAddFolio}; on error {@code __folio_clear_locked} (also private again),
   * on success {@code folio_add_lru} (modelled as setting {@code PG_lru}: the per-CPU LRU batch
   * and {@code lru_lock} are not modelled). {@code workingset_refault} for a replaced shadow only
   * updates statistics and is not modelled. Returns 0 or the error. Context: process.
   */
  public static final class FilemapAddFolioLru extends Routine<FilemapAddFolioLru.Pc> {
    /** Steps. */
    public enum Pc { __filemap_add_folio, added, __folio_clear_locked, folio_add_lru }

    private static final StepNames<Pc> NAMES = StepNames.of("filemap_add_folio", Pc.class);
    private final FilemapAddFolio add;
    private AddressSpace mapping;
    private Folio folio;
    private long index;
    private XaGfp gfp;
    private int ret;

    /** A frame whose {@code __filemap_add_folio} is {@code version}. */
    public FilemapAddFolioLru(AddFolioVersion version) {
      super(NAMES);
      this.add = new FilemapAddFolio(version);
    }

    /** Binds the arguments for the next call. */
    public FilemapAddFolioLru on(AddressSpace mapping, Folio folio, long index, XaGfp gfp) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      this.index = index;
      this.gfp = checkNotNull(gfp, "gfp");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case __filemap_add_folio:
          call(cpu, add.on(mapping, folio, index, gfp), Pc.added);
          return;
        case added:
          ret = (Integer) cpu.retval();
          pc = ret != 0 ? Pc.__folio_clear_locked : Pc.folio_add_lru;
          return;
        case __folio_clear_locked:
          // __folio_clear_locked: a non-atomic clear (load now, store in this CPU's next step)
          // of a folio nobody can see again.
          cpu.nonAtomicClearBit(folio.flags, PageFlags.PG_locked);
          cpu.ret(ret);
          return;
        case folio_add_lru:
          folio.set(cpu, PageFlags.PG_lru);
          cpu.ret(0);
          return;
      }
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * {@code page_cache_delete(mapping, folio, shadow)} (mm/filemap.c, v6.9; same in v6.18):
   * {@code xas_set_order(&xas, folio->index, folio_order(folio))}, {@code xas_store(&xas,
   * shadow)} (a shadow value entry, or NULL, over the folio's whole range; emptied nodes are
   * freed through RCU), {@code xas_init_marks(&xas)}, then {@code folio->mapping = NULL} and
   * {@code mapping->nrpages -= nr}. {@code VM_BUG_ON_FOLIO(!folio_test_locked(folio))}.
   * {@code mapping_set_update} (workingset shadow-node tracking) is not modelled. Returns
   * nothing. Context: xa_lock held, folio locked.
   */
  public static final class PageCacheDelete extends Routine<PageCacheDelete.Pc> {
    /** Steps. */
    public enum Pc { xas_store, folio_mapping, nrpages_read, nrpages_write }

    private static final StepNames<Pc> NAMES = StepNames.of("page_cache_delete", Pc.class);
    private AddressSpace mapping;
    private Folio folio;
    private Object shadow;
    private long nr;
    private long nrpages;

    public PageCacheDelete() {
      super(NAMES);
    }

    /**
     * Binds the arguments for the next call.
     *
     * @throws IllegalArgumentException if {@code shadow} is neither null nor a value entry
     */
    public PageCacheDelete on(AddressSpace mapping, Folio folio, Object shadow) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      checkArgument(shadow == null || XaEntry.isValue(shadow),
          "page_cache_delete: shadow %s must be NULL or a value entry", XaEntry.describe(shadow));
      this.shadow = shadow;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case xas_store: {
          // The folio is locked and in the cache, and the caller holds the xa_lock: its index,
          // order and lock bit cannot change under us; read locally.
          cpu.bugOn(!folio.peekFlag(PageFlags.PG_locked),
              "VM_BUG_ON_FOLIO(!folio_test_locked(folio))",
              folio.subject("VM_BUG_ON_FOLIO(!folio_test_locked(folio))", -1));
          int order = folio.peekOrder();
          XaState xas = new XaState(mapping.iPages(), folio.peekIndex());
          xas.setOrder(folio.peekIndex(), order);
          XaWrite.run(cpu, mapping, () -> {
            xas.store(shadow);
            xas.initMarks();
          });
          nr = 1L << order;
          pc = Pc.folio_mapping;
          return;
        }
        case folio_mapping:
          folio.writeMapping(cpu, null);
          pc = Pc.nrpages_read;
          return;
        case nrpages_read:
          nrpages = mapping.nrpagesRead(cpu);
          pc = Pc.nrpages_write;
          return;
        case nrpages_write:
          mapping.nrpagesWrite(cpu, nrpages - nr);
          cpu.ret();
          return;
      }
    }
  }

  /**
   * {@code __filemap_remove_folio(folio, shadow)} (mm/filemap.c, v6.9; same in v6.18): removes a
   * folio from the page cache, leaving {@code shadow} (a workingset shadow value entry, or NULL)
   * in its range: {@code filemap_unaccount_folio} (statistics and debug checks, not modelled)
   * and {@link PageCacheDelete}. The mapping is {@code folio->mapping}, passed by the caller
   * (which read it). Returns nothing. Context: xa_lock held, folio locked; the caller frees the
   * folio or drops the page cache's references.
   */
  public static final class FilemapRemoveFolio extends Routine<FilemapRemoveFolio.Pc> {
    /** Steps. */
    public enum Pc { page_cache_delete, deleted }

    private static final StepNames<Pc> NAMES = StepNames.of("__filemap_remove_folio", Pc.class);
    private final PageCacheDelete delete = new PageCacheDelete();
    private AddressSpace mapping;
    private Folio folio;
    private Object shadow;

    public FilemapRemoveFolio() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public FilemapRemoveFolio on(AddressSpace mapping, Folio folio, Object shadow) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.folio = checkNotNull(folio, "folio");
      this.shadow = shadow;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case page_cache_delete:
          call(cpu, delete.on(mapping, folio, shadow), Pc.deleted);
          return;
        case deleted:
          cpu.ret();
          return;
      }
    }
  }
}
