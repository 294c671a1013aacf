package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaError;
import io.foliolab.xarray.XaNode;
import io.foliolab.xarray.XaState;

/**
 * lib/xarray.c (and the inline readers of include/linux/xarray.h), v6.18 unless a routine says
 * otherwise: the RCU read side as step programs:
 * {@code xas_load}, {@code xas_reload}, {@code xas_find} and {@code xas_find_marked}, each a
 * {@link Routine} that performs exactly one load of a shared XArray word per step, through the
 * array's public load primitives ({@link XArray#loadHead}, {@link XArray#loadSlot},
 * {@link XArray#loadShift}, {@link XArray#loadOffset}, {@link XArray#loadParent},
 * {@link XArray#loadMarkWord}, {@link XArray#loadFlagMark}), on a cursor ({@link XaState}) owned
 * by the calling CPU.
 *
 * <p>Each routine issues the same loads, in the same order, with the same results and the same
 * final cursor as the corresponding {@link XaState} method run without interference; between two
 * loads other CPUs may run. The routines follow the array's {@link XaConfig} variants
 * ({@link XaConfig.Descend}, {@link XaConfig.Reload}).
 *
 * <p>Use: create one routine object per call site (they are reusable frames), bind the cursor
 * with {@code on(xas, ...)} and call it from a step; its result is {@link Cpu#retval()} when the
 * caller resumes:
 *
 * <pre>{@code
 * case repeat:
 *   xas.reset();
 *   call(cpu, xasLoad.on(xas), Pc.loaded);
 *   return;
 * case loaded:
 *   Object entry = cpu.retval();
 * }</pre>
 *
 * <p>Context of every routine: RCU read-side section (or xa_lock), as in the kernel; the routines
 * do not enter RCU themselves.
 */
public final class LibXarray {
  private LibXarray() {}

  /**
   * {@code xas_find_marked}'s (lib/xarray.c) treatment of a sibling slot found through the mark
   * bitmap.
   */
  public enum FindMarked {
    /**
     * v6.18 (as {@link XaState#findMarked} models it): a sibling entry found through the mark
     * bitmap is skipped ({@code if (xa_is_sibling(entry)) continue;}). The XArray model's Javadoc
     * attributes this to 7e060df04f56 (2025); that commit id was not verified here.
     */
    V6_18,
    /**
     * Before the sibling check (the 2024 kernels of the dirty-tag report,
     * kernel-notes/mm-paths.md A.4): any slot found through the mark bitmap that is not a node is
     * returned as is, so a marked sibling slot hands the raw sibling entry (e.g. 0x2) to the caller.
     */
    NO_SIBLING_CHECK
  }

  private static int mask(XArray xa) {
    return xa.chunkSize() - 1;
  }

  private static boolean isSibling(XArray xa, Object e) {
    return XaEntry.isSibling(e, xa.chunkShift());
  }

  // ===============================================================================================

  /**
   * {@code xas_reload(xas)} (include/linux/xarray.h, v6.18 with {@code CONFIG_XARRAY_MULTI}):
   * re-reads the entry for the cursor's index in the node the last walk ended in, without
   * restarting from the head. {@link XaConfig.Reload#CURRENT}: load the node's shift, load the
   * slot of {@code xa_index}, and if it is a sibling load the slot it names (one hop);
   * {@link XaConfig.Reload#RELOAD_CANONICAL}: load {@code slots[xa_offset]} (the canonical slot of
   * the walk). With {@code xa_node == NULL} it loads the head. Returns the entry. Context: RCU.
   *
   * @throws IllegalStateException if the cursor has not been walked (the kernel would read garbage)
   */
  public static final class XasReload extends Routine<XasReload.Pc> {
    /** Steps. */
    public enum Pc { xas_reload, slot, sibling }

    private static final StepNames<Pc> NAMES = StepNames.of("xas_reload", Pc.class);
    private XaState xas;
    private XaNode node;
    private int offset;

    public XasReload() {
      super(NAMES);
    }

