package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaState;
import java.util.ArrayList;
import java.util.List;

/**
 * mm/huge_memory.c (v6.18, and the 577a1f495fd7 fix: see {@link SplitVersion}): splitting a
 * large page-cache folio, as step programs ({@code __folio_split}
 * uniform and non-uniform, {@code __split_unmapped_folio}, {@code __split_folio_to_order},
 * {@code can_split_folio}, {@code min_order_for_split}, {@code split_folio_to_list},
 * {@code try_folio_split}, and the debugfs {@code split_huge_pages} writer for files).
 *
 * <p>Only file-backed (page-cache) folios are modelled: no anon folios, swap cache, deferred
 * split queue, memcg or statistics. The locks nobody else takes in the modelled scenarios (the
 * deferred {@code split_queue_lock}, the lruvec lock, {@code i_lock}) are left out.
 */
public final class HugeMemory {
  private HugeMemory() {}

  /** The choice point of {@code xas_try_split}'s node allocation. */
  public static final ChoicePoint XAS_TRY_SPLIT_ALLOC =
      ChoicePoint.allocation("xa_node (xas_try_split, GFP_NOWAIT)");

  /** Versions of {@code __split_unmapped_folio} (mm/huge_memory.c) modelled. */
  public enum SplitVersion {
    /**
     * v6.15 - v6.18 (from 00527733d0dc, the non-uniform split series, up to the fix): the
     * variable {@code folio} is reassigned after each round to the piece containing
     * {@code split_at}, and from the second round on that piece, not the original head, is what
     * {@code xas_try_split} stores into the XArray slots being split.
     */
    V6_18("v6.18"),
    /**
     * 577a1f495fd7 "mm/huge_memory: fix a folio_split() race condition with folio_try_get()"
     * (Zi Yan, 2026): the original head is remembered as {@code old_folio} and is the entry every
     * {@code xas_try_split} / {@code xas_split} stores, so every old slot keeps pointing at the
     * frozen head until its own piece is stored.
     */
    COMMIT_577A1F495FD7("577a1f495fd7");

    private final String kernelName;

    SplitVersion(String kernelName) {
      this.kernelName = kernelName;
    }

    /** The kernel version or commit, as users name it. */
    public String kernelName() {
      return kernelName;
    }
  }

  // ===============================================================================================

  /**
   * {@code can_split_folio(folio, caller_pins, &extra_pins)} (mm/huge_memory.c, v6.18) for a file
   * folio: {@code extra_pins = folio_nr_pages} (the page cache's references); returns
   * {@code folio_mapcount(folio) == folio_ref_count(folio) - extra_pins - caller_pins} (two
   * loads: the mapcount, then the refcount). Any extra holder (e.g. a lookup's speculative
   * reference) makes it false. Context: folio locked.
   */
  public static final class CanSplitFolio extends Routine<CanSplitFolio.Pc> {
    /** Steps. */
    public enum Pc { folio_mapcount, folio_ref_count }

    private static final StepNames<Pc> NAMES = StepNames.of("can_split_folio", Pc.class);
    private Folio folio;
    private int callerPins;
    private long mapcount;
    private long extraPins;

    public CanSplitFolio() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public CanSplitFolio on(Folio folio, int callerPins) {
      this.folio = checkNotNull(folio, "folio");
      this.callerPins = callerPins;
      return this;
    }

