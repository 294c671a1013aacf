package io.foliolab.sim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The simulated machine: shared cells, CPUs running step programs, and the record of one
 * execution. An explorer drives it: {@link #start} builds the initial state from a {@link Model};
 * {@link #enabled} says whether a CPU can take a step; {@link #step} runs one step (one shared
 * action) of a CPU; {@link #over} says whether the execution has ended, and {@link #outcome} how.
 *
 * <p>Every step is recorded as an <em>event</em>: the CPU, its label, the choice it made (if any)
 * and its accesses (location, read/write, bit mask), which the explorer uses to compute
 * dependencies. Nothing is allocated per step unless tracing is on.
 *
 * <p>Retry loops: a CPU that goes back to a retry label ({@link Routine#retry}) takes a
 * <em>retry step</em> that is enabled only once some location it read in the last iteration holds
 * a different value; until then re-running the iteration would repeat it exactly. When no CPU can
 * move and one of them waits this way, the outcome is {@link Outcome#HANG}; when all unfinished
 * CPUs wait for locks, {@link Outcome#DEADLOCK}.
 *
 * <p>A machine is reused for many executions; it is not thread-safe (use one per worker).
 */
public final class Machine {
  /** Access kinds (bit set): a read, a write, or both (read-modify-write). */
  public static final int READ = 1;
  /** See {@link #READ}. */
  public static final int WRITE = 2;
  /** See {@link #READ}. */
  public static final int RMW = READ | WRITE;
  /** Ordering annotation: acquire. */
  public static final int ACQUIRE = 4;
  /** Ordering annotation: release. */
  public static final int RELEASE = 8;
  /** A lock acquisition that waits while the lock is held ({@code spin_lock}, {@code folio_lock}). */
  public static final int BLOCKING = 16;
  /** A lock release ({@code spin_unlock}, {@code folio_unlock}, {@code up_read}). */
  public static final int UNLOCK = 32;
  /** A shared (reader) operation on an rwsem: readers commute with each other. */
  public static final int SHARED = 64;
  /** The waiting condition of a {@link #BLOCKING} access is "not empty" (store-buffer flush). */
  public static final int NONEMPTY = 128;
  /**
   * An additive atomic read-modify-write ({@code atomic_add}, {@code atomic_add_unless(a, d, 0)},
   * {@code atomic_sub_and_test}) whose caller observes at most a zero test, recorded with its
   * delta ({@link #accessDelta}) and marked so only while it commutes with the other additive
   * operations of its <em>run</em>: the additive accesses to the location since its last
   * non-additive access (read, store, cmpxchg, or an additive access that was not marked). With
   * {@code v} the value before the run, an additive access is marked iff {@code v - n >= 1}, where
   * {@code n} is the sum of the magnitudes of the negative deltas of the run's marked accesses and
   * its own: then in every order of the run no operation sees or leaves 0, so each observes the
   * same result (add-unless-zero succeeds, sub-and-test is false) and the final value is the same.
   * Whether an access is marked depends only on the execution before it. Two marked accesses
   * commute; an unmarked access conflicts as an ordinary {@link #RMW}.
   */
  public static final int ADD = 256;

  /**
   * Whether two accesses to the same location conflict (the steps do not commute): their masks
   * overlap and one writes, except (a) two reader operations on an rwsem, which commute, (b) two
   * additive atomics of one run (both marked {@link #ADD}), which commute, and (c) a waiting acquisition and a release of the same lock, which are never enabled together
   * (the release needs the lock held, the acquisition needs it free), so that the order of
   * critical sections is decided by the acquisitions alone.
   */
  public static boolean conflict(int kind1, long mask1, int kind2, long mask2) {
    if ((mask1 & mask2) == 0 || ((kind1 | kind2) & WRITE) == 0) {
      return false;
    }
    if ((kind1 & kind2 & SHARED) != 0 || (kind1 & kind2 & ADD) != 0) {
      return false;
    }
    return !((kind1 & BLOCKING) != 0 && (kind2 & UNLOCK) != 0
        || (kind2 & BLOCKING) != 0 && (kind1 & UNLOCK) != 0);
  }

  private static final int DEFAULT_STEP_BOUND = 100_000;
  private static final int LOCAL_STEP_BOUND = 100_000;

  // Cells of the current execution, indexed by location.
  private Cell[] cells = new Cell[64];
  private int nCells;

  // CPUs.
  private Cpu[] cpus = new Cpu[0];
  private int nCpus;

  // The event log.
  private int nEvents;
  private int[] evCpu = new int[256];
  private int[] evChoice = new int[256];
  private String[] evLabel = new String[256];
  private int[] evAccStart = new int[257];
  private byte[] evType = new byte[256];
  private static final byte EV_PLAIN = 0;
  private static final byte EV_RETRY = 1;
  private static final byte EV_GP = 2;
  private long[] accExpect = new long[256];
  private Object[] accExpectRef = new Object[256];
  private int nAcc;
  private int[] accLoc = new int[256];
  private int[] accKind = new int[256];
  private long[] accMask = new long[256];
  private long[] accDelta = new long[256];

  // Per location: the run of additive accesses since its last non-additive access (see ADD).
  private boolean[] runOpen = new boolean[64];
  private long[] runBase = new long[64];
  private long[] runNeg = new long[64];

  // Outcome.
  private Outcome outcome;
  private int failCpu = -1;
  private String failLabel = "";
  private String failMessage = "";
  private Subject failSubject;
  private int haltEvent = -1;

  // Scheduling statistics.
  private int lastCpu = -1;
  private int preemptions;
  private int contextSwitches;

  ChoiceOracle oracle = ChoiceOracle.ORDINARY;
  /** False while a model builds the initial state; true once CPUs may run. */
  boolean running;
  /** The CPU whose step is being run (or probed). */
  Cpu current;
  /** The XArrays attached to this execution, if any. */
  XaBinding xa;
  boolean tracing;
  private final List<TraceStep> trace = new ArrayList<>();
  String currentLabel = "";
  private int stepBound = DEFAULT_STEP_BOUND;
  /** Weak memory: store-buffer lanes per CPU, 0 for sequential consistency. */
  int weakLanes;

  private final List<Invariant> invariants = new ArrayList<>();
  private final List<Invariant> publicationChecks = new ArrayList<>();
  private final List<Invariant> exitChecks = new ArrayList<>();
  private final List<Subject.Source> exitSubjects = new ArrayList<>();

  // State fingerprints (see fingerprint()).
  private boolean fingerprinting;
  /** The CPU whose step is running, for peeks; null between steps and during checks. */
  private Cpu observer;
  private long memHash;
  private long[] contrib = new long[64];
  private boolean[] dirty = new boolean[64];
  private int[] dirtyList = new int[64];
  private int nDirty;
  private final Map<Long, Integer> keyLoc = new HashMap<>();
  private final StateHash.Canon canon = new StateHash.Canon();
  private final List<LongSupplier> stateParts = new ArrayList<>();

  // Strict probe mode (see setStrictProbes).
  private static final boolean STRICT_PROBES_DEFAULT = Boolean.getBoolean("foliolab.strictProbes");
  private boolean strictProbes;
  private ProbeCheck probeCheck;
  /** Calls of a cell's {@code init} while running, counted in strict probe mode only. */
  private long strictInits;

  // RCU callbacks waiting for a grace period.
  private final List<RcuCallback> rcuCallbacks = new ArrayList<>();
  private long[] rcuWaiting = new long[8];

  /**
   * A machine with no execution yet. Strict probe mode is on if the system property
   * {@code foliolab.strictProbes} is {@code true} (see {@link #setStrictProbes}).
   */
  public Machine() {
    setStrictProbes(STRICT_PROBES_DEFAULT);
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up.

  /**
   * Starts a new execution: forgets the previous one and lets {@code model} build the initial
   * state. Tracing, the oracle and the step bound are kept.
   */
  public void start(Model model) {
    for (int i = 0; i < nCells; i++) {
      cells[i] = null;
    }
    nCells = 0;
    nCpus = 0;
    nEvents = 0;
    nAcc = 0;
    evAccStart[0] = 0;
    Arrays.fill(runOpen, false);
    outcome = null;
    failCpu = -1;
    failLabel = "";
    failMessage = "";
    failSubject = null;
    haltEvent = -1;
    nHist = 0;
    lastCpu = -1;
    preemptions = 0;
    contextSwitches = 0;
    trace.clear();
    invariants.clear();
    publicationChecks.clear();
    exitChecks.clear();
    exitSubjects.clear();
    rcuCallbacks.clear();
    currentLabel = "";
    running = false;
    current = null;
    observer = null;
    xa = null;
    keyLoc.clear();
    canon.clear();
    stateParts.clear();
    nDirty = 0;
    model.setUp(this);
    if (weakLanes > 0) {
      addStoreBuffers();
    }
    running = true;
    if (fingerprinting) {
      checkState(weakLanes == 0, "state fingerprints are not supported with store buffers");
      rehash();
    }
    checkState(nCpus > 0, "model %s added no CPU", model);
  }

  /** Reserves {@code n} consecutive locations for cells placed later; returns the first. */
  int reserve(int n) {
    while (nCells + n > cells.length) {
      cells = Arrays.copyOf(cells, cells.length * 2);
    }
    int base = nCells;
    nCells += n;
    return base;
  }

  /** Puts a cell made for a reserved location in place. */
  void place(Cell c) {
    cells[c.loc] = c;
    if (fingerprinting) {
      created(c, c.loc);
    }
  }

  /** The cell at {@code loc}, or null if reserved but not made yet. */
  Cell cellAt(int loc) {
    return cells[loc];
  }

  int register(Cell c) {
    if (nCells == cells.length) {
      cells = Arrays.copyOf(cells, nCells * 2);
    }
    cells[nCells] = c;
    if (fingerprinting) {
      created(c, nCells);
    }
    return nCells++;
  }

  /**
   * Adds a CPU that runs {@code root} (from its entry point) and returns it. CPUs are numbered
   * from 0 in the order added; at most 64.
   */
  public Cpu addCpu(Routine<?> root) {
    checkArgument(nCpus < 64, "at most 64 CPUs; adding CPU %s", nCpus);
    if (nCpus == cpus.length) {
      cpus = Arrays.copyOf(cpus, nCpus + 1);
      cpus[nCpus] = new Cpu(this, nCpus);
    }
    Cpu c = cpus[nCpus++];
    c.rcuCell = new RcuState(this, "rcu_read_lock_nesting[cpu" + c.id + "]");
    c.reset(root);
    return c;
  }

  private void addStoreBuffers() {
    int n = nCpus;
    checkArgument(n * (1 + weakLanes) <= 64, "%s CPUs with %s store-buffer lanes each exceed 64"
        + " schedulable agents", n, weakLanes);
    for (int c = 0; c < n; c++) {
      cpus[c].setUpBuffer(weakLanes);
    }
    for (int c = 0; c < n; c++) {
      for (int k = 0; k < weakLanes; k++) {
        Cpu agent = addCpu(new FlushLane());
        agent.agentOf = c;
        agent.agentLane = k;
      }
    }
  }

  /** A CPU's RCU state: (number of read-side sections completed << 16) | nesting depth. */
  private static final class RcuState extends Cell {
    RcuState(Machine m, String name) {
      super(m, name, 0, null);
    }

    @Override
    String show(long v, Object r) {
      long nesting = v & 0xffff;
      return nesting == 0 ? "outside (" + (v >>> 16) + " sections done)" : "inside, depth " + nesting;
    }

    @Override
    String show() {
      return show(value, null);
    }
  }

  /** Flushes one lane of a CPU's store buffer, one store per step, forever. */
  private static final class FlushLane extends Routine<FlushLane.Pc> {
    enum Pc { flush }

    static final StepNames<Pc> NAMES = StepNames.of("store_buffer", Pc.class);

    FlushLane() {
      super(NAMES);
    }

    @Override
    protected void step(Cpu cpu) {
      cpu.flushLane();
    }
  }

  /**
   * Checking mode: {@code check} runs after every step; a failure ends the execution with
   * {@link Outcome#CORRUPTION} on the CPU and label of that step. Under {@code dpor} use it only
   * for properties of locations written in a single total order (e.g. under one lock): a check
   * over locations written concurrently may miss states that only some linearizations visit.
   */
  public void addInvariant(Invariant check) {
    invariants.add(check);
  }

  /**
   * Checking mode for write-side publications: {@code check} runs after the last store of each
   * published write-side operation has become visible (e.g. {@code XArray.validate()}).
   */
  public void addPublicationCheck(Invariant check) {
    publicationChecks.add(check);
  }

  /** {@code check} runs when every CPU has finished; a failure gives CORRUPTION on no CPU. */
  public void addExitCheck(Invariant check) {
    addExitCheck(check, null);
  }

  /**
   * {@link #addExitCheck(Invariant)} whose failure is about {@code about} (e.g. the folio whose
   * state the check found wrong): the failure subject is {@code about.snapshot()} taken then.
   */
  public void addExitCheck(Invariant check, Subject.Source about) {
    exitChecks.add(check);
    exitSubjects.add(about);
  }

  /** Decides choice points from now on; default {@link ChoiceOracle#ORDINARY}. */
  public void setOracle(ChoiceOracle oracle) {
    this.oracle = oracle == null ? ChoiceOracle.ORDINARY : oracle;
  }

  /** Records a {@link TraceStep} per access from now on (off by default: it allocates). */
  public void setTracing(boolean on) {
    tracing = on;
  }

  /**
   * Weak memory mode (off with 0): each CPU's plain stores ({@link Cpu#write}, {@code atomicSet})
   * go into a store buffer and become visible later, possibly out of program order, as steps of
   * flush agents: {@code lanes} per CPU, numbered after the model's CPUs (agent
   * {@code cpus + c * lanes + k} flushes lane k of CPU c, which holds the stores to locations
   * {@code loc % lanes == k}, in order). A CPU reads its own buffered stores, with its loads and
   * with the peeks of its steps (local computations on shared state). A release store
   * ({@code smp_store_release}, {@code rcu_assign_pointer}, {@code atomic_set_release}, unlocks)
   * and every fully ordered operation (value-returning atomics, bit operations, lock
   * acquisitions, {@code call_rcu}, {@code synchronize_rcu}, XArray write-side operations) first
   * waits until the CPU's buffer is empty, so earlier stores are visible before it. Loads are not
   * reordered. XArray publications and the store half of {@code __set_bit} are not buffered.
   */
  public void setWeakMemory(int lanes) {
    checkArgument(lanes >= 0 && lanes <= 8, "store-buffer lanes %s must be in [0, 8]", lanes);
    weakLanes = lanes;
  }

  /**
   * Strict probe mode, a checking mode for tests (off by default; also turned on for every new
   * machine by the system property {@code foliolab.strictProbes=true}). The machine runs a CPU's
   * step up to its first shared action and abandons it when it probes the CPU, when the step
   * blocks on a lock, and when a probe finds the step fails; the step later runs again from its
   * start. Step programs must therefore change nothing before their first action (sim package
   * documentation, rule 2). In strict mode the machine records, before every step, the CPU's
   * call stack (its depth and the routine in each frame), the CPU's own state a step can change
   * (return value, pending retry or store, retry count, observation log), the state parts and
   * {@code init}s of the model, and every field of every routine on the stack, recursively through
   * the step-local objects they hold (callee routines, XArray cursors, {@link StepLocal} objects,
   * collections, arrays); if the step is abandoned, any difference throws
   * {@link IllegalStateException} naming the step's label, the routine, the field and its old and
   * new value.
   *
   * <p>Local steps run by a probe (steps with no shared action, including {@code call} and
   * {@code ret}) are real steps: the probe does not undo them, and the real run continues after
   * them, so they are not compared. "Unchanged" is relative to the start of the step the probe
   * stopped in. On, it costs reflection and allocation on every step (dpor of the page-cache
   * scenarios runs up to about 35 times slower: most for shmem-swapin-hang, whose CPUs hold many
   * routines); off, one boolean test per step attempt or probe, per local step and per abandoned
   * step.
   */
  public void setStrictProbes(boolean on) {
    strictProbes = on;
    if (on && probeCheck == null) {
      probeCheck = new ProbeCheck(stateParts);
    }
  }

  /** Whether strict probe mode is on ({@link #setStrictProbes}). */
  public boolean strictProbes() {
    return strictProbes;
  }

  /** An execution taking more than {@code bound} steps ends with HANG (default 100,000). */
  public void setStepBound(int bound) {
    checkArgument(bound > 0, "step bound %s must be positive", bound);
    stepBound = bound;
  }

  // ---------------------------------------------------------------------------------------------
  // Running.

  /** Number of CPUs. */
  public int cpus() {
    return nCpus;
  }

  /** CPU {@code i}. */
  public Cpu cpu(int i) {
    checkArgument(i >= 0 && i < nCpus, "CPU %s out of range [0, %s)", i, nCpus);
    return cpus[i];
  }

  /**
   * Whether CPU {@code i} can take a step now: it has not finished and is not waiting for a lock
   * or in a retry loop with nothing changed. May run the CPU's local (access-free) steps.
   */
  public boolean enabled(int i) {
    if (outcome != null) {
      return false;
    }
    Cpu c = cpus[i];
    if (c.pending != Cpu.P_NONE) {
      return pendingEnabled(c);
    }
    switch (c.status) {
      case Cpu.ENABLED:
        return true;
      case Cpu.FINISHED:
        return false;
      case Cpu.GUARDED:
        return guardHolds(c);
      default:
        probe(c);
        if (c.pending != Cpu.P_NONE) {
          return pendingEnabled(c);
        }
        return c.status == Cpu.ENABLED || (c.status == Cpu.GUARDED && guardHolds(c));
    }
  }

  /**
   * Finds out what CPU c will do next without doing it: runs its local steps and stops at its
   * first shared action (kept small so that the JIT can turn the unwinding into a jump).
   */
  private void probe(Cpu c) {
    if (c.depth == 0) {
      c.status = Cpu.FINISHED;
      if (c.deferredAt >= 0) {
        resolveDeferred(c, false);
      }
      return;
    }
    Routine<?> r = c.stack[c.depth - 1];
    c.nextLoc = -1;
    c.probing = true;
    c.acted = false;
    c.firstCall = true;
    current = c;
    observer = c;
    evAccStart[nEvents] = nAcc;
    try {
      currentLabel = r.label();
      if (strictProbes) {
        probeCheck.before(c, currentLabel, strictInits);
      }
      r.step(c);
    } catch (Signal s) {
      c.probing = false;
      nAcc = evAccStart[nEvents];
      if (strictProbes) {
        probeCheck.after(c, ProbeCheck.PROBED, strictInits);
      }
      return;
    } catch (Failure f) {
      c.probing = false;
      c.status = Cpu.ENABLED;
      if (strictProbes) {
        probeCheck.after(c, ProbeCheck.FAILS, strictInits);
      }
      return;
    } finally {
      observer = null;
    }
    c.probing = false;
    // The first step was local: continue the slow way.
    attempt(c, true);
  }

  /**
   * Whether CPU {@code i} has nothing left to do: its program has returned and no store or wait
   * is pending. Unlike {@link #finished} this runs nothing.
   */
  public boolean done(int i) {
    Cpu c = cpus[i];
    return c.depth == 0 && c.pending == Cpu.P_NONE && c.stores.isEmpty();
  }

  /**
   * If CPU {@code i} can run and its next step is one plain access (not a lock, a wait, a
   * publication, an XArray write, an RCU action or a choice), that access's location; else -1.
   * May run the CPU's local steps, like {@link #enabled}. See {@link #nextAccessKind} and
   * {@link #nextAccessMask}.
   */
  public int nextAccess(int i) {
    if (!enabled(i)) {
      return -1;
    }
    Cpu c = cpus[i];
    return c.pending == Cpu.P_NONE && c.status == Cpu.ENABLED ? c.nextLoc : -1;
  }

  /** The kind of the access {@link #nextAccess} found. */
  public int nextAccessKind(int i) {
    return cpus[i].nextKind;
  }

  /** The bit mask of the access {@link #nextAccess} found. */
  public long nextAccessMask(int i) {
    return cpus[i].nextMask;
  }

  /** Whether CPU {@code i} has finished its program. */
  public boolean finished(int i) {
    Cpu c = cpus[i];
    if (c.status == Cpu.READY && c.pending == Cpu.P_NONE && outcome == null) {
      attempt(c, true);
    }
    return c.status == Cpu.FINISHED && c.pending == Cpu.P_NONE;
  }

  /**
   * Runs one step of CPU {@code i}: its local steps and then one shared action. Returns true if
   * an event was recorded, false if the CPU turned out to be blocked or finished (nothing
   * changed).
   */
  public boolean step(int i) {
    checkState(outcome == null, "execution is over (%s)", outcome);
    Cpu c = cpus[i];
    boolean preempting = false;
    Cpu p = null;
    if (lastCpu >= 0 && lastCpu != i) {
      p = cpus[lastCpu];
      if (p.pending == Cpu.P_NONE && p.status == Cpu.READY && p.deferredAt < 0) {
        // What the preempted CPU would do next is not known yet; decide when it is.
        p.deferredAt = nEvents;
      } else {
        preempting = enabled(lastCpu);
        p = null;
      }
    }
    int before = nEvents;
    if (c.pending != Cpu.P_NONE) {
      if (!pendingEnabled(c)) {
        return false;
      }
      runPending(c);
    } else {
      attempt(c, false);
    }
    if (nEvents == before) {
      if (p != null && p.deferredAt == before) {
        p.deferredAt = -1;
      }
      return false;
    }
    if (lastCpu != i) {
      if (lastCpu >= 0) {
        contextSwitches++;
        if (preempting) {
          preemptions++;
        }
      }
      lastCpu = i;
    }
    afterEvent(c);
    if (outcome != null) {
      haltEvent = nEvents - 1;
    }
    return true;
  }

  private void attempt(Cpu c, boolean probe) {
    if (c.depth == 0) {
      c.status = Cpu.FINISHED;
      if (c.deferredAt >= 0) {
        resolveDeferred(c, false);
      }
      return;
    }
    if (c.status == Cpu.GUARDED && !probe && !guardHolds(c)) {
      return;
    }
    c.probing = probe;
    c.nextLoc = -1;
    c.acted = false;
    c.choice = -1;
    current = c;
    observer = c;
    int local = 0;
    String label = "";
    evAccStart[nEvents] = nAcc;
    if (strictProbes) {
      probeCheck.before(c, c.stack[c.depth - 1].label(), strictInits);
    }
    try {
      for (;;) {
        Routine<?> r = c.stack[c.depth - 1];
        label = r.label();
        currentLabel = label;
        c.firstCall = true;
        r.step(c);
        if (c.acted) {
          break;
        }
        if (c.pending != Cpu.P_NONE) {
          c.probing = false;
          if (c.deferredAt >= 0) {
            resolveDeferred(c, retryEnabledAt(c, c.deferredAt));
          }
          if (!probe && pendingEnabled(c)) {
            runPending(c);
          } else {
            c.status = Cpu.READY;
          }
          return;
        }
        if (c.depth == 0) {
          c.status = Cpu.FINISHED;
          c.probing = false;
          if (c.deferredAt >= 0) {
            resolveDeferred(c, false);
          }
          return;
        }
        if (++local > LOCAL_STEP_BOUND) {
          c.probing = false;
          if (probe) {
            c.status = Cpu.ENABLED;
            return;
          }
          fail(c, label, Outcome.HANG, "CPU " + c.id + " ran " + LOCAL_STEP_BOUND
              + " steps without a shared access at " + label, null);
          endEvent(c, label);
          return;
        }
        if (strictProbes) {
          // A local step: the next step starts from here.
          probeCheck.before(c, c.stack[c.depth - 1].label(), strictInits);
        }
      }
    } catch (Signal s) {
      // Blocked (or probed): the step did nothing; drop any access it began to record.
      c.probing = false;
      nAcc = evAccStart[nEvents];
      if (strictProbes) {
        probeCheck.after(c, s == Signal.PROBED ? ProbeCheck.PROBED : ProbeCheck.BLOCKED,
            strictInits);
      }
      return;
    } catch (Failure f) {
      c.probing = false;
      if (probe) {
        // A probe finds out what the CPU would do; the failing step is taken when it runs.
        c.status = Cpu.ENABLED;
        if (strictProbes) {
          probeCheck.after(c, ProbeCheck.FAILS, strictInits);
        }
        return;
      }
      fail(c, label, f.kind, f.getMessage(), f.subject);
      if (tracing) {
        trace(c.id, f.kind.name(), null, "", f.getMessage());
      }
      endEvent(c, label);
      return;
    } finally {
      observer = null;
    }
    c.probing = false;
    c.status = c.depth == 0 ? Cpu.FINISHED : Cpu.READY;
    c.guard = Cpu.G_NONE;
    endEvent(c, label);
  }

  private boolean pendingEnabled(Cpu c) {
    switch (c.pending) {
      case Cpu.P_RETRY:
        for (int k = 0; k < c.waitSize; k++) {
          if (!cells[c.waitLoc[k]].holds(c.waitVal[k], c.waitRef[k])) {
            return true;
          }
        }
        return false;
      case Cpu.P_GP:
        for (int k = 0; k < nCpus; k++) {
          if ((c.gpMask & (1L << k)) != 0 && (cpus[k].rcuCell.value >>> 16) <= c.gpSnapshot[k]) {
            return false;
          }
        }
        return true;
      default:
        return true;
    }
  }

  private void runPending(Cpu c) {
    current = c;
    observer = c;
    try {
      runPendingStep(c);
    } finally {
      observer = null;
    }
  }

  private void runPendingStep(Cpu c) {
    evAccStart[nEvents] = nAcc;
    byte type = EV_PLAIN;
    String label = c.depth == 0 ? "(exit)" : c.stack[c.depth - 1].label();
    currentLabel = label;
    c.choice = -1;
    switch (c.pending) {
      case Cpu.P_RETRY:
        for (int k = 0; k < c.waitSize; k++) {
          recordAccess(c.waitLoc[k], READ, -1L);
          accExpect[nAcc - 1] = c.waitVal[k];
          accExpectRef[nAcc - 1] = c.waitRef[k];
        }
        type = EV_RETRY;
        label = c.retryLabel;
        c.pending = Cpu.P_NONE;
        if (tracing) {
          trace(c.id, "retry", null, "", describeWait(c));
        }
        break;
      case Cpu.P_GP:
        for (int k = 0; k < nCpus; k++) {
          if ((c.gpMask & (1L << k)) != 0) {
            recordAccess(cpus[k].rcuCell.loc, READ, -1L);
            accExpect[nAcc - 1] = c.gpSnapshot[k];
          }
        }
        type = EV_GP;
        c.pending = Cpu.P_NONE;
        if (tracing) {
          trace(c.id, "grace period ends", null, "", "");
        }
        break;
      case Cpu.P_STORE:
        Publication p = c.stores.removeFirst();
        if (p.label() != null) {
          label = p.label();
          currentLabel = label;
        }
        Cell cell = p.cell();
        String before = tracing ? cell.show() : null;
        recordAccess(cell.loc, p.kind(), -1L);
        remember(cell);
        p.apply();
        if (tracing) {
          trace(c.id, p.toString(), cell, before, p.shown());
        }
        if (c.stores.isEmpty()) {
          c.pending = Cpu.P_NONE;
        }
        if (p.lastOfOperation()) {
          boolean was = c.internal;
          c.internal = true;
          try {
            p.published(c);
          } finally {
            c.internal = was;
          }
          observer = null;
          for (Invariant check : publicationChecks) {
            String msg = check.check();
            if (msg != null) {
              fail(c, label, Outcome.CORRUPTION, msg, null);
              break;
            }
          }
        }
        break;
      default:
        throw new AssertionError(c.pending);
    }
    c.status = c.depth == 0 ? Cpu.FINISHED : Cpu.READY;
    endEvent(c, label);
    evType[nEvents - 1] = type;
  }

  void recordAccess(int loc, int kind, long mask) {
    recordAccess(loc, kind, mask, 0, 0);
  }

  /**
   * Whether an additive access to {@code loc} with delta {@code delta}, taken now with the location
   * holding {@code value}, would be marked {@link #ADD}: the value before the current run (or
   * {@code value} if no run is open) minus the negative deltas of the run and of this access is at
   * least 1. Changes nothing.
   */
  boolean additiveCommutes(int loc, long value, long delta) {
    boolean open = loc < runOpen.length && runOpen[loc];
    long base = open ? runBase[loc] : value;
    long neg = (open ? runNeg[loc] : 0) + (delta < 0 ? -delta : 0);
    return neg >= 0 && base - neg >= 1;
  }

  /**
   * For the explorer's sleep sets, right after event {@code e}: whether an additive access to
   * {@code loc} with delta {@code delta}, marked {@link #ADD} when it was recorded in an earlier
   * state, would still be marked if taken now. Only meaningful when the last event's access to
   * {@code loc} was itself marked (so the run it was recorded in is still open).
   */
  public boolean additiveStillCommutes(int loc, long delta) {
    return loc < runOpen.length && runOpen[loc]
        && additiveCommutes(loc, runBase[loc], delta);
  }

  /** Records an access; {@code value} and {@code delta} matter only for {@link #ADD} accesses. */
  void recordAccess(int loc, int kind, long mask, long value, long delta) {
    if (fingerprinting && running && current != null) {
      observe(current, loc, kind);
    }
    if (loc >= runOpen.length) {
      int n = Math.max(loc + 1, runOpen.length * 2);
      runOpen = Arrays.copyOf(runOpen, n);
      runBase = Arrays.copyOf(runBase, n);
      runNeg = Arrays.copyOf(runNeg, n);
    }
    if ((kind & ADD) != 0) {
      if (!runOpen[loc]) {
        runOpen[loc] = true;
        runBase[loc] = value;
        runNeg[loc] = 0;
      }
      runNeg[loc] += delta < 0 ? -delta : 0;
    } else {
      runOpen[loc] = false;
    }
    if (nAcc == accLoc.length) {
      int n = nAcc * 2;
      accLoc = Arrays.copyOf(accLoc, n);
      accKind = Arrays.copyOf(accKind, n);
      accMask = Arrays.copyOf(accMask, n);
      accDelta = Arrays.copyOf(accDelta, n);
      accExpect = Arrays.copyOf(accExpect, n);
      accExpectRef = Arrays.copyOf(accExpectRef, n);
    }
    accLoc[nAcc] = loc;
    accKind[nAcc] = kind;
    accMask[nAcc] = mask;
    accDelta[nAcc] = (kind & ADD) != 0 ? delta : 0;
    nAcc++;
  }

  private void endEvent(Cpu c, String label) {
    int e = nEvents;
    if (e + 1 >= evCpu.length) {
      int n = evCpu.length * 2;
      evCpu = Arrays.copyOf(evCpu, n);
      evChoice = Arrays.copyOf(evChoice, n);
      evLabel = Arrays.copyOf(evLabel, n);
      evAccStart = Arrays.copyOf(evAccStart, n + 1);
      evType = Arrays.copyOf(evType, n);
    }
    evCpu[e] = c.id;
    evChoice[e] = c.choice;
    if (fingerprinting && c.choice >= 0) {
      c.hist = StateHash.mix(c.hist ^ 0x43484f494345L, c.choice);
    }
    evType[e] = EV_PLAIN;
    evLabel[e] = label;
    nEvents = e + 1;
    evAccStart[e + 1] = nAcc;
    c.events++;
  }

  private void afterEvent(Cpu c) {
    if (outcome != null) {
      return;
    }
    for (int k = 0; k < invariants.size(); k++) {
      String msg = invariants.get(k).check();
      if (msg != null) {
        fail(c, evLabel[nEvents - 1], Outcome.CORRUPTION, msg, null);
        return;
      }
    }
    if (nEvents >= stepBound) {
      fail(c, evLabel[nEvents - 1], Outcome.HANG,
          "step bound " + stepBound + " reached (CPU " + c.id + " at " + evLabel[nEvents - 1]
              + ")", null);
    }
  }

  private void fail(Cpu c, String label, Outcome kind, String message, Subject subject) {
    outcome = kind;
    failCpu = c == null ? -1 : c.id;
    failLabel = label;
    failMessage = message;
    failSubject = subject;
  }

  private boolean guardHolds(Cpu c) {
    Cell g = c.guardCell;
    switch (c.guard) {
      case Cpu.G_LOCK:
        return g.value == 0;
      case Cpu.G_BIT:
        return (g.value & c.guardMask) == 0;
      case Cpu.G_READ:
        return g.value >= 0;
      case Cpu.G_WRITE:
        return g.value == 0;
      case Cpu.G_NONEMPTY:
        return g.value > 0;
      default:
        return true;
    }
  }

  /**
   * Whether the execution has ended: a step failed, or no CPU can move. In the latter case the
   * outcome is decided here: OK if every CPU finished (and the exit checks pass), HANG if some
   * CPU waits in a retry loop, DEADLOCK otherwise.
   */
  public boolean over() {
    if (outcome != null) {
      return true;
    }
    for (int i = 0; i < nCpus; i++) {
      if (enabled(i)) {
        return false;
      }
    }
    int spinning = -1;
    boolean allDone = true;
    for (int i = 0; i < nCpus; i++) {
      Cpu c = cpus[i];
      if (c.agentOf >= 0) {
        continue;
      }
      if (c.pending == Cpu.P_RETRY && spinning < 0) {
        spinning = i;
      }
      if (c.status != Cpu.FINISHED || c.pending != Cpu.P_NONE) {
        allDone = false;
      }
    }
    if (allDone) {
      outcome = Outcome.OK;
      for (int k = 0; k < exitChecks.size(); k++) {
        String msg = exitChecks.get(k).check();
        if (msg != null) {
          Subject.Source about = exitSubjects.get(k);
          fail(null, "(exit)", Outcome.CORRUPTION, msg, about == null ? null : about.snapshot());
          break;
        }
      }
      return true;
    }
    if (spinning >= 0) {
      Cpu c = cpus[spinning];
      Subject seen = c.retryObserved == null ? null : c.retryObserved.snapshot();
      String sees = "";
      if (seen != null) {
        int nl = seen.dump().indexOf('\n');
        sees = "; every iteration sees: " + (nl < 0 ? seen.dump() : seen.dump().substring(0, nl));
      }
      fail(c, c.retryLabel, Outcome.HANG, "CPU " + c.id + " loops at " + c.retryLabel
          + " and nothing it reads can change: " + describeWait(c) + sees
          + waitingOthers(spinning), seen);
    } else {
      int first = -1;
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < nCpus; i++) {
        Cpu c = cpus[i];
        if (c.agentOf >= 0) {
          continue;
        }
        if (c.status == Cpu.GUARDED || c.pending == Cpu.P_GP) {
          if (first < 0) {
            first = i;
          }
          if (sb.length() > 0) {
            sb.append("; ");
          }
          sb.append(describeBlocked(c));
        }
      }
      Cpu c = cpus[first];
      fail(c, c.frame() == null ? "" : c.frame().label(), Outcome.DEADLOCK, sb.toString(), null);
    }
    return true;
  }

  private String waitingOthers(int except) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nCpus; i++) {
      Cpu c = cpus[i];
      if (i == except || c.agentOf >= 0 || c.status == Cpu.FINISHED && c.pending == Cpu.P_NONE) {
        continue;
      }
      sb.append("; ").append(c.pending == Cpu.P_RETRY
          ? "CPU " + i + " loops at " + c.retryLabel : describeBlocked(c));
    }
    return sb.toString();
  }

  private String describeBlocked(Cpu c) {
    String at = c.frame() == null ? "" : " at " + c.frame().label();
    if (c.pending == Cpu.P_GP) {
      return "CPU " + c.id + " waits for a grace period" + at;
    }
    Cell g = c.guardCell;
    String what;
    switch (c.guard) {
      case Cpu.G_BIT:
        int bit = Long.numberOfTrailingZeros(c.guardMask);
        int h = ((Flags) g).holder[bit] - 1;
        what = "bit " + bit + " of " + g.name + (h >= 0 ? " (held by CPU " + h + ")" : "");
        break;
      case Cpu.G_LOCK:
        what = g.name + " (" + g.show() + ")";
        break;
      default:
        what = g.name + " (" + g.show() + ")";
    }
    return "CPU " + c.id + " waits for " + what + at;
  }

  private String describeWait(Cpu c) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < c.waitSize; k++) {
      if (k > 0) {
        sb.append(", ");
      }
      Cell cell = cells[c.waitLoc[k]];
      sb.append(cell.name).append(" = ").append(cell.show(c.waitVal[k], c.waitRef[k]));
    }
    return sb.length() == 0 ? "(it read nothing)" : sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // State fingerprints.

  /**
   * Turns state fingerprints on or off for the following executions (off by default: they cost
   * a little on every access). Not supported together with {@link #setWeakMemory}.
   */
  public void setFingerprinting(boolean on) {
    fingerprinting = on;
  }

  /**
   * Adds a part of the state that lives outside cells (an allocator's free lists, a queue of
   * RCU callbacks' work) to the fingerprint: {@code part} returns a hash of it that is the same
   * for equal states in any execution. Call during {@link Model#setUp}.
   */
  public void addStatePart(LongSupplier part) {
    checkState(!running, "add state parts while the model sets up");
    stateParts.add(Objects.requireNonNull(part, "part"));
  }

  /**
   * A 64-bit fingerprint of the current state, for stateful exploration: equal states give equal
   * fingerprints in any execution of the model (different states collide with probability about
   * 2^-64 per pair). The state is: the value of every cell (identified by name, so that location
   * numbers may differ between executions), the state parts added by the model, the RCU
   * callbacks waiting, the outcome, and, for each CPU that has not finished, a hash of everything
   * it has observed so far (the values its accesses and peeks read, its choices): a step program
   * is deterministic, so its local variables are a function of that history. A finished CPU
   * contributes a constant, which is what lets executions that differ only in what a finished
   * CPU saw meet again.
   *
   * @throws IllegalStateException unless {@link #setFingerprinting} was on when the execution
   *     started
   */
  public long fingerprint() {
    checkState(fingerprinting && running, "fingerprints are off for this execution");
    settle();
    long h = memHash;
    for (int i = 0; i < nCpus; i++) {
      h = StateHash.mix(h, done(i) ? 0x46494e4953484544L + i : StateHash.mix(cpus[i].hist, i));
    }
    for (int k = 0; k < stateParts.size(); k++) {
      h = StateHash.mix(h, stateParts.get(k).getAsLong());
    }
    h = StateHash.mix(h, rcuCallbacks.size());
    for (int k = 0; k < rcuCallbacks.size(); k++) {
      h = StateHash.mix(h, rcuWaiting[k]);
    }
    return StateHash.mix(h, outcome == null ? -1 : outcome.ordinal());
  }

  /**
   * The memory part of {@link #fingerprint} computed from scratch (for tests of the incremental
   * bookkeeping).
   */
  public long memoryHashFromScratch() {
    long h = 0;
    for (int i = 0; i < nCells; i++) {
      if (cells[i] != null) {
        h += contribution(cells[i]);
      }
    }
    return h;
  }

  /**
   * For tests of the incremental bookkeeping: the cells whose kept contribution differs from a
   * recomputation (empty if none).
   */
  public String memoryHashMismatches() {
    settle();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nCells; i++) {
      long want = cells[i] == null ? 0 : contribution(cells[i]);
      long have = i < contrib.length ? contrib[i] : 0;
      if (want != have) {
        sb.append(cells[i] == null ? "loc " + i : cells[i].name).append(' ');
      }
    }
    return sb.toString();
  }

  /** The memory part of {@link #fingerprint}, kept up to date on every store. */
  public long memoryHash() {
    checkState(fingerprinting && running, "fingerprints are off for this execution");
    settle();
    return memHash;
  }

  /** The location of the cell named with hash {@code key} in this execution, or -1. */
  public int locationOfKey(long key) {
    Integer loc = keyLoc.get(key);
    return loc == null ? -1 : loc;
  }

  /** The name hash of the cell at {@code loc} (its identity across executions). */
  public long locationKey(int loc) {
    Cell c = cells[loc];
    return c == null ? StateHash.mix(0x4c4f43L, loc) : c.key;
  }

  private long contribution(Cell c) {
    return StateHash.fmix(c.key * 0x9e3779b97f4a7c15L + valueHash(c));
  }

  private long valueHash(Cell c) {
    return StateHash.fmix(c.value ^ 0x7f4a7c159e3779b9L) + canon.of(c.currentRef());
  }

  private void rehash() {
    growHashArrays(nCells);
    Arrays.fill(dirty, false);
    long h = 0;
    for (int i = 0; i < nCells; i++) {
      dirty[i] = false;
      Cell c = cells[i];
      contrib[i] = c == null ? 0 : contribution(c);
      h += contrib[i];
    }
    nDirty = 0;
    memHash = h;
  }

  private void growHashArrays(int n) {
    if (contrib.length < n) {
      int size = Math.max(n, contrib.length * 2);
      contrib = Arrays.copyOf(contrib, size);
      dirty = Arrays.copyOf(dirty, size);
    }
  }

  /** A cell at {@code loc} was created (its {@code loc} field may not be set yet). */
  private void created(Cell c, int loc) {
    Integer old = keyLoc.put(c.key, loc);
    checkState(old == null || old == loc, "two cells named %s: states could not be told apart",
        c.name);
    if (running) {
      growHashArrays(loc + 1);
      contrib[loc] = 0;
      markDirty(loc);
    }
  }

  /** Before a store to {@code loc}: take its contribution out until the event ends. */
  private void touch(int loc) {
    growHashArrays(loc + 1);
    if (!dirty[loc]) {
      memHash -= contrib[loc];
      contrib[loc] = 0;
      markDirty(loc);
    }
  }

  private void markDirty(int loc) {
    if (!dirty[loc]) {
      dirty[loc] = true;
      if (nDirty == dirtyList.length) {
        dirtyList = Arrays.copyOf(dirtyList, nDirty * 2);
      }
      dirtyList[nDirty++] = loc;
    }
  }

  private void settle() {
    for (int k = 0; k < nDirty; k++) {
      int loc = dirtyList[k];
      dirty[loc] = false;
      Cell c = cells[loc];
      long v = c == null ? 0 : contribution(c);
      memHash += v - contrib[loc];
      contrib[loc] = v;
    }
    nDirty = 0;
  }

  /**
   * Adds an access of CPU c's current step to c's history: for a read (or read-modify-write),
   * the whole value read, since that is what the CPU's retry-loop log keeps (a retry waits for
   * any change of it); for a plain store, only that it happened.
   */
  private void observe(Cpu c, int loc, int kind) {
    Cell cell = cells[loc];
    long key = cell == null ? loc : cell.key;
    long v = cell != null && (kind & READ) != 0 ? valueHash(cell) : 0;
    c.hist = StateHash.mix(StateHash.mix(c.hist ^ kind, key), v);
  }

  /** An {@code init} of a cell (see {@link Cell#initializing}). */
  void initializing(Cell cell) {
    if (strictProbes && running) {
      strictInits++;
    }
    if (fingerprinting && running) {
      touch(cell.loc);
    }
  }

  /** A peek of the bits {@code mask} of a flag word by the running step. */
  void peekedBits(Cell cell, long mask) {
    if (fingerprinting && running && observer != null) {
      observer.hist = StateHash.mix(StateHash.mix(observer.hist ^ 0x50424954L, cell.key),
          cell.value & mask);
    }
  }

  /** A peek by the running step (see {@link Cell#peeked}). */
  /**
   * Weak memory mode: the newest store that the CPU running a step (or a probe) has buffered to
   * {@code cell}, or null (no store buffers, between steps, or nothing buffered for the cell).
   */
  Cpu.Buffered bufferedForPeek(Cell cell) {
    if (weakLanes == 0 || observer == null) {
      return null;
    }
    return observer.ownStore(cell);
  }

  void peeked(Cell cell) {
    if (fingerprinting && running && observer != null) {
      observer.hist = StateHash.mix(StateHash.mix(observer.hist ^ 0x5045454bL, cell.key),
          valueHash(cell));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Memory.

  void store(Cpu c, Cell cell, long v, Object r, boolean release) {
    remember(cell);
    cell.value = v;
    cell.ref = r;
  }

  // Store history: the value each written cell had before each write, so that a guard can be
  // evaluated as of an earlier step (for exact preemption counts without probing).
  private int nHist;
  private int[] histEvent = new int[256];
  private int[] histLoc = new int[256];
  private long[] histVal = new long[256];
  private Object[] histRef = new Object[256];

  void remember(Cell cell) {
    if (fingerprinting && running) {
      touch(cell.loc);
    }
    int h = nHist;
    if (h == histEvent.length) {
      int n = h * 2;
      histEvent = Arrays.copyOf(histEvent, n);
      histLoc = Arrays.copyOf(histLoc, n);
      histVal = Arrays.copyOf(histVal, n);
      histRef = Arrays.copyOf(histRef, n);
    }
    histEvent[h] = nEvents;
    histLoc[h] = cell.loc;
    histVal[h] = cell.value;
    histRef[h] = cell.currentRef();
    nHist = h + 1;
  }

  /** Index into the history of the first write to {@code loc} at or after event k, or -1. */
  private int firstWriteSince(int loc, int k) {
    int found = -1;
    for (int h = nHist - 1; h >= 0 && histEvent[h] >= k; h--) {
      if (histLoc[h] == loc) {
        found = h;
      }
    }
    return found;
  }

  /** Whether a blocking guard of the given kind on cell c held before event k. */
  boolean guardHeldAt(int kind, Cell c, long mask, int k) {
    int h = firstWriteSince(c.loc, k);
    long v = h < 0 ? c.value : histVal[h];
    switch (kind) {
      case Cpu.G_LOCK:
        return v == 0;
      case Cpu.G_BIT:
        return (v & mask) == 0;
      case Cpu.G_READ:
        return v >= 0;
      case Cpu.G_WRITE:
        return v == 0;
      case Cpu.G_NONEMPTY:
        return v > 0;
      default:
        return true;
    }
  }

  /** Whether CPU c's retry step would have been enabled before event k. */
  private boolean retryEnabledAt(Cpu c, int k) {
    if (c.pending != Cpu.P_RETRY) {
      return true;
    }
    for (int w = 0; w < c.waitSize; w++) {
      int loc = c.waitLoc[w];
      int h = firstWriteSince(loc, k);
      boolean same = h < 0 ? cells[loc].holds(c.waitVal[w], c.waitRef[w])
          : cells[loc].same(histVal[h], histRef[h], c.waitVal[w], c.waitRef[w]);
      if (!same) {
        return true;
      }
    }
    return false;
  }

  /** The value location {@code loc} held just before event k (from the store history). */
  private boolean heldAt(int loc, int k, long v, Object r) {
    int h = firstWriteSince(loc, k);
    return h < 0 ? cells[loc].holds(v, r) : cells[loc].same(histVal[h], histRef[h], v, r);
  }

  private long valueAt(int loc, int k) {
    int h = firstWriteSince(loc, k);
    return h < 0 ? cells[loc].value : histVal[h];
  }

  /**
   * Whether event {@code e} could already have been taken just before event {@code k <= e}, its
   * CPU being in the same state then (e is that CPU's next step at k). Non-blocking steps always
   * can; a lock acquisition needs the lock free at k; a retry step needs a changed location.
   */
  public boolean eventEnabledAt(int e, int k) {
    int s = evAccStart[e];
    int t = evAccStart[e + 1];
    switch (evType[e]) {
      case EV_RETRY:
        for (int a = s; a < t; a++) {
          if (!heldAt(accLoc[a], k, accExpect[a], accExpectRef[a])) {
            return true;
          }
        }
        return false;
      case EV_GP:
        for (int a = s; a < t; a++) {
          if ((valueAt(accLoc[a], k) >>> 16) <= accExpect[a]) {
            return false;
          }
        }
        return true;
      default:
        for (int a = s; a < t; a++) {
          if ((accKind[a] & BLOCKING) != 0
              && !guardHeldAt(guardOf(accKind[a], accMask[a]), cells[accLoc[a]], accMask[a], k)) {
            return false;
          }
        }
        return true;
    }
  }

  private static int guardOf(int kind, long mask) {
    if ((kind & NONEMPTY) != 0) {
      return Cpu.G_NONEMPTY;
    }
    if ((kind & SHARED) != 0) {
      return Cpu.G_READ;
    }
    return mask != -1L ? Cpu.G_BIT : Cpu.G_LOCK;
  }

  /**
   * Whether CPU {@code i}'s next step (which it has not taken) could have been taken just before
   * event {@code k}: for a CPU that has not run since k.
   */
  public boolean nextEnabledAt(int i, int k) {
    Cpu c = cpus[i];
    if (c.pending == Cpu.P_NONE && c.status == Cpu.READY) {
      probe(c);
    }
    switch (c.pending) {
      case Cpu.P_RETRY:
        return retryEnabledAt(c, k);
      case Cpu.P_GP:
        for (int j = 0; j < nCpus; j++) {
          if ((c.gpMask & (1L << j)) != 0
              && (valueAt(cpus[j].rcuCell.loc, k) >>> 16) <= c.gpSnapshot[j]) {
            return false;
          }
        }
        return true;
      case Cpu.P_STORE:
        return true;
      default:
        break;
    }
    switch (c.status) {
      case Cpu.FINISHED:
        return false;
      case Cpu.GUARDED:
        return guardHeldAt(c.guard, c.guardCell, c.guardMask, k);
      default:
        return true;
    }
  }

  /** Closes CPU c's open context switch: it was a preemption iff c could have run then. */
  void resolveDeferred(Cpu c, boolean couldRun) {
    if (couldRun) {
      preemptions++;
    }
    c.deferredAt = -1;
  }

  // ---------------------------------------------------------------------------------------------
  // RCU.

  long readRcuStates(Cpu c, String what) {
    c.first(true);
    if (c.probing) {
      c.status = Cpu.ENABLED;
      throw Signal.PROBED;
    }
    if (c.acted) {
      throw new IllegalStateException("step " + currentLabel + " on CPU " + c.id + " calls "
          + what + " after a shared action; one action per step");
    }
    c.acted = true;
    long mask = 0;
    for (int i = 0; i < nCpus; i++) {
      Cell rc = cpus[i].rcuCell;
      recordAccess(rc.loc, READ, -1L);
      if ((rc.value & 0xffff) != 0) {
        mask |= 1L << i;
      }
    }
    if (tracing) {
      trace(c.id, what, null, "", "readers " + Long.toBinaryString(mask));
    }
    return mask;
  }

  /** The CPUs inside an RCU read-side section, recorded as reads of their RCU state. */
  long readersNow() {
    long mask = 0;
    for (int i = 0; i < nCpus; i++) {
      Cell rc = cpus[i].rcuCell;
      recordAccess(rc.loc, READ, -1L);
      if ((rc.value & 0xffff) != 0) {
        mask |= 1L << i;
      }
    }
    return mask;
  }

  void queueRcu(Cpu c, RcuCallback cb, long waiting) {
    if (waiting == 0) {
      runCallback(c, cb);
      return;
    }
    int n = rcuCallbacks.size();
    if (n == rcuWaiting.length) {
      rcuWaiting = Arrays.copyOf(rcuWaiting, n * 2);
    }
    rcuWaiting[n] = waiting;
    rcuCallbacks.add(cb);
  }

  void quiescent(Cpu c) {
    long bit = 1L << c.id;
    int w = 0;
    int n = rcuCallbacks.size();
    List<RcuCallback> ready = null;
    for (int k = 0; k < n; k++) {
      long mask = rcuWaiting[k] & ~bit;
      RcuCallback cb = rcuCallbacks.get(k);
      if (mask == 0) {
        if (ready == null) {
          ready = new ArrayList<>();
        }
        ready.add(cb);
      } else {
        rcuWaiting[w] = mask;
        rcuCallbacks.set(w, cb);
        w++;
      }
    }
    while (rcuCallbacks.size() > w) {
      rcuCallbacks.remove(rcuCallbacks.size() - 1);
    }
    if (ready != null) {
      for (RcuCallback cb : ready) {
        runCallback(c, cb);
      }
    }
  }

  private void runCallback(Cpu c, RcuCallback cb) {
    boolean was = c.internal;
    c.internal = true;
    try {
      cb.invoke(c);
    } finally {
      c.internal = was;
    }
    if (fingerprinting) {
      // Grace-period completion zeroes freed nodes without reporting the stores.
      rehash();
    }
  }

  /** Number of RCU callbacks still waiting for a grace period. */
  public int pendingRcuCallbacks() {
    return rcuCallbacks.size();
  }

  // ---------------------------------------------------------------------------------------------
  // Tracing.

  void trace(int cpu, String action, Cell cell, String before, String after) {
    trace.add(new TraceStep(nEvents, cpu, currentLabel, action, cell == null ? "" : cell.name,
        before, after));
  }

  /** The trace of the current execution (empty unless tracing is on). */
  public List<TraceStep> trace() {
    return List.copyOf(trace);
  }

  // ---------------------------------------------------------------------------------------------
  // The record of the current execution.

  /** Number of events (steps) so far. */
  public int events() {
    return nEvents;
  }

  /** The CPU of event {@code e}. */
  public int eventCpu(int e) {
    return evCpu[e];
  }

  /** The choice made at event {@code e} (0 or 1), or -1 if it was not a choice. */
  public int eventChoice(int e) {
    return evChoice[e];
  }

  /** The label of event {@code e}. */
  public String eventLabel(int e) {
    return evLabel[e];
  }

  /** Index of event {@code e}'s first access (accesses of e are [start(e), start(e+1))). */
  public int accessStart(int e) {
    return evAccStart[e];
  }

  /** Location of access {@code a}. */
  public int accessLocation(int a) {
    return accLoc[a];
  }

  /** Kind of access {@code a}: {@link #READ}, {@link #WRITE} or {@link #RMW}, plus ordering bits. */
  public int accessKind(int a) {
    return accKind[a];
  }

  /** The delta of access {@code a} if it is marked {@link #ADD}, else 0. */
  public long accessDelta(int a) {
    return accDelta[a];
  }

  /** Bit mask of access {@code a} (-1 for the whole location). */
  public long accessMask(int a) {
    return accMask[a];
  }

  /** Number of locations (cells) in this execution. */
  public int locations() {
    return nCells;
  }

  /** The name of location {@code loc}. */
  public String locationName(int loc) {
    return cells[loc].name;
  }

  /**
   * Whether event {@code e} ended the execution with a failure (a BUG, OOPS, a failed check or the
   * step bound). Such a step stops every other CPU, so it conflicts with every step.
   */
  public boolean eventHalts(int e) {
    return e == haltEvent;
  }

  /**
   * The access that CPU {@code i} waits to perform, if it is blocked on a lock: its location,
   * else -1. See {@link #pendingKind} and {@link #pendingMask}.
   */
  public int pendingLocation(int i) {
    Cpu c = cpus[i];
    if (c.pending != Cpu.P_NONE || c.status != Cpu.GUARDED || c.guardCell == null) {
      return -1;
    }
    return c.guardCell.loc;
  }

  /** The kind of the access CPU {@code i} waits to perform (see {@link #pendingLocation}). */
  public int pendingKind(int i) {
    Cpu c = cpus[i];
    return RMW | ACQUIRE | BLOCKING | (c.guard == Cpu.G_READ ? SHARED : 0)
        | (c.guard == Cpu.G_NONEMPTY ? NONEMPTY : 0);
  }

  /** The bit mask of the access CPU {@code i} waits to perform. */
  public long pendingMask(int i) {
    return cpus[i].guardMask;
  }

  /** The outcome, or null while the execution goes on (see {@link #over}). */
  public Outcome outcome() {
    return outcome;
  }

  /** The CPU that failed, or -1. */
  public int failingCpu() {
    return failCpu;
  }

  /** The label of the failing step, or "". */
  public String failingLabel() {
    return failLabel;
  }

  /** The failure message, or "". */
  public String failureMessage() {
    return failMessage;
  }

  /** The object the failure is about, or null. */
  public Subject failureSubject() {
    return failSubject;
  }

  /** Context switches from a CPU that could still have run. */
  public int preemptions() {
    for (int i = 0; i < nCpus; i++) {
      Cpu c = cpus[i];
      if (c.deferredAt >= 0) {
        probe(c);
        if (c.deferredAt >= 0) {
          // Still open only if the CPU's next step is a retry step decided by a local step.
          resolveDeferred(c, c.pending == Cpu.P_NONE ? c.status != Cpu.FINISHED
              : retryEnabledAt(c, c.deferredAt));
        }
      }
    }
    return preemptions;
  }

  /** Changes of the running CPU. */
  public int contextSwitches() {
    return contextSwitches;
  }

  /** The CPU that took the last step, or -1. */
  public int lastCpu() {
    return lastCpu;
  }
}