    /** Binds the cursor for the next call. */
    public XasReload on(XaState xas) {
      this.xas = checkNotNull(xas, "xas");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      XArray xa = xas.xa();
      switch (pc) {
        case xas_reload: {
          Object n = xas.xaNode();
          if (n == null) {
            cpu.ret(xa.loadHead());
            return;
          }
          checkState(n instanceof XaNode, "xas_reload: cursor is not walked (%s)", n);
          XaNode nd = (XaNode) n;
          if (xa.config().reload() == XaConfig.Reload.RELOAD_CANONICAL) {
            Object entry = xa.loadSlot(nd, xas.offset());
            node = nd;
            cpu.ret(entry);
            return;
          }
          int shift = xa.loadShift(nd);
          node = nd;
          offset = (int) (xas.index() >>> shift) & mask(xa);
          pc = Pc.slot;
          return;
        }
        case slot: {
          Object entry = xa.loadSlot(node, offset);
          if (!isSibling(xa, entry)) {
            cpu.ret(entry);
            return;
          }
          offset = XaEntry.toSibling(entry);
          pc = Pc.sibling;
          return;
        }
        case sibling:
          cpu.ret(xa.loadSlot(node, offset));
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code xas_load(xas)} (lib/xarray.c, v6.18), with the static helpers {@code xas_start} and
   * {@code xas_descend} inlined: a walked cursor is re-read with {@code xas_reload}; otherwise load
   * the head (and, for a node, its shift for the bounds check), then per node load its shift,
   * stop above a node whose shift is below {@code xa_shift}, load the slot of {@code xa_index},
   * resolve a sibling as the array's {@link XaConfig.Descend} variant says (v6.18: loop while the
   * entry is a sibling, a node pointer reached through a sibling of a non-leaf node becomes
   * {@code XA_RETRY_ENTRY}), record the node and the canonical offset in the cursor, and stop
   * after a leaf. Returns the entry (NULL, a pointer, a value, a retry/zero entry, or a node for a
   * multi-index cursor); sets {@code XAS_BOUNDS} for an index beyond the tree. Context: RCU.
   */
  public static final class XasLoad extends Routine<XasLoad.Pc> {
    /** Steps: {@code xas_start}, its bounds check, then per node its shift and slot loads. */
    public enum Pc { xas_start, start_bounds, walk, node_shift, xas_descend, sibling, descended,
      reloaded }

    private static final StepNames<Pc> NAMES = StepNames.of("xas_load", Pc.class);
    private final XasReload reload = new XasReload();
    private XaState xas;
    private Object entry;
    private XaNode node;
    private int nodeShift;
    private int offset;

    public XasLoad() {
      super(NAMES);
    }

    /** Binds the cursor for the next call. */
    public XasLoad on(XaState xas) {
      this.xas = checkNotNull(xas, "xas");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      XArray xa = xas.xa();
      switch (pc) {
        case xas_start: {
          Object n = xas.xaNode();
          if (n == null || n instanceof XaNode) {
            call(cpu, reload.on(xas), Pc.reloaded);
            return;
          }
          if (n instanceof XaError) {
            cpu.ret(null);
            return;
          }
          entry = xa.loadHead();
          if (!(entry instanceof XaNode)) {
            if (xas.index() != 0) {
              xas.setXaNode(XaState.XAS_BOUNDS);
              cpu.ret(null);
              return;
            }
            xas.setXaNode(null);
            pc = Pc.walk;
            return;
          }
          pc = Pc.start_bounds;
          return;
        }
        case start_bounds: {
          int s = xa.loadShift((XaNode) entry);
          if (Long.compareUnsigned(xas.index() >>> s, mask(xa)) > 0) {
            xas.setXaNode(XaState.XAS_BOUNDS);
            cpu.ret(null);
            return;
          }
          xas.setXaNode(null);
          pc = Pc.walk;
          return;
        }
        case walk:
          if (!(entry instanceof XaNode)) {
            cpu.ret(entry);
            return;
          }
          node = (XaNode) entry;
          pc = Pc.node_shift;
          return;
        case node_shift:
          nodeShift = xa.loadShift(node);
          if (xas.shift() > nodeShift) {
            cpu.ret(entry);
            return;
          }
          pc = Pc.xas_descend;
          return;
        case xas_descend: {
          int off = (int) (xas.index() >>> nodeShift) & mask(xa);
          entry = xa.loadSlot(node, off);
          offset = off;
          xas.setXaNode(node);
          pc = isSibling(xa, entry) ? Pc.sibling : Pc.descended;
          return;
        }
        case sibling: {
          int off = XaEntry.toSibling(entry);
          Object e = xa.loadSlot(node, off);
          offset = off;
          XaConfig.Descend v = xa.config().descend();
          if (v != XaConfig.Descend.ONE_HOP && nodeShift != 0 && e instanceof XaNode) {
            e = XaEntry.XA_RETRY_ENTRY;
          }
          entry = e;
          pc = v == XaConfig.Descend.CURRENT && isSibling(xa, e) ? Pc.sibling : Pc.descended;
          return;
        }
        case descended:
          xas.setOffset(offset);
          if (nodeShift == 0) {
            cpu.ret(entry);
            return;
          }
          pc = Pc.walk;
          return;
        case reloaded:
          cpu.ret(cpu.retval());
          return;
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code xas_find(xas, max)} (lib/xarray.c, v6.18): the next present entry at or after the
   * cursor's index (an unwalked cursor is first walked with {@code xas_load}, and an entry found
   * there, including a multi-index entry covering the index, is returned without moving), up to
   * {@code max}: advance slot by slot ({@code xas_next_offset}, whose {@code xas_move_index} loads
   * the node's shift), climb to the parent at the end of a node (loads of {@code offset} and
   * {@code parent}), descend into nodes, skip NULL and sibling slots; retry and zero entries are
   * returned (callers use {@code xas_retry}). Nothing found: NULL with the cursor at
   * {@code XAS_BOUNDS}. Context: RCU.
   */
  public static final class XasFind extends Routine<XasFind.Pc> {
    /** Steps. */
    public enum Pc { xas_find, loaded, leaf_shift, xas_next_offset, loop, climb_offset,
      climb_parent, slot }

