package io.foliolab.sim;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayDeque;

/**
 * One simulated CPU: a stack of {@link Routine} frames and the operations a step program uses to
 * touch shared memory. Each operation below is one shared-memory action; a step performs at most
 * one (the machine throws {@link IllegalStateException} on a second), and every action is reported
 * to the explorer as an access to a location (read, write, or read-modify-write, with a bit mask
 * for flag operations).
 *
 * <p>Blocking operations ({@link #lock}, {@link #lockBit}, {@link #downRead}, {@link #downWrite})
 * must be the first action of their step: when the lock is held the step is abandoned, the CPU is
 * marked blocked and is not scheduled until the lock is free, then the step runs again from its
 * beginning. Code in a step before its first action must therefore be free of side effects (it
 * may run more than once).
 *
 * <p>Not thread-safe; owned by its {@link Machine}.
 */
public final class Cpu {
  static final int READY = 0;
  static final int ENABLED = 1;
  static final int GUARDED = 2;
  static final int FINISHED = 3;

  static final int G_NONE = 0;
  static final int G_LOCK = 1;
  static final int G_BIT = 2;
  static final int G_READ = 3;
  static final int G_WRITE = 4;
  static final int G_NONEMPTY = 5;

  static final int P_NONE = 0;
  static final int P_RETRY = 1;
  static final int P_STORE = 2;
  static final int P_GP = 3;

  final Machine m;
  final int id;

  Routine<?>[] stack = new Routine<?>[8];
  int depth;

  int status;
  int guard;
  Cell guardCell;
  long guardMask;

  int pending;
  final ArrayDeque<Publication> stores = new ArrayDeque<>();

  // Retry loops: the observation log of this execution and the current wait condition.
  int[] logLoc = new int[64];
  byte[] logKind = new byte[64];
  long[] logVal = new long[64];
  Object[] logRef = new Object[64];
  int logSize;
  int[] stamp = new int[64];
  int epoch;
  int[] waitLoc = new int[16];
  long[] waitVal = new long[16];
  Object[] waitRef = new Object[16];
  int waitSize;
  String retryLabel;
  /** What the last retry iteration observed ({@link Routine#retry(Cpu, Enum, Subject.Source)}). */
  Subject.Source retryObserved;
  int retries;

  // Grace-period wait (synchronize_rcu).
  long gpMask;
  long[] gpSnapshot;

  // The step in progress.
  boolean firstCall;
  /** Event index of a context switch away from this CPU whose preemption status is open. */
  int deferredAt = -1;
  boolean acted;
  boolean probing;
  /**
   * What the last probe found this CPU's next step will access, when that step is one plain
   * access: location, kind, mask; {@code nextLoc} is -1 when unknown or not a single access.
   */
  int nextLoc = -1;
  int nextKind;
  long nextMask;
  /** Set while a binding's load that may continue with more accesses in the same step probes. */
  boolean nextMulti;
  boolean internal;
  int choice = -1;
  Cell rcuCell;
  int events;
  /** Hash of everything this CPU observed in this execution (see Machine#fingerprint). */
  long hist;

  Object retval;

  // Weak memory: this CPU's store buffer, or the lane this agent flushes.
  int agentOf = -1;
  int agentLane;
  Word sb;
  Word[] laneCell;
  java.util.ArrayDeque<Buffered>[] laneQ;

  /** A buffered store. */
  static final class Buffered {
    final Cell cell;
    final long value;
    final Object ref;

