package io.foliolab.sim;

import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaField;
import io.foliolab.xarray.XaMemory;
import io.foliolab.xarray.XaNode;
import io.foliolab.xarray.XaNodeAllocator;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaOrder;
import io.foliolab.xarray.XaStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Attaches XArrays to a {@link Machine}: every shared word of an XArray (head, mark summary,
 * node slots, mark bits and fields) becomes a location of the machine, so that XArray accesses
 * take part in dependency tracking like any {@link Cell}.
 *
 * <ul>
 *   <li>Reader steps call the XArray's public load primitives ({@code XArray.loadHead},
 *       {@code loadSlot}, {@code loadShift}, ...): each load is one shared action of the step.
 *   <li>Writers run a write-side operation with {@link Cpu#xaWrite}: it is computed at once, its
 *       stores are recorded, rolled back, and published one per step of that CPU in program
 *       order. Each publication is a write of one location, visible to RCU readers.
 *   <li>Node memory: allocations and frees are accesses to one "slab" location, so the explorer
 *       orders them. Nodes freed with {@code call_rcu} during an operation are handed to the
 *       allocator's grace-period completion only after the operation's last store is visible and
 *       every CPU then inside an RCU read-side section has left it.
 *   <li>Checking mode: {@link #checkAfterEachOperation} runs {@code XArray.validate()} after the
 *       last publication of every write-side operation.
 * </ul>
 *
 * <p>Locations are numbered per owner (the XArray, then each node) in the order the owner is
 * first seen, which is deterministic: nodes are first seen when a write-side operation (or the
 * set-up) initializes them. Attach during {@link Model#setUp}, before populating the XArray.
 */
public final class XaBinding implements XaObserver {
  private final Machine m;
  private final Word slab;
  private final Map<Object, Integer> bases = new IdentityHashMap<>();
  private final List<XArray> arrays = new ArrayList<>();
  private final List<XaNodeAllocator> allocators = new ArrayList<>();

  // The write-side operation in progress.
  private Cpu writer;
  private final List<XaStore> recorded = new ArrayList<>();
  private final Map<Object, boolean[]> writtenInOp = new IdentityHashMap<>();
  private boolean failAllocations;

  // Operations whose RCU frees wait for a grace period, oldest first.
  private final List<long[]> rcuOps = new ArrayList<>();

  private XaBinding(Machine m) {
    this.m = m;
    this.slab = new Word(m, "radix_tree_node_cachep", 0);
  }

  /** Attaches a binding to {@code machine} (during {@link Model#setUp}) and returns it. */
  public static XaBinding attach(Machine machine) {
    if (machine.running) {
      throw new IllegalStateException("attach XArrays while the model sets up, not later");
    }
    if (machine.xa != null) {
      return machine.xa;
    }
    XaBinding b = new XaBinding(machine);
    machine.xa = b;
    machine.addStatePart(b::stateHash);
    return b;
  }

  /**
   * Adds {@code xa}: installs this binding as its observer and its allocator's policy, and
   * turns off its own lock assertions (the model's {@link Lock} stands for {@code xa_lock}).
   */
  public XArray add(XArray xa) {
    Objects.requireNonNull(xa, "xa");
    xa.setObserver(this);
    xa.setLockdep(false);
    arrays.add(xa);
    owner(xa);
    XaNodeAllocator a = xa.allocator();
    if (!allocators.contains(a)) {
      allocators.add(a);
      a.setPolicy((gfp, site) -> {
        if (m.running) {
          slabAccess();
        }
        return !failAllocations;
      });
    }
    return xa;
  }

  /** The binding's part of the machine's state fingerprint: allocators and waiting RCU work. */
  private long stateHash() {
    long h = failAllocations ? 0x4641494cL : 0x4f4bL;
    for (XaNodeAllocator a : allocators) {
      h = StateHash.mix(h, a.stateHash());
    }
    for (long[] op : rcuOps) {
      h = StateHash.mix(h, op.length);
      for (long v : op) {
        h = StateHash.mix(h, v);
      }
    }
    return h;
  }

  /** Checking mode: {@code validate()} on every attached XArray after each published operation. */
  public void checkAfterEachOperation() {
    m.addPublicationCheck(() -> {
      for (XArray xa : arrays) {
        String problem = xa.validate().orElse(null);
        if (problem != null) {
          return "XArray " + xa + " invalid after a published operation: " + problem;
        }
      }
      return null;
    });
  }

  /**
   * Makes the node allocations of the following write-side operations fail (or succeed again).
   * Call it after a {@link Cpu#choose} step, so that the explorer decides.
   */
  public void failAllocations(boolean fail) {
    failAllocations = fail;
  }

  // ---------------------------------------------------------------------------------------------
  // Locations.

  private int owner(Object owner) {
    Integer base = bases.get(owner);
    if (base != null) {
      return base;
    }
    int size;
    if (owner instanceof XArray) {
      size = 1 + XArray.XA_MAX_MARKS;
    } else {
      int chunk = ((XaNode) owner).chunkSize();
      size = chunk * (1 + XArray.XA_MAX_MARKS) + 6;
    }
    int b = m.reserve(size);
    bases.put(owner, b);
    return b;
  }

  private static int offset(Object owner, XaField field, int index) {
    if (owner instanceof XArray) {
      return field == XaField.HEAD ? 0 : 1 + index;
    }
    int chunk = ((XaNode) owner).chunkSize();
    switch (field) {
      case SLOT:
        return index;
      case MARK:
        return chunk + index;
      default:
        return chunk * (1 + XArray.XA_MAX_MARKS) + (field.ordinal() - XaField.SHIFT.ordinal());
    }
  }

  private XaCell cell(Object owner, XaField field, int index) {
    int loc = owner(owner) + offset(owner, field, index);
    Cell c = m.cellAt(loc);
    if (c == null) {
      c = new XaCell(loc, owner, field, index);
      m.place(c);
    }
    return (XaCell) c;
  }

  private void slabAccess() {
    m.recordAccess(slab.loc, Machine.RMW, -1L);
  }

  // ---------------------------------------------------------------------------------------------
  // The observer.

  @Override
  public void load(Object owner, XaField field, int index) {
    if (!m.running) {
      owner(owner);
      return;
    }
    XaCell c = cell(owner, field, index);
    if (writer != null) {
      boolean[] w = writtenInOp.get(owner);
      if (w == null || !w[offset(owner, field, index)]) {
        m.recordAccess(c.loc, Machine.READ, -1L);
      }
      return;
    }
    Cpu cpu = m.current;
    if (cpu == null) {
      throw new IllegalStateException("XArray load of " + c.name + " outside a step");
    }
    if (continuesMarkWord(cpu, owner, field, index)) {
      cpu.xaLoadMore(c, c.currentRef());
      return;
    }
    if (field != XaField.MARK) {
      cpu.xaLoad(c, c.currentRef());
    } else {
      // A mark-bitmap load may go on with more bits in this step: not one plain access.
      cpu.nextMulti = true;
      try {
        cpu.xaLoad(c, c.currentRef());
      } finally {
        cpu.nextMulti = false;
      }
    }
    startMarkWord(cpu, owner, field, index);
  }

  // ---------------------------------------------------------------------------------------------
  // Mark-word loads (added on branch mm-wb for xas_find_marked): XArray.loadMarkWord, the single
  // word load of find_next_bit / bitmap_empty on a node's mark bitmap, reports one load per bit
  // (so that a store of any bit conflicts with it); those loads are one action of the step.

  private Object wordOwner;
  private int wordNext = -1;
  private Cpu wordCpu;
  private int wordEvent = -1;

  /** Remembers a load of bit 0 of a mark bitmap: the following bits may continue it. */
  private void startMarkWord(Cpu cpu, Object owner, XaField field, int index) {
    if (field == XaField.MARK && owner instanceof XaNode
        && index % ((XaNode) owner).chunkSize() == 0) {
      wordOwner = owner;
      wordNext = index + 1;
      wordCpu = cpu;
      wordEvent = m.events();
    } else {
      wordOwner = null;
    }
  }

  /** Whether this load is the next bit of the mark bitmap this step began loading. */
  private boolean continuesMarkWord(Cpu cpu, Object owner, XaField field, int index) {
    if (field != XaField.MARK || owner != wordOwner || cpu != wordCpu || index != wordNext
        || m.events() != wordEvent || index % ((XaNode) owner).chunkSize() == 0) {
      return false;
    }
    wordNext++;
    return true;
  }

  @Override
  public void store(XaStore store) {
    if (!m.running) {
      owner(store.owner());
      return;
    }
    if (writer == null) {
      throw new IllegalStateException("XArray store " + store + " outside Cpu.xaWrite: a"
          + " write-side operation must run as one step under xa_lock");
    }
    XaCell c = cell(store.owner(), store.field(), store.index());
    boolean[] w = writtenInOp.computeIfAbsent(store.owner(),
        o -> new boolean[o instanceof XArray ? 1 + XArray.XA_MAX_MARKS
            : ((XaNode) o).chunkSize() * (1 + XArray.XA_MAX_MARKS) + 6]);
    w[c.loc - owner(store.owner())] = true;
    recorded.add(store);
  }

  /** Runs a write-side operation for {@link Cpu#xaWrite}. */
  void write(Cpu cpu, Runnable operation) {
    long[] seqBefore = sequences();
    writer = cpu;
    recorded.clear();
    writtenInOp.clear();
    slabAccess();
    try {
      operation.run();
    } finally {
      writer = null;
      writtenInOp.clear();
    }
    long[] seqAfter = sequences();
    boolean queuedRcu = false;
    for (int i = 0; i < seqAfter.length; i++) {
      queuedRcu |= seqAfter[i] != seqBefore[i];
    }
    List<XaStore> stores = new ArrayList<>(recorded);
    recorded.clear();
    for (int i = stores.size() - 1; i >= 0; i--) {
      stores.get(i).undo();
    }
    if (m.tracing) {
      m.trace(cpu.id, "xa write (" + stores.size() + " stores)", null, "", "");
    }
    long[] rcu = queuedRcu ? seqAfter : null;
    if (stores.isEmpty()) {
      if (rcu != null) {
        operationPublished(cpu, rcu);
      }
      return;
    }
    for (int i = 0; i < stores.size(); i++) {
      XaStore st = stores.get(i);
      cpu.queueStore(new XaPublication(this, cell(st.owner(), st.field(), st.index()), st,
          i == stores.size() - 1, rcu, m.currentLabel));
    }
  }

  private long[] sequences() {
    long[] s = new long[allocators.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = allocators.get(i).rcuSequence();
    }
    return s;
  }

  /**
   * The last store of an operation that queued nodes for RCU is visible: those nodes may be
   * reclaimed once every CPU now inside a read-side section has left it.
   */
  void operationPublished(Cpu cpu, long[] seqAfter) {
    long[] op = new long[seqAfter.length + 1];
    System.arraycopy(seqAfter, 0, op, 1, seqAfter.length);
    rcuOps.add(op);
    long readers = m.readersNow();
    m.queueRcu(cpu, c -> {
      op[0] = 1;
      reclaim();
    }, readers);
  }

  /** Completes the grace period for the longest prefix of ready operations. */
  private void reclaim() {
    long[] upTo = null;
    while (!rcuOps.isEmpty() && rcuOps.get(0)[0] == 1) {
      upTo = rcuOps.remove(0);
    }
    if (upTo == null) {
      return;
    }
    slabAccess();
    for (int i = 0; i < allocators.size(); i++) {
      allocators.get(i).completeGracePeriod(upTo[i + 1]);
    }
  }

  /** One published XArray store. */
  private static final class XaPublication implements Publication {
    final XaBinding binding;
    final XaCell cell;
    final XaStore store;
    final boolean last;
    final long[] rcu;
    final String label;

    XaPublication(XaBinding binding, XaCell cell, XaStore store, boolean last, long[] rcu,
        String label) {
      this.binding = binding;
      this.cell = cell;
      this.store = store;
      this.last = last;
      this.rcu = rcu;
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public Cell cell() {
      return cell;
    }

    @Override
    public void apply() {
      store.redo();
    }

    @Override
    public String shown() {
      return XaEntry.describe(store.newValue());
    }

    @Override
    public int kind() {
      return store.order() == XaOrder.RELEASE ? Machine.WRITE | Machine.RELEASE : Machine.WRITE;
    }

    @Override
    public boolean lastOfOperation() {
      return last;
    }

    @Override
    public void published(Cpu cpu) {
      if (rcu != null) {
        binding.operationPublished(cpu, rcu);
      }
    }

    @Override
    public String toString() {
      return store.order() == XaOrder.RELEASE ? "publish (release)" : "publish";
    }
  }

  /** An XArray word as a machine location. */
  static final class XaCell extends Cell {
    final Object owner;
    final XaField field;
    final int index;

    XaCell(int loc, Object owner, XaField field, int index) {
      super(loc, XaMemory.describe(owner, field, index));
      this.owner = owner;
      this.field = field;
      this.index = index;
    }

    @Override
    Object currentRef() {
      return read(owner, field, index);
    }

    @Override
    boolean holds(long v, Object r) {
      return Objects.equals(currentRef(), r);
    }

    @Override
    boolean same(long v1, Object r1, long v2, Object r2) {
      return Objects.equals(r1, r2);
    }

    @Override
    String show(long v, Object r) {
      return r instanceof Integer || r instanceof Boolean ? String.valueOf(r)
          : XaEntry.describe(r);
    }

    @Override
    String show() {
      return show(0, currentRef());
    }

    /** Reads a word without reporting it. */
    static Object read(Object owner, XaField field, int index) {
      if (owner instanceof XArray xa) {
        return field == XaField.HEAD ? xa.peekHead() : (Object) xa.peekFlagMark(index);
      }
      XaNode n = (XaNode) owner;
      switch (field) {
        case SLOT:
          return n.peekSlot(index);
        case MARK:
          return n.peekMark(index / n.chunkSize(), index % n.chunkSize());
        case SHIFT:
          return n.peekShift();
        case OFFSET:
          return n.peekOffset();
        case COUNT:
          return n.peekCount();
        case NR_VALUES:
          return n.peekNrValues();
        case PARENT:
          return n.peekParent();
        case ARRAY:
          return n.peekArray();
        default:
          throw new AssertionError(field);
      }
    }
  }
}