    private static final StepNames<Pc> NAMES = StepNames.of("xas_find", Pc.class);
    private final XasLoad load = new XasLoad();
    private XaState xas;
    private long max;

    public XasFind() {
      super(NAMES);
    }

    /** Binds the cursor and the last index to look at for the next call. */
    public XasFind on(XaState xas, long max) {
      this.xas = checkNotNull(xas, "xas");
      this.max = max;
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      XArray xa = xas.xa();
      switch (pc) {
        case xas_find: {
          Object n = xas.xaNode();
          if (n instanceof XaError || n == XaState.XAS_BOUNDS) {
            cpu.ret(null);
            return;
          }
          if (Long.compareUnsigned(xas.index(), max) > 0) {
            xas.setXaNode(XaState.XAS_BOUNDS);
            cpu.ret(null);
            return;
          }
          if (n == null) {
            xas.setIndex(1);
            xas.setXaNode(XaState.XAS_BOUNDS);
            cpu.ret(null);
            return;
          }
          if (n == XaState.XAS_RESTART) {
            call(cpu, load.on(xas), Pc.loaded);
            return;
          }
          pc = Pc.leaf_shift;
          return;
        }
        case loaded: {
          Object entry = cpu.retval();
          if (entry != null || !(xas.xaNode() instanceof XaNode)) {
            cpu.ret(entry);
            return;
          }
          pc = Pc.xas_next_offset;
          return;
        }
        case leaf_shift: {
          int s = xa.loadShift(xas.node());
          if (s == 0 && xas.offset() != (int) (xas.index() & mask(xa))) {
            xas.setOffset((int) ((xas.index() - 1) & mask(xa)) + 1);
          }
          pc = Pc.xas_next_offset;
          return;
        }
        case xas_next_offset: {
          int off = xas.offset() + 1;
          int s = xa.loadShift(xas.node());
          xas.setOffset(off);
          moveIndex(xas, s, off);
          pc = Pc.loop;
          return;
        }
        case loop:
          if (xas.xaNode() == null || Long.compareUnsigned(xas.index(), max) > 0) {
            if (xas.xaNode() == null) {
              xas.setXaNode(XaState.XAS_BOUNDS);
            }
            cpu.ret(null);
            return;
          }
          pc = xas.offset() == xa.chunkSize() ? Pc.climb_offset : Pc.slot;
          return;
        case climb_offset:
          xas.setOffset(xa.loadOffset(xas.node()) + 1);
          pc = Pc.climb_parent;
          return;
        case climb_parent:
          xas.setXaNode(xa.loadParent(xas.node()));
          pc = Pc.loop;
          return;
        case slot: {
          Object entry = xa.loadSlot(xas.node(), xas.offset());
          if (entry instanceof XaNode) {
            xas.setXaNode(entry);
            xas.setOffset(0);
            pc = Pc.loop;
            return;
          }
          if (entry != null && !isSibling(xa, entry)) {
            cpu.ret(entry);
            return;
          }
          pc = Pc.xas_next_offset;
          return;
        }
      }
    }
  }