    Buffered(Cell cell, long value, Object ref) {
      this.cell = cell;
      this.value = value;
      this.ref = ref;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void setUpBuffer(int lanes) {
    sb = new Word(m, "store_buffer[cpu" + id + "]", 0);
    laneCell = new Word[lanes];
    laneQ = new java.util.ArrayDeque[lanes];
    for (int k = 0; k < lanes; k++) {
      laneCell[k] = new Word(m, "store_buffer[cpu" + id + "].lane" + k, 0);
      laneQ[k] = new java.util.ArrayDeque<>();
    }
  }

  Cpu(Machine m, int id) {
    this.m = m;
    this.id = id;
  }

  void reset(Routine<?> root) {
    depth = 0;
    for (int i = 0; i < stack.length; i++) {
      stack[i] = null;
    }
    status = READY;
    guard = G_NONE;
    guardCell = null;
    pending = P_NONE;
    stores.clear();
    logSize = 0;
    waitSize = 0;
    retryLabel = null;
    retryObserved = null;
    retries = 0;
    acted = false;
    deferredAt = -1;
    probing = false;
    internal = false;
    choice = -1;
    events = 0;
    hist = 0x435055L + id;
    retval = null;
    gpMask = 0;
    agentOf = -1;
    agentLane = 0;
    sb = null;
    laneCell = null;
    laneQ = null;
    push(root);
  }

  /** This CPU's number, from 0. */
  public int id() {
    return id;
  }

  /** How many times this CPU went back to a retry label in this execution. */
  public int retries() {
    return retries;
  }

  /** The value passed to the last {@link #ret(Object)}. */
  public Object retval() {
    return retval;
  }

  /** The routine on top of the stack, or null once the CPU has finished. */
  public Routine<?> frame() {
    return depth == 0 ? null : stack[depth - 1];
  }

  /** The machine this CPU belongs to. */
  public Machine machine() {
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Control flow.

  /** Pushes {@code callee}, which starts at its entry point when this CPU next runs a step. */
  public void call(Routine<?> callee) {
    push(callee);
  }

  private void push(Routine<?> r) {
    if (depth == stack.length) {
      stack = java.util.Arrays.copyOf(stack, depth * 2);
    }
    r.enter(logSize);
    stack[depth++] = r;
  }

  /** Returns from the current routine to its caller (or finishes the CPU). */
  public void ret() {
    stack[--depth] = null;
  }

  /** Returns {@code value} to the caller, readable with {@link #retval()}. */
  public void ret(Object value) {
    retval = value;
    ret();
  }

  /** See {@link Routine#retry}. */
  void retry(Routine<?> frame) {
    first(false);
    retries++;
    int e = ++epoch;
    waitSize = 0;
    for (int i = frame.iterationStart; i < logSize; i++) {
      int loc = logLoc[i];
      if (loc >= stamp.length) {
        stamp = java.util.Arrays.copyOf(stamp, Math.max(loc + 1, stamp.length * 2));
      }
      if (stamp[loc] == e) {
        continue;
      }
      stamp[loc] = e;
      if ((logKind[i] & Machine.READ) != 0) {
        if (waitSize == waitLoc.length) {
          int n = waitSize * 2;
          waitLoc = java.util.Arrays.copyOf(waitLoc, n);
          waitVal = java.util.Arrays.copyOf(waitVal, n);
          waitRef = java.util.Arrays.copyOf(waitRef, n);
        }
        waitLoc[waitSize] = loc;
        waitVal[waitSize] = logVal[i];
        waitRef[waitSize] = logRef[i];
        waitSize++;
      }
    }
    frame.iterationStart = logSize;
    retryLabel = frame.label();
    retryObserved = null;
    pending = P_RETRY;
  }

  // ---------------------------------------------------------------------------------------------
  // Recording.

  /**
   * The step's first machine call. If a context switch away from this CPU is still open, this
   * call shows whether the CPU could have run then: a non-blocking action always could.
   */
  void first(boolean acts) {
    if (firstCall) {
      firstCall = false;
      if (deferredAt >= 0 && acts) {
        m.resolveDeferred(this, true);
      }
    }
  }

  private void action(Cell c, int kind, long mask) {
    action(c, kind, kind, mask);
  }

  /**
   * Like {@link #action(Cell, int, long)}, but records {@code recorded} as the access kind while a
   * probe reports {@code kind}: a read-modify-write that leaves the value as it was is recorded as
   * a read (see {@link #silent}); the probe, which may be consulted after other CPUs moved, keeps
   * the static kind.
   */
  private void action(Cell c, int kind, int recorded, long mask) {
    first(true);
    if (probing) {
      if (!nextMulti) {
        nextLoc = c.loc;
        nextKind = kind;
        nextMask = mask;
      }
      status = ENABLED;
      throw Signal.PROBED;
    }
    if (acted && !internal) {
      throw new IllegalStateException("step " + m.currentLabel + " on CPU " + id
          + " performs a second shared action (on " + c.name + "); one action per step");
    }
    acted = true;
    m.recordAccess(c.loc, recorded, mask);
  }

  /**
   * The kind to record for a read-modify-write of kind {@code kind} that leaves the location as it
   * was ({@code unchanged}): a read, keeping the ordering annotations. Such an access (a failed
   * {@code cmpxchg} or {@code atomic_add_unless}, a {@code test_and_set_bit} or trylock of a set
   * bit, a {@code set_bit} of a set bit) writes nothing, so it commutes with every other access
   * that writes nothing to the location, and it stays what it was until another CPU writes the
   * location, which conflicts with it as a read. Blocking acquisitions and releases keep their
   * kind (they always change the location).
   */
  private static int silent(int kind, boolean unchanged) {
    if (!unchanged || (kind & (Machine.BLOCKING | Machine.UNLOCK)) != 0) {
      return kind;
    }
    return kind & ~Machine.WRITE;
  }

  private void log(Cell c, int kind, long v, Object r) {
    int i = logSize;
    if (i == logLoc.length) {
      int n = i * 2;
      logLoc = java.util.Arrays.copyOf(logLoc, n);
      logKind = java.util.Arrays.copyOf(logKind, n);
      logVal = java.util.Arrays.copyOf(logVal, n);
      logRef = java.util.Arrays.copyOf(logRef, n);
    }
    logLoc[i] = c.loc;
    logKind[i] = (byte) kind;
    logVal[i] = v;
    logRef[i] = r;
    logSize = i + 1;
  }

  private void blockUnless(boolean free, int kind, Cell c, long mask) {
    first(false);
    if (deferredAt >= 0) {
      m.resolveDeferred(this, m.guardHeldAt(kind, c, mask, deferredAt));
    }
    if (acted && !probing) {
      throw new IllegalStateException("step " + m.currentLabel + " on CPU " + id
          + " blocks on " + c.name + " after a shared action; a blocking action must come first");
    }
    guard = kind;
    guardCell = c;
    guardMask = mask;
    if (probing) {
      status = GUARDED;
      throw Signal.PROBED;
    }
    if (!free) {
      status = GUARDED;
      throw Signal.BLOCKED;
    }
    guard = G_NONE;
    guardCell = null;
  }

  /** Weak mode: whether this CPU's plain stores are buffered. */
  private boolean buffered() {
    return sb != null;
  }

  /** Weak mode: puts a plain store into the buffer (one step: the buffer is this CPU's). */
  private void bufferStore(Cell c, long v, Object r, String what) {
    first(true);
    if (probing) {
      status = ENABLED;
      throw Signal.PROBED;
    }
    if (acted && !internal) {
      throw new IllegalStateException("step " + m.currentLabel + " on CPU " + id
          + " performs a second shared action (on " + c.name + "); one action per step");
    }
    acted = true;
    int k = c.loc % laneCell.length;
    Word lane = laneCell[k];
    m.recordAccess(lane.loc, Machine.RMW, -1L);
    m.recordAccess(sb.loc, Machine.RMW, -1L);
    m.remember(lane);
    lane.value++;
    m.remember(sb);
    sb.value++;
    laneQ[k].addLast(new Buffered(c, v, r));
    log(c, Machine.WRITE, v, r);
    if (m.tracing) {
      m.trace(id, what + " (buffered)", c, c.show(), c.show(v, r));
    }
  }

  /** Weak mode: this CPU's newest buffered store to {@code c}, or null. */
  Buffered ownStore(Cell c) {
    if (laneQ == null) {
      return null;
    }
    java.util.ArrayDeque<Buffered> q = laneQ[c.loc % laneQ.length];
    java.util.Iterator<Buffered> it = q.descendingIterator();
    while (it.hasNext()) {
      Buffered b = it.next();
      if (b.cell == c) {
        return b;
      }
    }
    return null;
  }

  /** Weak mode: a load served from this CPU's own buffer; returns null if not buffered. */
  private Buffered forwarded(Cell c, String what) {
    if (sb == null) {
      return null;
    }
    Buffered b = ownStore(c);
    if (b == null) {
      return null;
    }
    action(laneCell[c.loc % laneCell.length], Machine.READ, -1L);
    log(c, Machine.READ, b.value, b.ref);
    if (m.tracing) {
      m.trace(id, what + " (own buffer)", c, c.show(b.value, b.ref), c.show(b.value, b.ref));
    }
    return b;
  }

  /**
   * Weak mode: an ordered operation first waits until this CPU's store buffer is empty (a
   * blocking condition, so it must be the step's first action).
   */
  private void drain() {
    if (sb == null) {
      return;
    }
    if (sb.value != 0) {
      blockUnless(false, G_LOCK, sb, -1L);
    }
    if (deferredAt >= 0 && !m.guardHeldAt(G_LOCK, sb, -1L, deferredAt)) {
      // At the open context switch this CPU's buffer was not empty: it could not have run.
      m.resolveDeferred(this, false);
    }
    if (!probing) {
      m.recordAccess(sb.loc, Machine.READ | Machine.BLOCKING, -1L);
    }
  }

  /** Weak mode, flush agents: makes the oldest store of this agent's lane visible. */
  void flushLane() {
    Cpu owner = m.cpu(agentOf);
    Word lane = owner.laneCell[agentLane];
    blockUnless(lane.value > 0, G_NONEMPTY, lane, -1L);
    acted = true;
    Buffered b = owner.laneQ[agentLane].removeFirst();
    m.recordAccess(lane.loc, Machine.RMW | Machine.BLOCKING | Machine.NONEMPTY, -1L);
    m.recordAccess(owner.sb.loc, Machine.RMW, -1L);
    m.recordAccess(b.cell.loc, Machine.WRITE, -1L);
    m.remember(lane);
    lane.value--;
    m.remember(owner.sb);
    owner.sb.value--;
    String before = m.tracing ? b.cell.show() : null;
    m.remember(b.cell);
    b.cell.value = b.value;
    b.cell.ref = b.ref;
    if (m.tracing) {
      m.trace(id, "flush CPU " + agentOf + "'s store", b.cell, before, b.cell.show());
    }
  }

  private void traced(String action, Cell c, long v0, Object r0) {
    if (m.tracing) {
      m.trace(id, action, c, c.show(v0, r0), c.show());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Plain words.

  /** {@code READ_ONCE(*w)} or a plain load. */
  public long read(Word w) {
    Buffered own = forwarded(w, "read");
    if (own != null) {
      return own.value;
    }
    action(w, Machine.READ, -1L);
    long v = w.value;
    log(w, Machine.READ, v, null);
    traced("read", w, v, null);
    return v;
  }

  /** {@code WRITE_ONCE(*w, v)} or a plain store. */
  public void write(Word w, long v) {
    if (buffered()) {
      bufferStore(w, v, null, "write");
      return;
    }
    action(w, Machine.WRITE, -1L);
    long old = w.value;
    m.store(this, w, v, null, false);
    log(w, Machine.WRITE, v, null);
    traced("write", w, old, null);
  }

  // ---------------------------------------------------------------------------------------------
  // Pointers.

  /** {@code READ_ONCE(*r)} / {@code rcu_dereference(*r)}: a plain (address-dependency) load. */
  @SuppressWarnings("unchecked")
  public <T> T read(Ref<T> r) {
    Buffered own = forwarded(r, "read");
    if (own != null) {
      return (T) own.ref;
    }
    action(r, Machine.READ, -1L);
    Object v = r.ref;
    log(r, Machine.READ, 0, v);
    traced("read", r, 0, v);
    return (T) v;
  }

  /** {@code smp_load_acquire(r)}. */
  @SuppressWarnings("unchecked")
  public <T> T loadAcquire(Ref<T> r) {
    Buffered own = forwarded(r, "load_acquire");
    if (own != null) {
      return (T) own.ref;
    }
    action(r, Machine.READ | Machine.ACQUIRE, -1L);
    Object v = r.ref;
    log(r, Machine.READ, 0, v);
    traced("load_acquire", r, 0, v);
    return (T) v;
  }

  /** {@code WRITE_ONCE(*r, v)} / {@code RCU_INIT_POINTER}: a plain store. */
  public <T> void write(Ref<T> r, T v) {
    if (buffered()) {
      bufferStore(r, 0, v, "write");
      return;
    }
    action(r, Machine.WRITE, -1L);
    Object old = r.ref;
    m.store(this, r, 0, v, false);
    log(r, Machine.WRITE, 0, v);
    traced("write", r, 0, old);
  }

  /** {@code smp_store_release(r, v)} / {@code rcu_assign_pointer(r, v)}. */
  public <T> void storeRelease(Ref<T> r, T v) {
    drain();
    action(r, Machine.WRITE | Machine.RELEASE, -1L);
    Object old = r.ref;
    m.store(this, r, 0, v, true);
    log(r, Machine.WRITE, 0, v);
    traced("store_release", r, 0, old);
  }

  /** {@code cmpxchg(r, expected, v)}: returns the old pointer; stored iff it was {@code expected}. */
  @SuppressWarnings("unchecked")
  public <T> T cmpxchg(Ref<T> r, T expected, T v) {
    drain();
    action(r, Machine.RMW | Machine.ACQUIRE | Machine.RELEASE, -1L);
    Object old = r.ref;
    if (old == expected) {
      m.store(this, r, 0, v, true);
    }
    log(r, Machine.RMW, 0, old);
    traced("cmpxchg", r, 0, old);
    return (T) old;
  }

  // ---------------------------------------------------------------------------------------------
  // Atomics (include/linux/atomic.h).

  /** {@code atomic_read(a)}. */
  public long atomicRead(Atomic a) {
    Buffered own = forwarded(a, "atomic_read");
    if (own != null) {
      return own.value;
    }
    action(a, Machine.READ, -1L);
    long v = a.value;
    log(a, Machine.READ, v, null);
    traced("atomic_read", a, v, null);
    return v;
  }

  /** {@code atomic_set(a, v)}. */
  public void atomicSet(Atomic a, long v) {
    if (buffered()) {
      bufferStore(a, v, null, "atomic_set");
      return;
    }
    action(a, Machine.WRITE, -1L);
    long old = a.value;
    m.store(this, a, v, null, false);
    log(a, Machine.WRITE, v, null);
    traced("atomic_set", a, old, null);
  }

  /** {@code atomic_set_release(a, v)}: every earlier store of this CPU is visible first. */
  public void atomicSetRelease(Atomic a, long v) {
    drain();
    action(a, Machine.WRITE | Machine.RELEASE, -1L);
    long old = a.value;
    m.store(this, a, v, null, true);
    log(a, Machine.WRITE, v, null);
    traced("atomic_set_release", a, old, null);
  }

  /** {@code atomic_add(d, a)} (use a negative {@code d} for {@code atomic_sub}); unordered. */
  public void atomicAdd(Atomic a, long d) {
    additive(a, "atomic_add", d, true);
  }

  /** {@code atomic_add_return(d, a)}: fully ordered; returns the new value. */
  public long atomicAddReturn(Atomic a, long d) {
    return rmw(a, "atomic_add_return", a.value + d) + d;
  }

  /** {@code atomic_sub_return(d, a)}: fully ordered; returns the new value. */
  public long atomicSubReturn(Atomic a, long d) {
    return rmw(a, "atomic_sub_return", a.value - d) - d;
  }

  /**
   * {@code atomic_add_unless(a, d, 0)} ({@code folio_try_get} is {@code d = 1}): adds {@code d}
   * unless the value is 0; returns whether it added. Fully ordered when it succeeds.
   */
  public boolean atomicAddUnlessZero(Atomic a, long d) {
    return additive(a, "atomic_add_unless_zero", d, false) != 0;
  }

  /**
   * {@code atomic_sub_and_test(d, a)} (include/linux/atomic/atomic-instrumented.h; {@code
   * folio_ref_sub_and_test}, {@code folio_put_testzero}): subtracts {@code d}; fully ordered;
   * returns whether the new value is 0.
   */
  public boolean atomicSubAndTest(Atomic a, long d) {
    return additive(a, "atomic_sub_and_test", -d, true) - d == 0;
  }

  /**
   * An additive read-modify-write whose caller observes at most whether the value was or became
   * 0: adds {@code d} (always if {@code always}, else unless the value is 0) and returns the old
   * value. The access is marked {@link Machine#ADD} when it commutes with the other additive
   * accesses of its run (see there), else recorded as an ordinary RMW.
   */
  private long additive(Atomic a, String what, long d, boolean always) {
    drain();
    first(true);
    if (probing) {
      status = ENABLED;
      throw Signal.PROBED;
    }
    if (acted && !internal) {
      throw new IllegalStateException("step " + m.currentLabel + " on CPU " + id
          + " performs a second shared action (on " + a.name + "); one action per step");
    }
    acted = true;
    long old = a.value;
    long v = always || old != 0 ? old + d : old;
    int kind = Machine.RMW | Machine.ACQUIRE | Machine.RELEASE;
    if (v == old) {
      kind = silent(kind, true);
    } else if (m.additiveCommutes(a.loc, old, d)) {
      kind |= Machine.ADD;
    }
    m.recordAccess(a.loc, kind, -1L, old, d);
    if (v != old) {
      m.store(this, a, v, null, true);
    }
    log(a, Machine.RMW, old, null);
    traced(what, a, old, null);
    return old;
  }

  /** {@code atomic_cmpxchg(a, expected, v)}: returns the old value ({@code folio_ref_freeze}). */
  public long atomicCmpxchg(Atomic a, long expected, long v) {
    long old = a.value;
    rmw(a, "atomic_cmpxchg", old == expected ? v : old);
    return old;
  }

  private long rmw(Atomic a, String what, long v) {
    drain();
    int kind = Machine.RMW | Machine.ACQUIRE | Machine.RELEASE;
    action(a, kind, silent(kind, v == a.value), -1L);
    long old = a.value;
    if (v != old) {
      m.store(this, a, v, null, true);
    }
    log(a, Machine.RMW, old, null);
    traced(what, a, old, null);
    return old;
  }

  // ---------------------------------------------------------------------------------------------
  // Flag bits (include/linux/bitops.h, include/linux/page-flags.h).

  private static long bit(int b) {
    checkArgument(b >= 0 && b < 64, "bit %s out of range [0, 64)", b);
    return 1L << b;
  }

  /** {@code test_bit(b, f)}. */
  public boolean testBit(Flags f, int b) {
    long mask = bit(b);
    Buffered own = forwarded(f, "test_bit");
    if (own != null) {
      return (own.value & mask) != 0;
    }
    action(f, Machine.READ, mask);
    long v = f.value;
    log(f, Machine.READ, v, null);
    traced("test_bit", f, v, null);
    return (v & mask) != 0;
  }

  /** {@code set_bit(b, f)}: atomic. */
  public void setBit(Flags f, int b) {
    bitop(f, b, "set_bit", true, Machine.RMW);
  }

  /** {@code clear_bit(b, f)}: atomic. */
  public void clearBit(Flags f, int b) {
    bitop(f, b, "clear_bit", false, Machine.RMW);
  }

  /** {@code test_and_set_bit(b, f)}: atomic, fully ordered; returns the old bit. */
  public boolean testAndSetBit(Flags f, int b) {
    return bitop(f, b, "test_and_set_bit", true, Machine.RMW | Machine.ACQUIRE | Machine.RELEASE);
  }

  /** {@code test_and_clear_bit(b, f)}: atomic, fully ordered; returns the old bit. */
  public boolean testAndClearBit(Flags f, int b) {
    return bitop(f, b, "test_and_clear_bit", false,
        Machine.RMW | Machine.ACQUIRE | Machine.RELEASE);
  }

  private boolean bitop(Flags f, int b, String what, boolean set, int kind) {
    long mask = bit(b);
    if ((kind & Machine.BLOCKING) == 0) {
      drain();
    }
    long before = f.value;
    long after = set ? before | mask : before & ~mask;
    action(f, kind, silent(kind, after == before), mask);
    long old = f.value;
    long v = set ? old | mask : old & ~mask;
    if (v != old) {
      m.store(this, f, v, null, (kind & Machine.RELEASE) != 0);
    }
    log(f, Machine.RMW, old, null);
    traced(what, f, old, null);
    return (old & mask) != 0;
  }

  /**
   * A sleeping bit lock ({@code folio_lock}: {@code PG_locked}): waits while the bit is set, then
   * sets it atomically with acquire ordering. Must be the first action of its step.
   */
  public void lockBit(Flags f, int b) {
    long mask = bit(b);
    drain();
    blockUnless((f.value & mask) == 0, G_BIT, f, mask);
    bitop(f, b, "lock_bit", true, Machine.RMW | Machine.ACQUIRE | Machine.BLOCKING);
    f.holder[b] = id + 1;
  }

  /** {@code folio_trylock}: sets the bit if clear; returns whether it did. */
  public boolean trylockBit(Flags f, int b) {
    boolean wasSet = bitop(f, b, "trylock_bit", true, Machine.RMW | Machine.ACQUIRE);
    if (!wasSet) {
      f.holder[b] = id + 1;
    }
    return !wasSet;
  }

  /**
   * Releases a bit lock ({@code folio_unlock}: clear with release ordering and wake the waiters).
   * Waiting CPUs become runnable.
   */
  public void unlockBit(Flags f, int b) {
    if (!probing && (f.value & bit(b)) == 0) {
      bug("VM_BUG_ON_FOLIO(!folio_test_locked(folio)): unlock of clear bit " + b + " of "
          + f.name, null);
    }
    bitop(f, b, "unlock_bit", false, Machine.RMW | Machine.RELEASE | Machine.UNLOCK);
    f.holder[b] = 0;
  }

  /**
   * {@code __set_bit} / {@code __folio_set_locked}: a non-atomic read-modify-write of the whole
   * word. This step loads the word; this CPU's next step stores it back with the bit set, so an
   * atomic update by another CPU in between is lost.
   */
  public void nonAtomicSetBit(Flags f, int b) {
    nonAtomic(f, b, true, "__set_bit");
  }

  /** {@code __clear_bit}: like {@link #nonAtomicSetBit} but clears the bit. */
  public void nonAtomicClearBit(Flags f, int b) {
    nonAtomic(f, b, false, "__clear_bit");
  }

  private void nonAtomic(Flags f, int b, boolean set, String what) {
    long mask = bit(b);
    action(f, Machine.READ, -1L);
    long old = f.value;
    log(f, Machine.READ, old, null);
    traced(what + " (load)", f, old, null);
    long v = set ? old | mask : old & ~mask;
    if (set) {
      f.holder[b] = id + 1;
    }
    queueStore(new CellStore(f, v, null, what + " (store)", m.currentLabel));
  }

  void queueStore(Publication p) {
    stores.addLast(p);
    pending = P_STORE;
  }

  // ---------------------------------------------------------------------------------------------
  // Locks.

  /** {@code spin_lock(l)} / {@code mutex_lock(l)}: must be the first action of its step. */
  public void lock(Lock l) {
    drain();
    blockUnless(l.value == 0, G_LOCK, l, -1L);
    action(l, Machine.RMW | Machine.ACQUIRE | Machine.BLOCKING, -1L);
    m.store(this, l, id + 1, null, false);
    log(l, Machine.RMW, 0, null);
    traced("lock", l, 0, null);
  }

  /** {@code spin_trylock(l)}: takes the lock if free; returns whether it did. */
  public boolean trylock(Lock l) {
    drain();
    action(l, Machine.RMW | Machine.ACQUIRE, -1L);
    long old = l.value;
    if (old == 0) {
      m.store(this, l, id + 1, null, false);
    }
    log(l, Machine.RMW, old, null);
    traced("trylock", l, old, null);
    return old == 0;
  }

  /** {@code spin_unlock(l)} / {@code mutex_unlock(l)}: this CPU must hold it. */
  public void unlock(Lock l) {
    if (l.value != id + 1) {
      throw new IllegalStateException("CPU " + id + " unlocks " + l.name + " but "
          + l.show() + " (at " + m.currentLabel + ")");
    }
    drain();
    action(l, Machine.WRITE | Machine.RELEASE | Machine.UNLOCK, -1L);
    m.store(this, l, 0, null, true);
    log(l, Machine.WRITE, 0, null);
    traced("unlock", l, id + 1, null);
  }

  /** {@code down_read(s)}: must be the first action of its step. */
  public void downRead(RwSem s) {
    drain();
    blockUnless(s.value >= 0, G_READ, s, -1L);
    action(s, Machine.RMW | Machine.ACQUIRE | Machine.BLOCKING | Machine.SHARED, -1L);
    long old = s.value;
    m.store(this, s, old + 1, null, false);
    log(s, Machine.RMW, old, null);
    traced("down_read", s, old, null);
  }

  /** {@code up_read(s)}. */
  public void upRead(RwSem s) {
    if (s.value <= 0) {
      throw new IllegalStateException("up_read of " + s.name + " which is " + s.show());
    }
    drain();
    action(s, Machine.RMW | Machine.RELEASE | Machine.UNLOCK | Machine.SHARED, -1L);
    long old = s.value;
    m.store(this, s, old - 1, null, true);
    log(s, Machine.RMW, old, null);
    traced("up_read", s, old, null);
  }

  /** {@code down_write(s)}: must be the first action of its step. */
  public void downWrite(RwSem s) {
    drain();
    blockUnless(s.value == 0, G_WRITE, s, -1L);
    action(s, Machine.RMW | Machine.ACQUIRE | Machine.BLOCKING, -1L);
    m.store(this, s, -1, null, false);
    s.writer = id;
    log(s, Machine.RMW, 0, null);
    traced("down_write", s, 0, null);
  }

  /** {@code up_write(s)}: this CPU must hold it for writing. */
  public void upWrite(RwSem s) {
    if (s.value != -1 || s.writer != id) {
      throw new IllegalStateException("CPU " + id + " up_write of " + s.name + " which is "
          + s.show());
    }
    drain();
    action(s, Machine.WRITE | Machine.RELEASE | Machine.UNLOCK, -1L);
    s.writer = -1;
    m.store(this, s, 0, null, true);
    log(s, Machine.WRITE, 0, null);
    traced("up_write", s, -1, null);
  }

  // ---------------------------------------------------------------------------------------------
  // RCU (include/linux/rcupdate.h). The per-CPU cell holds (quiescent count << 16) | nesting.

  /** {@code rcu_read_lock()}. */
  public void rcuReadLock() {
    Cell c = rcuCell;
    action(c, Machine.RMW, -1L);
    long old = c.value;
    m.store(this, c, old + 1, null, false);
    log(c, Machine.WRITE, old, null);
    traced("rcu_read_lock", c, old, null);
  }

  /**
   * {@code rcu_read_unlock()}. Leaving the outermost section may end a grace period: callbacks
   * queued while this CPU was inside run now, as part of this step.
   */
  public void rcuReadUnlock() {
    Cell c = rcuCell;
    long old = c.value;
    if ((old & 0xffff) == 0) {
      throw new IllegalStateException("rcu_read_unlock on CPU " + id + " outside a read-side"
          + " section (at " + m.currentLabel + ")");
    }
    action(c, Machine.RMW, -1L);
    long v = (old & 0xffff) == 1 ? ((old >>> 16) + 1) << 16 : old - 1;
    m.store(this, c, v, null, false);
    log(c, Machine.WRITE, old, null);
    traced("rcu_read_unlock", c, old, null);
    if ((v & 0xffff) == 0) {
      m.quiescent(this);
    }
  }

  /** Whether this CPU is inside an RCU read-side section (no access reported). */
  public boolean inRcuReadSection() {
    return (rcuCell.value & 0xffff) != 0;
  }

  /**
   * {@code call_rcu(head, cb)}: queues {@code cb} to run after a grace period: once every CPU now
   * inside a read-side section has left it (immediately, within this step, if none is). Reads
   * every CPU's RCU state.
   */
  public void callRcu(RcuCallback cb) {
    drain();
    long mask = m.readRcuStates(this, "call_rcu");
    m.queueRcu(this, cb, mask);
  }

  /**
   * {@code synchronize_rcu()}: this step reads every CPU's RCU state; the CPU then waits (a
   * separate step) until each CPU that was inside a read-side section has left it.
   */
  public void synchronizeRcu() {
    drain();
    long mask = m.readRcuStates(this, "synchronize_rcu");
    mask &= ~(1L << id);
    if (mask != 0) {
      if (gpSnapshot == null || gpSnapshot.length < m.cpus()) {
        gpSnapshot = new long[Math.max(64, m.cpus())];
      }
      for (int i = 0; i < m.cpus(); i++) {
        gpSnapshot[i] = m.cpu(i).rcuCell.value >>> 16;
      }
      gpMask = mask;
      pending = P_GP;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // XArray words (see XaBinding).

  /** A load of an XArray word by a reader step, reported by the XArray's observer. */
  /**
   * Another location of a load this step already performed as its action (a multi-bit word,
   * see {@link XaBinding}): recorded as an access of the same action.
   */
  void xaLoadMore(Cell c, Object value) {
    m.recordAccess(c.loc, Machine.READ, -1L);
    log(c, Machine.READ, 0, value);
    if (m.tracing) {
      m.trace(id, "load", c, c.show(0, value), c.show(0, value));
    }
  }

  void xaLoad(Cell c, Object value) {
    action(c, Machine.READ, -1L);
    log(c, Machine.READ, 0, value);
    if (m.tracing) {
      m.trace(id, "load", c, c.show(0, value), c.show(0, value));
    }
  }

  /**
   * Runs a write-side XArray operation ({@code xas_store}, {@code xas_split}, {@code __xa_store},
   * ...) as this step's one action. The caller must hold the lock that models {@code xa_lock}.
   * The operation runs at once against the true state, its stores are recorded and rolled back,
   * and this CPU's next steps publish them one store per step, in program order, so that RCU
   * readers can see every intermediate state; the CPU's program continues after the last one.
   *
   * @throws IllegalStateException if no XArray is attached to the machine ({@link XaBinding})
   */
  public void xaWrite(Runnable operation) {
    XaBinding b = m.xa;
    if (b == null) {
      throw new IllegalStateException("no XArray attached to the machine (XaBinding.attach)");
    }
    drain();
    first(true);
    if (probing) {
      status = ENABLED;
      throw Signal.PROBED;
    }
    if (acted) {
      throw new IllegalStateException("step " + m.currentLabel + " on CPU " + id
          + " runs an XArray write after a shared action; one action per step");
    }
    acted = true;
    boolean was = internal;
    internal = true;
    try {
      b.write(this, operation);
    } finally {
      internal = was;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Choices and failures.

  /**
   * A choice point: returns 0 (ordinary) or 1 (the memory-pressure event), as the explorer
   * decides. This is the step's one action; it accesses no location.
   */
  public int choose(ChoicePoint point) {
    first(true);
    if (probing) {
      status = ENABLED;
      throw Signal.PROBED;
    }
    if (acted) {
      throw new IllegalStateException("step " + m.currentLabel + " on CPU " + id
          + " makes a choice after a shared action; a choice is a step of its own");
    }
    acted = true;
    int c = m.oracle.choose(id, point);
    checkArgument(c >= 0 && c < point.arity(), "oracle chose %s at %s; allowed [0, %s)", c,
        point.name(), point.arity());
    choice = c;
    if (m.tracing) {
      m.trace(id, "choose " + point.name(), null, "", c == 0 ? "ordinary" : "pressure");
    }
    return c;
  }

  /** {@code BUG()} / {@code VM_BUG_ON_*}: ends the execution with outcome BUG. */
  public void bug(String message, Object subject) {
    fail(Outcome.BUG, message, subject);
  }

  /** {@code BUG_ON(condition)}: {@link #bug} if {@code condition} holds. */
  public void bugOn(boolean condition, String message, Object subject) {
    if (condition) {
      bug(message, subject);
    }
  }

  /** A modeled bad dereference: ends the execution with outcome OOPS. */
  public void oops(String message, Object subject) {
    fail(Outcome.OOPS, message, subject);
  }

  /** A failed consistency check in a step program: ends the execution with CORRUPTION. */
  public void corruption(String message, Object subject) {
    fail(Outcome.CORRUPTION, message, subject);
  }

  private void fail(Outcome kind, String message, Object subject) {
    first(true);
    if (probing) {
      status = ENABLED;
      throw Signal.PROBED;
    }
    acted = true;
    throw new Failure(kind, message, Subject.of(subject));
  }

  @Override
  public String toString() {
    return "CPU" + id + (depth == 0 ? " (finished)" : " at " + stack[depth - 1].label());
  }

  /** A pending store of a value to one of the machine's own cells. */
  static final class CellStore implements Publication {
    final Cell cell;
    final long value;
    final Object ref;
    final String what;
    final String label;

    CellStore(Cell cell, long value, Object ref, String what, String label) {
      this.cell = cell;
      this.value = value;
      this.ref = ref;
      this.what = what;
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
      cell.value = value;
      cell.ref = ref;
    }

    @Override
    public String shown() {
      return cell.show(value, ref);
    }

    @Override
    public String toString() {
      return what;
    }
  }
}