    /** {@code *pextra_pins} after the last call. */
    public long extraPins() {
      return extraPins;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_mapcount:
          // folio_nr_pages of the locked folio we are about to split: only we can change it.
          long pins = folio.peekNrPages();
          mapcount = folio.mapcountRead(cpu);
          extraPins = pins;
          pc = Pc.folio_ref_count;
          return;
        case folio_ref_count:
          cpu.ret(mapcount == folio.refCount(cpu) - extraPins - callerPins);
          return;
      }
    }
  }

  /**
   * {@code min_order_for_split(folio)} (mm/huge_memory.c, v6.12+) for a file folio: loads
   * {@code folio->mapping}; NULL (truncated) gives -EBUSY, otherwise
   * {@code mapping_min_folio_order(mapping)}. Context: folio locked.
   */
  public static final class MinOrderForSplit extends Routine<MinOrderForSplit.Pc> {
    /** Steps. */
    public enum Pc { folio_mapping }

    private static final StepNames<Pc> NAMES = StepNames.of("min_order_for_split", Pc.class);
    private Folio folio;

    public MinOrderForSplit() {
      super(NAMES);
    }

    /** Binds the folio for the next call. */
    public MinOrderForSplit on(Folio folio) {
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      AddressSpace mapping = folio.readMapping(cpu);
      cpu.ret(mapping == null ? ErrPtr.EBUSY : mapping.minFolioOrder());
    }
  }

  // ===============================================================================================

  /**
   * {@code __split_folio_to_order(folio, old_order, new_order)} (mm/huge_memory.c, v6.18): turns
   * the struct pages at every {@code 2^new_order}-th page after the head into heads of new
   * folios, each with plain stores while the folio is frozen: the flags copied from the head
   * (one atomic bit set per copied flag: the kernel's single OR into the tail's word is split per
   * bit, which nobody can observe on a frozen, unreachable tail), {@code mapping},
   * {@code index = folio->index + i}, and for {@code new_order > 0} {@code PG_head} and the
   * order; {@code compound_head} of every page is updated (see {@link Memmap}). Finally the head
   * gets {@code new_order} ({@code folio_set_order}, or {@code ClearPageCompound} and order 0).
   * The head's fields are read locally (it is frozen and locked by this CPU). Returns nothing.
   * Context: folio frozen, xa_lock held.
   */
  public static final class SplitFolioToOrder extends Routine<SplitFolioToOrder.Pc> {
    /** Steps. */
    public enum Pc { next_piece, copy_flag, set_mapping, set_index, prep_compound_head,
      prep_compound_order, folio_set_order, clear_page_compound, clear_order }

    private static final StepNames<Pc> NAMES = StepNames.of("__split_folio_to_order", Pc.class);
    private Folio folio;
    private int oldOrder;
    private int newOrder;
    private int i;
    private Folio piece;
    private int flagIdx;

    public SplitFolioToOrder() {
      super(NAMES);
    }

    /** Binds the arguments for the next call. */
    public SplitFolioToOrder on(Folio folio, int oldOrder, int newOrder) {
      checkArgument(newOrder < oldOrder, "__split_folio_to_order: new order %s >= old order %s",
          newOrder, oldOrder);
      this.folio = checkNotNull(folio, "folio");
      this.oldOrder = oldOrder;
      this.newOrder = newOrder;
      this.i = 0;
      return this;
    }

    private int nextCopiedFlag(int from) {
      for (int k = from; k < PageFlags.SPLIT_COPIED.length; k++) {
        if (folio.peekFlag(PageFlags.SPLIT_COPIED[k])) {
          return k;
        }
      }
      return -1;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case next_piece: {
          int next = i + (1 << newOrder);
          if (next >= 1 << oldOrder) {
            i = next;
            folio.memmap().setHead(folio.memmapPos(), 1 << newOrder);
            pc = newOrder > 0 ? Pc.folio_set_order : Pc.clear_page_compound;
            return;
          }
          // The VM_BUG_ON is this step's only possible action: nothing is changed before it.
          Folio p = folio.structPage(next);
          if (p.peekMapcount() != 0) {
            cpu.bug("VM_BUG_ON_PAGE(atomic_read(&new_head->_mapcount) != -1, new_head)",
                p.subject("VM_BUG_ON_PAGE(atomic_read(&new_head->_mapcount) != -1)", -1));
          }
          i = next;
          piece = p;
          flagIdx = nextCopiedFlag(0);
          pc = flagIdx >= 0 ? Pc.copy_flag : Pc.set_mapping;
          return;
        }
        case copy_flag:
          piece.set(cpu, PageFlags.SPLIT_COPIED[flagIdx]);
          flagIdx = nextCopiedFlag(flagIdx + 1);
          pc = flagIdx >= 0 ? Pc.copy_flag : Pc.set_mapping;
          return;
        case set_mapping:
          piece.writeMapping(cpu, folio.peekMapping());
          pc = Pc.set_index;
          return;
        case set_index:
          piece.writeIndex(cpu, folio.peekIndex() + i);
          folio.memmap().setHead(folio.memmapPos() + i, 1 << newOrder);
          pc = newOrder > 0 ? Pc.prep_compound_head : Pc.next_piece;
          return;
        case prep_compound_head:
          piece.set(cpu, PageFlags.PG_head);
          pc = Pc.prep_compound_order;
          return;
        case prep_compound_order:
          piece.writeOrder(cpu, newOrder);
          pc = Pc.next_piece;
          return;
        case folio_set_order:
          folio.writeOrder(cpu, newOrder);
          cpu.ret();
          return;
        case clear_page_compound:
          folio.clear(cpu, PageFlags.PG_head);
          pc = Pc.clear_order;
          return;
        case clear_order:
          folio.writeOrder(cpu, 0);
          cpu.ret();
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code __split_unmapped_folio(folio, new_order, split_at, xas, mapping, uniform)}
   * (mm/huge_memory.c, v6.15 - v6.18 or 577a1f495fd7: the {@link SplitVersion} given): for
   * {@code split_order} from
   * {@code new_order} (uniform) or {@code old_order - 1} (non-uniform) down to {@code new_order}:
   * the XArray step (uniform: {@code xas_split(xas, folio, old_order)}; non-uniform:
   * {@code xas_set_order(xas, folio->index, split_order)} and {@code xas_try_split(xas, entry,
   * old_order)}, whose GFP_NOWAIT node allocation, when the round needs a new node, is the choice
   * point {@link #XAS_TRY_SPLIT_ALLOC}; an error stops the split early), then
   * {@code __split_folio_to_order}; the piece containing {@code split_at} becomes {@code folio}
   * for the next round. The entry {@code xas_try_split} stores is that piece in
   * {@link SplitVersion#V6_18} and the original head in {@link SplitVersion#COMMIT_577A1F495FD7}.
   * Returns 0 or the XArray error. Context: folio frozen, xa_lock held.
   */
  public static final class SplitUnmappedFolio extends Routine<SplitUnmappedFolio.Pc> {
    /** Steps. */
    public enum Pc { split_order, alloc_node, xas_try_split, xas_split, split_folio_to_order,
      next_round }

    private static final StepNames<Pc> NAMES = StepNames.of("__split_unmapped_folio", Pc.class);
    private final SplitFolioToOrder toOrder = new SplitFolioToOrder();
    private final SplitVersion version;
    private Folio origFolio;
    private Folio folio;
    private int newOrder;
    private Page splitAt;
    private XaState xas;
    private AddressSpace mapping;
    private boolean uniform;
    private int oldOrder;
    private int splitOrder;
    private boolean nomem;

    /** A frame of {@code version}. */
    public SplitUnmappedFolio(SplitVersion version) {
      super(NAMES);
      this.version = checkNotNull(version, "version");
    }

    /** Binds the arguments for the next call. */
    public SplitUnmappedFolio on(Folio folio, int newOrder, Page splitAt, XaState xas,
        AddressSpace mapping, boolean uniform) {
      this.origFolio = checkNotNull(folio, "folio");
      this.folio = folio;
      this.newOrder = newOrder;
      this.splitAt = checkNotNull(splitAt, "splitAt");
      this.xas = checkNotNull(xas, "xas");
      this.mapping = mapping;
      this.uniform = uniform;
      this.oldOrder = folio.peekOrder();
      this.splitOrder = uniform ? newOrder : oldOrder - 1;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case split_order: {
          if (splitOrder < newOrder) {
            cpu.ret(0);
            return;
          }
          if (mapping == null) {
            pc = Pc.split_folio_to_order;
            return;
          }
          if (uniform) {
            pc = Pc.xas_split;
            return;
          }
          xas.setOrder(folio.peekIndex(), splitOrder);
          int cs = mapping.iPages().chunkShift();
          nomem = false;
          pc = splitOrder / cs < oldOrder / cs ? Pc.alloc_node : Pc.xas_try_split;
          return;
        }
        case alloc_node:
          nomem = cpu.choose(XAS_TRY_SPLIT_ALLOC) == 1;
          pc = Pc.xas_try_split;
          return;
        case xas_try_split: {
          Object entry = version == SplitVersion.V6_18 ? folio : origFolio;
          XaWrite.run(cpu, mapping, nomem, () -> xas.trySplit(entry, oldOrder));
          if (xas.error() != 0) {
            cpu.ret(xas.error());
            return;
          }
          pc = Pc.split_folio_to_order;
          return;
        }
        case xas_split:
          XaWrite.run(cpu, mapping, () -> xas.split(folio, oldOrder));
          if (xas.error() != 0) {
            cpu.ret(xas.error());
            return;
          }
          pc = Pc.split_folio_to_order;
          return;
        case split_folio_to_order:
          call(cpu, toOrder.on(folio, oldOrder, splitOrder), Pc.next_round);
          return;
        case next_round: {
          // Pieces not containing split_at are final; the one containing it is split further.
          folio = splitAt.folio();
          oldOrder = splitOrder;
          splitOrder = uniform ? newOrder - 1 : splitOrder - 1;
          pc = Pc.split_order;
          return;
        }
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code __folio_split(folio, new_order, split_at, lock_at, list, uniform)} (mm/huge_memory.c,
   * v6.17/v6.18) for a page-cache folio, entered with the folio locked and one reference held by
   * the caller. Preparation: the argument and support checks (-EINVAL), writeback (-EBUSY),
   * {@code folio->mapping} (NULL: -EBUSY), the mapping's minimum order (-EINVAL); uniform:
   * {@code xas_split_alloc} (unlocked, GFP_KERNEL: not a failing allocation here);
   * {@code i_mmap_lock_read}; {@code end} from {@code i_size}; {@code can_split_folio} (-EAGAIN,
   * {@code out_unlock}); {@code unmap_folio} (nothing is mapped in the model). Then
   * {@code xas_lock}, {@code xas_load} must still return the folio (-EAGAIN, {@code fail}),
   * {@code folio_ref_freeze(folio, 1 + extra_pins)} (-EAGAIN, {@code fail}),
   * {@code __split_unmapped_folio}, and for every new piece after the head, in index order:
   * {@code folio_ref_unfreeze(new, expected + 1)}, {@code lru_add_split_folio} (sets
   * {@code PG_lru}), {@code __xa_store(i_pages, new->index, new)}; then the head is unfrozen last.
   * {@code fail:} {@code xas_unlock}; every piece except the one containing {@code lock_at} is
   * unlocked and put. {@code out_unlock:} {@code i_mmap_unlock_read}. {@code out:}
   * {@code xas_destroy}. Pieces at or beyond {@code end} would be removed with
   * {@code __filemap_remove_folio}, which this model does not include (it throws; keep pieces
   * inside {@code i_size}). Returns 0 or a negative errno. Context: may sleep; takes
   * {@code i_mmap_rwsem} for read and {@code xa_lock}.
   */
  public static final class FolioSplit extends Routine<FolioSplit.Pc> {
    /** Steps. */
    public enum Pc { folio_test_writeback, folio_mapping, xas_split_alloc, i_mmap_lock_read,
      i_size_read, can_split_folio, can_split_done, xas_lock, xas_load, xas_loaded,
      folio_ref_freeze, split_unmapped_folio, unfreeze_new, lru_add_split_folio, xa_store_new,
      unfreeze_head, fail, unlock_new, put_new, out_unlock, out }

    private static final StepNames<Pc> NAMES = StepNames.of("__folio_split", Pc.class);
    private final CanSplitFolio canSplit = new CanSplitFolio();
    private final LibXarray.XasLoad xasLoad = new LibXarray.XasLoad();
    private final SplitUnmappedFolio splitUnmapped;
    private Folio folio;
    private int newOrder;
    private Page splitAt;
    private Page lockAt;
    private boolean uniform;
    private int oldOrder;
    private int endPos;
    private AddressSpace mapping;
    private XaState xas;
    private long end;
    private long extraPins;
    private int ret;
    private final List<Folio> pieces = new ArrayList<>();
    private int k;

    /** A frame using {@code version}'s {@code __split_unmapped_folio}. */
    public FolioSplit(SplitVersion version) {
      super(NAMES);
      this.splitUnmapped = new SplitUnmappedFolio(version);
    }

    /**
     * Binds the arguments: {@code folio}, {@code new_order}, {@code split_at}, {@code lock_at},
     * {@code uniform} ({@code list} is always NULL in the model).
     */
    public FolioSplit on(Folio folio, int newOrder, Page splitAt, Page lockAt, boolean uniform) {
      this.folio = checkNotNull(folio, "folio");
      this.newOrder = newOrder;
      this.splitAt = checkNotNull(splitAt, "splitAt");
      this.lockAt = checkNotNull(lockAt, "lockAt");
      this.uniform = uniform;
      return this;
    }

    /**
     * Binds the arguments of {@code split_huge_page_to_list_to_order(page, NULL, new_order)}
     * (include/linux/huge_mm.h, v6.18): a uniform split, {@code split_at} = the head,
     * {@code lock_at} = {@code page}. Returns this frame. Context: the caller will call it with
     * the folio locked and referenced.
     */
    public FolioSplit onUniform(Folio folio, int newOrder, Page lockAt) {
      return on(folio, newOrder, folio.page(0), lockAt, true);
    }

    /**
     * Binds the arguments of {@code folio_split(folio, new_order, split_at, NULL)}
     * (mm/huge_memory.c, v6.18): a non-uniform split, {@code lock_at} = the head. Returns this
     * frame. Context: the caller will call it with the folio locked and referenced.
     */
    public FolioSplit onNonUniform(Folio folio, int newOrder, Page splitAt) {
      return on(folio, newOrder, splitAt, folio.page(0), false);
    }

    private boolean inFolio(Page p) {
      return p.memmap() == folio.memmap() && p.pos() >= folio.memmapPos()
          && p.pos() < folio.memmapPos() + folio.peekNrPages();
    }

    /** The locals set on entry, for a folio of order {@code order} (after the first action). */
    private void begin(int order) {
      oldOrder = order;
      endPos = folio.memmapPos() + (1 << order);
      ret = 0;
      xas = null;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case folio_test_writeback: {
          // Argument checks on the folio this CPU holds locked: its order cannot change.
          int order = folio.peekOrder();
          if (!inFolio(splitAt) || !inFolio(lockAt) || newOrder >= order) {
            begin(order);
            cpu.ret(ErrPtr.EINVAL);
            return;
          }
          boolean writeback = folio.test(cpu, PageFlags.PG_writeback);
          begin(order);
          if (writeback) {
            cpu.ret(ErrPtr.EBUSY);
            return;
          }
          pc = Pc.folio_mapping;
          return;
        }
        case folio_mapping:
          mapping = folio.readMapping(cpu);
          if (mapping == null) {
            cpu.ret(ErrPtr.EBUSY);
            return;
          }
          // uniform_split_supported / non_uniform_split_supported for a file folio.
          if (newOrder > 0 && !mapping.largeFolioSupport()) {
            cpu.ret(ErrPtr.EINVAL);
            return;
          }
          if (newOrder < mapping.minFolioOrder()) {
            cpu.ret(ErrPtr.EINVAL);
            return;
          }
          if (folio.peekFlag(PageFlags.PG_private)) {
            throw new UnsupportedOperationException("__folio_split: filemap_release_folio of a"
                + " folio with private data is not modelled (" + folio + ")");
          }
          xas = new XaState(mapping.iPages(), folio.peekIndex());
          if (uniform) {
            xas.setOrder(folio.peekIndex(), newOrder);
            pc = Pc.xas_split_alloc;
          } else {
            pc = Pc.i_mmap_lock_read;
          }
          return;
        case xas_split_alloc:
          XaWrite.run(cpu, mapping, () -> xas.splitAlloc(folio, oldOrder, XaGfp.GFP_KERNEL));
          if (xas.error() != 0) {
            ret = xas.error();
            pc = Pc.out;
            return;
          }
          pc = Pc.i_mmap_lock_read;
          return;
        case i_mmap_lock_read:
          cpu.downRead(mapping.iMmapRwsem());
          pc = Pc.i_size_read;
          return;
        case i_size_read:
          end = (mapping.iSizeRead(cpu) + Folio.PAGE_SIZE - 1) >>> Folio.PAGE_SHIFT;
          pc = Pc.can_split_folio;
          return;
        case can_split_folio:
          call(cpu, canSplit.on(folio, 1), Pc.can_split_done);
          return;
        case can_split_done:
          if (!(Boolean) cpu.retval()) {
            ret = ErrPtr.EAGAIN;
            pc = Pc.out_unlock;
            return;
          }
          extraPins = canSplit.extraPins();
          // unmap_folio: the model maps no folio into page tables, so try_to_unmap finds none.
          pc = Pc.xas_lock;
          return;
        case xas_lock:
          mapping.xaLockIrq(cpu);
          xas.reset();
          pc = Pc.xas_load;
          return;
        case xas_load:
          call(cpu, xasLoad.on(xas), Pc.xas_loaded);
          return;
        case xas_loaded:
          if (cpu.retval() != folio) {
            ret = ErrPtr.EAGAIN;
            pc = Pc.fail;
            return;
          }
          pc = Pc.folio_ref_freeze;
          return;
        case folio_ref_freeze:
          if (!folio.refFreeze(cpu, 1 + extraPins)) {
            ret = ErrPtr.EAGAIN;
            pc = Pc.fail;
            return;
          }
          call(cpu, splitUnmapped.on(folio, newOrder, splitAt, xas, mapping, uniform),
              Pc.split_unmapped_folio);
          return;
        case split_unmapped_folio: {
          ret = (Integer) cpu.retval();
          pieces.clear();
          for (int p = folio.memmap().next(folio.memmapPos()); p < endPos;
              p = folio.memmap().next(p)) {
            pieces.add(folio.memmap().struct(p));
          }
          k = 0;
          pc = pieces.isEmpty() ? Pc.unfreeze_head : Pc.unfreeze_new;
          return;
        }
        case unfreeze_new: {
          Folio n = pieces.get(k);
          n.refUnfreeze(cpu, expectedRefCount(n) + 1);
          pc = folio.peekFlag(PageFlags.PG_lru) ? Pc.lru_add_split_folio : Pc.xa_store_new;
          return;
        }
        case lru_add_split_folio:
          pieces.get(k).set(cpu, PageFlags.PG_lru);
          pc = Pc.xa_store_new;
          return;
        case xa_store_new: {
          Folio n = pieces.get(k);
          if (Long.compareUnsigned(n.peekIndex(), end) >= 0) {
            throw new UnsupportedOperationException("__folio_split: piece " + n + " lies beyond"
                + " EOF; __filemap_remove_folio is not modelled here");
          }
          XaWrite.run(cpu, mapping, () -> mapping.iPages().__store(n.peekIndex(), n, XaGfp.NONE));
          k++;
          pc = k < pieces.size() ? Pc.unfreeze_new : Pc.unfreeze_head;
          return;
        }
        case unfreeze_head:
          folio.refUnfreeze(cpu, expectedRefCount(folio) + 1);
          pc = Pc.fail;
          return;
        case fail:
          mapping.xaUnlockIrq(cpu);
          pieces.clear();
          for (int p = folio.memmapPos(); p < endPos; p = folio.memmap().next(p)) {
            Folio n = folio.memmap().struct(p);
            if (n != lockAt.folio()) {
              pieces.add(n);
            }
          }
          k = 0;
          pc = pieces.isEmpty() ? Pc.out_unlock : Pc.unlock_new;
          return;
        case unlock_new:
          pieces.get(k).unlock(cpu);
          pc = Pc.put_new;
          return;
        case put_new:
          // free_folio_and_swap_cache: no swap cache for a file folio, then folio_put.
          pieces.get(k).put(cpu);
          k++;
          pc = k < pieces.size() ? Pc.unlock_new : Pc.out_unlock;
          return;
        case out_unlock:
          cpu.upRead(mapping.iMmapRwsem());
          pc = Pc.out;
          return;
        case out:
          if (xas != null) {
            XaWrite.run(cpu, mapping, xas::destroy);
          }
          cpu.ret(ret);
          return;
      }
    }

    /**
     * {@code folio_expected_ref_count(folio)} (include/linux/mm.h, v6.18) for a page-cache piece
     * this CPU holds frozen: {@code folio_nr_pages} if it has a mapping, +1 with
     * {@code PG_private}, + its mapcount; read locally (nobody else can write a frozen piece's
     * fields). Returns that count. Context: the piece is frozen and locked by this CPU.
     */
    private static long expectedRefCount(Folio f) {
      long n = f.peekMapping() != null ? f.peekNrPages() : 0;
      return n + (f.peekFlag(PageFlags.PG_private) ? 1 : 0) + f.peekMapcount();
    }
  }

  // ===============================================================================================

  /**
   * {@code split_folio_to_list(folio, NULL)} (include/linux/huge_mm.h, v6.12+):
   * {@code min_order_for_split}, then {@code split_huge_page_to_list_to_order} to that order
   * (a uniform {@code __folio_split}). Returns 0 or a negative errno. Context: folio locked and
   * referenced by the caller.
   */
  public static final class SplitFolioToList extends Routine<SplitFolioToList.Pc> {
    /** Steps. */
    public enum Pc { min_order_for_split, split, done }

    private static final StepNames<Pc> NAMES = StepNames.of("split_folio_to_list", Pc.class);
    private final MinOrderForSplit minOrder = new MinOrderForSplit();
    private final FolioSplit split;
    private Folio folio;

    /** A frame using {@code version}. */
    public SplitFolioToList(SplitVersion version) {
      super(NAMES);
      this.split = new FolioSplit(version);
    }

    /** Binds the folio for the next call. */
    public SplitFolioToList on(Folio folio) {
      this.folio = checkNotNull(folio, "folio");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case min_order_for_split:
          call(cpu, minOrder.on(folio), Pc.split);
          return;
        case split: {
          int order = (Integer) cpu.retval();
          if (order < 0) {
            cpu.ret(order);
            return;
          }
          call(cpu, split.onUniform(folio, order, folio.page(0)), Pc.done);
          return;
        }
        case done:
          cpu.ret(cpu.retval());
          return;
      }
    }
  }

  /**
   * {@code try_folio_split(folio, split_at, NULL)} (include/linux/huge_mm.h, v6.15 - v6.18; later
   * {@code try_folio_split_to_order}): {@code min_order_for_split}; if a non-uniform split is
   * supported ({@code non_uniform_split_supported}: a file folio of a mapping with large-folio
   * support), {@code folio_split(folio, min_order, split_at, NULL)}, else
   * {@code split_huge_page_to_list_to_order(&folio->page, NULL, min_order)}. Returns 0 or a
   * negative errno. Context: folio locked and referenced by the caller.
   */
  public static final class TryFolioSplit extends Routine<TryFolioSplit.Pc> {
    /** Steps. */
    public enum Pc { min_order_for_split, split, done }

    private static final StepNames<Pc> NAMES = StepNames.of("try_folio_split", Pc.class);
    private final MinOrderForSplit minOrder = new MinOrderForSplit();
    private final FolioSplit split;
    private Folio folio;
    private Page splitAt;

    /** A frame using {@code version}. */
    public TryFolioSplit(SplitVersion version) {
      super(NAMES);
      this.split = new FolioSplit(version);
    }

    /** Binds the arguments for the next call. */
    public TryFolioSplit on(Folio folio, Page splitAt) {
      this.folio = checkNotNull(folio, "folio");
      this.splitAt = checkNotNull(splitAt, "splitAt");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case min_order_for_split:
          call(cpu, minOrder.on(folio), Pc.split);
          return;
        case split: {
          int order = (Integer) cpu.retval();
          if (order < 0) {
            cpu.ret(order);
            return;
          }
          // The mapping was just read by min_order_for_split on this locked folio.
          AddressSpace mapping = folio.peekMapping();
          boolean nonUniform = mapping != null && mapping.largeFolioSupport();
          call(cpu, nonUniform ? split.onNonUniform(folio, order, splitAt)
              : split.onUniform(folio, order, folio.page(0)), Pc.done);
          return;
        }
        case done:
          cpu.ret(cpu.retval());
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * The debugfs {@code split_huge_pages} writer for a file, {@code split_huge_pages_in_file(path,
   * off_start, off_end, new_order, in_folio_offset)} (mm/huge_memory.c, v6.18), without an
   * in-folio offset (uniform splits): for each index from {@code off_start} below {@code off_end}:
   * {@code filemap_get_folio}; skip errors and small folios; {@code target_order = max(new_order,
   * mapping_min_folio_order)}; {@code folio_trylock} (else {@code put_folio}); the folio must still
   * belong to the mapping (else {@code unlock}); {@code split_folio_to_order(folio,
   * target_order)}; {@code unlock:} {@code folio_unlock}; {@code put_folio:} {@code folio_put};
   * advance by the folio's page count before the split. Returns the number of folios split.
   * Context: process context, no locks held.
   */
  public static final class SplitHugePagesInFile extends Routine<SplitHugePagesInFile.Pc> {
    /** Steps. */
    public enum Pc { next_index, filemap_get_folio, got_folio, folio_trylock, folio_mapping,
      split, split_done, unlock, put_folio, done }

    private static final StepNames<Pc> NAMES =
        StepNames.of("split_huge_pages_in_file", Pc.class);
    private final Filemap.FilemapGetFolio getFolio =
        new Filemap.FilemapGetFolio(Filemap.Version.V6_18);
    private final FolioSplit split;
    private AddressSpace mapping;
    private long offStart;
    private long offEnd;
    private int newOrder;
    private long index;
    private long nrPages;
    private Folio folio;
    private int splitCount;

    /** A frame using {@code version}. */
    public SplitHugePagesInFile(SplitVersion version) {
      super(NAMES);
      this.split = new FolioSplit(version);
    }

    /** Binds the file's mapping, the page range [offStart, offEnd) and the target order. */
    public SplitHugePagesInFile on(AddressSpace mapping, long offStart, long offEnd,
        int newOrder) {
      this.mapping = checkNotNull(mapping, "mapping");
      this.offStart = offStart;
      this.offEnd = offEnd;
      this.newOrder = newOrder;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case next_index:
          index = offStart;
          splitCount = 0;
          pc = Pc.filemap_get_folio;
          return;
        case filemap_get_folio:
          if (Long.compareUnsigned(index, offEnd) >= 0) {
            pc = Pc.done;
            return;
          }
          nrPages = 1;
          call(cpu, getFolio.on(mapping, index, 0), Pc.got_folio);
          return;
        case got_folio: {
          Object f = cpu.retval();
          if (!(f instanceof Folio)) {
            index += nrPages;
            pc = Pc.filemap_get_folio;
            return;
          }
          boolean head = ((Folio) f).test(cpu, PageFlags.PG_head);
          folio = (Folio) f;
          if (!head) {
            pc = Pc.put_folio;
            return;
          }
          // folio_nr_pages of a referenced folio: cannot change under our reference.
          nrPages = folio.peekNrPages();
          pc = Pc.folio_trylock;
          return;
        }
        case folio_trylock:
          pc = folio.trylock(cpu) ? Pc.folio_mapping : Pc.put_folio;
          return;
        case folio_mapping:
          pc = folio.readMapping(cpu) == mapping ? Pc.split : Pc.unlock;
          return;
        case split: {
          int target = Math.max(newOrder, mapping.minFolioOrder());
          call(cpu, split.onUniform(folio, target, folio.page(0)), Pc.split_done);
          return;
        }
        case split_done:
          if ((Integer) cpu.retval() == 0) {
            splitCount++;
          }
          pc = Pc.unlock;
          return;
        case unlock:
          folio.unlock(cpu);
          pc = Pc.put_folio;
          return;
        case put_folio:
          folio.put(cpu);
          index += nrPages;
          pc = Pc.filemap_get_folio;
          return;
        case done:
          cpu.ret(splitCount);
          return;
      }
    }
  }

  /** For messages: an entry as {@link XaEntry#describe} shows it. */
  static String describe(Object e) {
    return XaEntry.describe(e);
  }
}