  /**
   * {@code xas_move_index(xas, offset)} (lib/xarray.c, static, v6.18) with the node's shift
   * already loaded by the calling step: moves {@code xa_index} to the first index of slot
   * {@code off}. Returns nothing. Context: RCU; touches only the cursor.
   */
  private static void moveIndex(XaState xas, int shift, long off) {
    long index = xas.index();
    index &= (~(long) mask(xas.xa())) << shift;
    index += off << shift;
    xas.setIndex(index);
  }

  // ===============================================================================================

  /**
   * {@code xas_find_marked(xas, max, mark)} (lib/xarray.c, v6.18 or before the sibling check, see
   * {@link FindMarked}): the next entry whose slot carries {@code mark}, at or after the cursor's
   * index (unwalked: load the head, then the root's shift), up to {@code max}. Per node: at the
   * end climb to the parent; when not advancing, load the current slot and move a sibling to its
   * canonical slot; load the mark bitmap ({@code xas_find_chunk}, one word) and move to the next
   * marked slot (loading the node's shift for {@code xas_move_index}); load that slot: skip NULL
   * (and, in {@link FindMarked#V6_18}, siblings), return a non-node, descend into a node (loading
   * its shift). Nothing found: NULL with the cursor at {@code XAS_RESTART} if {@code max} was
   * passed, else {@code XAS_BOUNDS}. Context: RCU.
   */
  public static final class XasFindMarked extends Routine<XasFindMarked.Pc> {
    /** Steps. */
    public enum Pc { xas_find_marked, head_max, flag_mark, root_offset, loop, climb_offset,
      climb_parent, current_slot, sibling_move, xas_find_chunk, chunk_move, marked_slot,
      descend_offset }

    private static final StepNames<Pc> NAMES = StepNames.of("xas_find_marked", Pc.class);
    private XaState xas;
    private long max;
    private int mark;
    private FindMarked variant = FindMarked.V6_18;
    private boolean advance;
    private Object entry;
    private int found;

    public XasFindMarked() {
      super(NAMES);
    }

    /** Binds the cursor, limit, mark and variant for the next call. */
    public XasFindMarked on(XaState xas, long max, int mark, FindMarked variant) {
      this.xas = checkNotNull(xas, "xas");
      this.max = max;
      this.mark = mark;
      this.variant = checkNotNull(variant, "variant");
      return this;
    }

    private void out(Cpu cpu) {
      if (Long.compareUnsigned(xas.index(), max) > 0) {
        xas.setXaNode(XaState.XAS_RESTART);
      } else {
        xas.setXaNode(XaState.XAS_BOUNDS);
      }
      cpu.ret(null);
    }

