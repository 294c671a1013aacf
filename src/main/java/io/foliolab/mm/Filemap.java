package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaErrno;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaState;

/** mm/filemap.c. */
public final class Filemap {
  private Filemap() {}

  // ===============================================================================================
  // Insertion and removal: __filemap_add_folio (two versions), filemap_add_folio,
  // __filemap_remove_folio and page_cache_delete.

  /** The oops of {@code xas_split} finding no preallocated node ({@code xa_alloc} NULL). */
  public static final String XAS_SPLIT_NO_NODE =
      "BUG: kernel NULL pointer dereference in xas_split: xa_alloc is empty";

  /** The versions of {@code __filemap_add_folio}. */
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
   * versions of {@link AddFolioVersion}, for a page-cache (not hugetlb, not shmem-swap) folio.
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
      xas_lock_irq, locked, nrpages_read, nrpages_write, xas_unlock_irq, split_alloc_locked_out,
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
          folioOrder = folio.peekOrder();
          nr = 1L << folioOrder;
          cpu.bugOn((index & (nr - 1)) != 0, "VM_BUG_ON_FOLIO(index & (folio_nr_pages(folio) - 1))",
              folio.subject("VM_BUG_ON_FOLIO(index & (folio_nr_pages(folio) - 1))", index));
          xas = new XaState(xa, index, folioOrder);
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
          stored = false;
          shmemSplit = false;
          noAllocNode = false;
          old = null;
          splitOrder = 0;
          if (version == AddFolioVersion.V6_9) {
            XaWrite.run(cpu, mapping, this::lockedV69);
          } else {
            XaWrite.run(cpu, mapping, this::locked6758);
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

    /**
     * The locked pass of {@link AddFolioVersion#V6_9}: {@code xas_for_each_conflict} (a folio is
     * {@code -EEXIST}), then for a shadow the order re-read with {@code xa_get_order} and, if it
     * is larger than the folio's, {@code xas_split(&xas, old, order)} (consuming the nodes
     * {@code xas_split_alloc} prefilled before the lock was taken) and {@code xas_reset}; then
     * {@code xas_store(&xas, folio)}.
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
     * {@code xas_split(&xas, old, order)}; false if it needed a preallocated node and
     * {@code xa_alloc} was empty (the kernel dereferences the NULL chain head before storing
     * anything: an oops).
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
     * The locked pass of {@link AddFolioVersion#V6758C1128CEB}: the conflict loop takes the order
     * of the first conflicting entry ({@code xas_get_order}); a preallocation made for another
     * entry or order is destroyed; a larger shadow is split only with nodes preallocated for it,
     * otherwise {@code split_order} is recorded and the pass ends ({@code goto unlock}); then
     * {@code *shadowp = old} and {@code xas_store(&xas, folio)}.
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
   * {@code mapping_set_update} (workingset shadow-node tracking) is not modelled. Context:
   * xa_lock held, folio locked.
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
          nr = 1L << order;
          XaState xas = new XaState(mapping.iPages(), folio.peekIndex());
          xas.setOrder(folio.peekIndex(), order);
          XaWrite.run(cpu, mapping, () -> {
            xas.store(shadow);
            xas.initMarks();
          });
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
   * (which read it). Context: xa_lock held, folio locked; the caller frees the folio or drops the
   * page cache's references.
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