    @Override
    protected void step(Cpu cpu) {
      XArray xa = xas.xa();
      switch (pc) {
        case xas_find_marked: {
          Object n = xas.xaNode();
          if (n instanceof XaError) {
            cpu.ret(null);
            return;
          }
          if (Long.compareUnsigned(xas.index(), max) > 0) {
            xas.setXaNode(XaState.XAS_RESTART);
            cpu.ret(null);
            return;
          }
          if (n == null) {
            xas.setIndex(1);
            out(cpu);
            return;
          }
          if (XaState.top(n)) {
            entry = xa.loadHead();
            advance = false;
            xas.setXaNode(null);
            pc = Pc.head_max;
            return;
          }
          advance = true;
          pc = Pc.loop;
          return;
        }
        case head_max: {
          long maxIndex = entry instanceof XaNode
              ? ((long) xa.chunkSize() << xa.loadShift((XaNode) entry)) - 1 : 0;
          if (Long.compareUnsigned(xas.index(), maxIndex) > 0) {
            out(cpu);
            return;
          }
          pc = entry instanceof XaNode ? Pc.root_offset : Pc.flag_mark;
          return;
        }
        case flag_mark:
          if (xa.loadFlagMark(mark)) {
            cpu.ret(entry);
            return;
          }
          xas.setIndex(1);
          out(cpu);
          return;
        case root_offset: {
          int s = xa.loadShift((XaNode) entry);
          xas.setXaNode(entry);
          xas.setOffset((int) (xas.index() >>> s));
          pc = Pc.loop;
          return;
        }
        case loop:
          if (Long.compareUnsigned(xas.index(), max) > 0) {
            out(cpu);
            return;
          }
          if (xas.offset() == xa.chunkSize()) {
            pc = Pc.climb_offset;
            return;
          }
          pc = advance ? Pc.xas_find_chunk : Pc.current_slot;
          return;
        case climb_offset:
          xas.setOffset(xa.loadOffset(xas.node()) + 1);
          pc = Pc.climb_parent;
          return;
        case climb_parent: {
          XaNode parent = xa.loadParent(xas.node());
          xas.setXaNode(parent);
          if (parent == null) {
            out(cpu);
            return;
          }
          advance = false;
          pc = Pc.loop;
          return;
        }
        case current_slot: {
          Object e = xa.loadSlot(xas.node(), xas.offset());
          if (isSibling(xa, e)) {
            found = XaEntry.toSibling(e);
            pc = Pc.sibling_move;
            return;
          }
          pc = Pc.xas_find_chunk;
          return;
        }
        case sibling_move: {
          int s = xa.loadShift(xas.node());
          xas.setOffset(found);
          moveIndex(xas, s, found);
          pc = Pc.xas_find_chunk;
          return;
        }
        case xas_find_chunk: {
          int off = xas.offset() + (advance ? 1 : 0);
          int next = xa.chunkSize();
          if (off < xa.chunkSize()) {
            long data = xa.loadMarkWord(xas.node(), mark) & (-1L << off);
            if (data != 0) {
              next = Long.numberOfTrailingZeros(data);
            }
          }
          found = next;
          pc = found > xas.offset() ? Pc.chunk_move : Pc.marked_slot;
          return;
        }
        case chunk_move: {
          int s = xa.loadShift(xas.node());
          advance = false;
          moveIndex(xas, s, found);
          if (Long.compareUnsigned(xas.index() - 1, max) >= 0) {
            xas.setXaNode(XaState.XAS_RESTART);
            cpu.ret(null);
            return;
          }
          xas.setOffset(found);
          pc = found == xa.chunkSize() ? Pc.loop : Pc.marked_slot;
          return;
        }
        case marked_slot: {
          Object e = xa.loadSlot(xas.node(), xas.offset());
          if (e == null) {
            pc = Pc.loop;
            return;
          }
          if (variant == FindMarked.V6_18 && isSibling(xa, e)) {
            pc = Pc.loop;
            return;
          }
          if (!(e instanceof XaNode)) {
            cpu.ret(e);
            return;
          }
          entry = e;
          xas.setXaNode(e);
          pc = Pc.descend_offset;
          return;
        }
        case descend_offset: {
          int s = xa.loadShift((XaNode) entry);
          xas.setOffset((int) (xas.index() >>> s) & mask(xa));
          pc = Pc.loop;
          return;
        }
      }
    }
  }

  // ===============================================================================================

  /**
   * {@code xas_get_order(xas)} (lib/xarray.c, a4864671ca0b, v6.10+): the order of the entry the
   * cursor was walked to: probe {@code xa_offset + 1, +2, +4, ...} while they hold siblings (one
   * slot load per step), then add the node's shift (one load); 0 for an entry in the head.
   * Context: RCU (the answer may be stale the moment it is returned) or xa_lock.
   *
   * @throws IllegalStateException if the cursor has not been walked
   */
  public static final class XasGetOrder extends Routine<XasGetOrder.Pc> {
    /** Steps. */
    public enum Pc { xas_get_order, probe, shift }

    private static final StepNames<Pc> NAMES = StepNames.of("xas_get_order", Pc.class);
    private XaState xas;
    private XaNode node;
    private int order;

    public XasGetOrder() {
      super(NAMES);
    }

    /** Binds the cursor for the next call. */
    public XasGetOrder on(XaState xas) {
      this.xas = checkNotNull(xas, "xas");
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      XArray xa = xas.xa();
      switch (pc) {
        case xas_get_order: {
          Object n = xas.xaNode();
          if (n == null) {
            cpu.ret(0);
            return;
          }
          checkState(n instanceof XaNode, "xas_get_order: cursor is not walked (%s)", n);
          node = (XaNode) n;
          order = 0;
          pc = Pc.probe;
          return;
        }
        case probe: {
          int slot = xas.offset() + (1 << order);
          if (slot >= xa.chunkSize()) {
            pc = Pc.shift;
            return;
          }
          if (!isSibling(xa, xa.loadSlot(node, slot))) {
            pc = Pc.shift;
            return;
          }
          order++;
          return;
        }
        case shift:
          cpu.ret(order + xa.loadShift(node));
          return;
      }
    }
  }

  // ===============================================================================================
  // The normal API's RCU readers used unlocked by __filemap_add_folio (5.17 - 6.9): xa_load and
  // xa_get_order. (Added for the writeback / add-folio work; built on the xas_* routines above.)

  /**
   * {@code xa_load(xa, index)} (lib/xarray.c, v6.9; same in v6.18): in an RCU read-side section,
   * {@code xas_load} until {@code xas_retry} is false (a retry entry restarts the walk: a retry
   * loop of the machine); a zero entry reads as NULL. Returns the entry. Context: takes and
   * releases the RCU read lock.
   */
  public static final class XaLoad extends Routine<XaLoad.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, xas_load, loaded, rcu_read_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("xa_load", Pc.class);
    private final XasLoad load = new XasLoad();
    private XaState xas;
    private Object entry;

    public XaLoad() {
      super(NAMES);
    }

    /** Binds the array and index for the next call. */
    public XaLoad on(XArray xa, long index) {
      this.xas = new XaState(checkNotNull(xa, "xa"), index);
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          pc = Pc.xas_load;
          return;
        case xas_load:
          call(cpu, load.on(xas), Pc.loaded);
          return;
        case loaded: {
          Object e = cpu.retval();
          entry = XaEntry.isZero(e) ? null : e;
          if (xas.retry(entry)) {
            retry(cpu, Pc.xas_load);
            return;
          }
          pc = Pc.rcu_read_unlock;
          return;
        }
        case rcu_read_unlock:
          cpu.rcuReadUnlock();
          cpu.ret(entry);
          return;
      }
    }
  }

  /**
   * {@code xa_get_order(xa, index)} (lib/xarray.c; the 6.9 body and the 6.10+ body built on
   * {@code xas_get_order} issue the same loads): in an RCU read-side section, {@code xas_load};
   * 0 if it returned NULL; otherwise {@code xas_get_order} (0 for an entry in the head). Returns
   * the order, which may be stale by the time it is returned. Context: takes and releases the RCU
   * read lock.
   *
   * <p>Both this and {@link XaLoad} walk with {@link XasLoad}; they share only the RCU frame
   * around the call, and stay apart because the kernel functions differ ({@code xa_get_order} has
   * no {@code xas_retry} loop and goes on to {@code xas_get_order}) and so do their step labels.
   */
  public static final class XaGetOrder extends Routine<XaGetOrder.Pc> {
    /** Steps. */
    public enum Pc { rcu_read_lock, xas_load, loaded, ordered, rcu_read_unlock }

    private static final StepNames<Pc> NAMES = StepNames.of("xa_get_order", Pc.class);
    private final XasLoad load = new XasLoad();
    private final XasGetOrder getOrder = new XasGetOrder();
    private XaState xas;
    private int order;

    public XaGetOrder() {
      super(NAMES);
    }

    /** Binds the array and index for the next call. */
    public XaGetOrder on(XArray xa, long index) {
      this.xas = new XaState(checkNotNull(xa, "xa"), index);
      return this;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case rcu_read_lock:
          cpu.rcuReadLock();
          order = 0;
          pc = Pc.xas_load;
          return;
        case xas_load:
          call(cpu, load.on(xas), Pc.loaded);
          return;
        case loaded:
          if (cpu.retval() == null) {
            pc = Pc.rcu_read_unlock;
            return;
          }
          call(cpu, getOrder.on(xas), Pc.ordered);
          return;
        case ordered:
          order = (Integer) cpu.retval();
          pc = Pc.rcu_read_unlock;
          return;
        case rcu_read_unlock:
          cpu.rcuReadUnlock();
          cpu.ret(order);
          return;
      }
    }
  }
}
