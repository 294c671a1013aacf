package io.foliolab.explore;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Machine;
import java.util.Arrays;

/**
 * Source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas: "Optimal dynamic partial
 * order reduction", POPL 2014, Algorithm 1), stateless: every execution re-runs the model from
 * its initial state along the recorded prefix.
 *
 * <p>Two steps are dependent when they access the same location, their bit masks overlap and at
 * least one writes. After each new step {@code e2} the engine finds the steps {@code e1} it races
 * with (dependent, of another CPU, not ordered before {@code e2} through other steps), computes the
 * initials of {@code notdep(e1).e2} and, unless one of them is already in the backtrack set of the
 * state before {@code e1}, adds one. Choice points are steps without accesses whose alternatives
 * are all explored where they occur. Every complete execution is reported; an exploration that
 * finds all enabled CPUs asleep is abandoned (counted as redundant), so no two reported executions
 * are equivalent.
 *
 * <p>A CPU whose backtrack entry turns out to be disabled in that state is skipped: the reversal
 * it stood for cannot happen (its first step waits for a lock or a change that the reversal does
 * not provide).
 *
 * <p>The engine can also explore one subtree: the executions extending a given prefix, with a
 * given sleep set at its end, reporting races that reach above the prefix to a {@link RaceSink}.
 */
final class Dpor {
  /** Receives races whose backtrack point lies in the fixed prefix of a subtree exploration. */
  interface RaceSink {
    /** At prefix depth {@code depth}, one of {@code initials} (a CPU mask) must be explored. */
    void race(int depth, long initials);
  }

  private final Runner runner;
  private final Machine m;
  private final Records sink;
  private final Forced oracle = new Forced();
  private int nCpu;

  // Per node (state before event d).
  private long[] backtrack = new long[64];
  private long[] sleep = new long[64];
  private long[] enabledAt = new long[64];
  private long[] roundMask = new long[64];
  private int[] cur = new int[64];
  private int[] choiceAt = new int[64];
  private boolean[] isChoice = new boolean[64];
  private int[][] sleepRef = new int[64][];
  private Acc[][] acc = new Acc[64][];

  // Per event of the current execution.
  private int[] tidx = new int[64];
  private int[] clock = new int[64];
  private int[] lastPos = new int[64];

  // Per access, per location: chains of accesses to the same location.
  private int[] prevSame = new int[256];
  private int[] accEvent = new int[256];
  private int[] head = new int[64];

  // Scratch.
  private int[] firstInV = new int[64];
  private int[] baseOf = new int[64];
  private long[] races = new long[16];
  private int[] dep = new int[64];

  // Subtree mode.
  private int floor;
  private RaceSink raceSink;

  long executions;
  long redundant;
  boolean finished;

  // Stateful mode (null / unused when stateless).
  private final StateTable states;
  private Footprint[] feet = new Footprint[0];
  long hits;
  /** Invisible steps (stateful mode), or null. */
  private final Quiet quiet;
  /** Per node: its step was forced as an invisible step of the previous step's CPU. */
  private boolean[] cont = new boolean[64];

  Dpor(Runner runner, Records sink) {
    this(runner, sink, false);
  }

  /**
   * An engine; with {@code stateful}, it also keeps the fingerprint of every state it reaches and
   * does not explore a state again (see {@link Strategy.StatefulDpor}).
   */
  Dpor(Runner runner, Records sink, boolean stateful) {
    this(runner, sink, stateful, null);
  }

  /**
   * A stateful engine that also runs a CPU's invisible steps (see {@link Quiet}) at once: no
   * other CPU is scheduled, and no state stored, between a step and an invisible step of the
   * same CPU that follows it.
   */
  Dpor(Runner runner, Records sink, boolean stateful, Quiet quiet) {
    this.runner = runner;
    this.m = runner.m;
    this.sink = sink;
    this.states = stateful ? new StateTable() : null;
    this.quiet = quiet;
    m.setFingerprinting(stateful);
  }

  /** Whether an invisible-step decision turned out to rest on a wrong fact (see {@link Quiet}). */
  boolean violated() {
    return quiet != null && quiet.violated;
  }

  /** States stored (stateful mode). */
  long states() {
    return states == null ? 0 : states.size();
  }

  /** Explores every execution; returns whether it finished (false if a budget stopped it). */
  boolean run() {
    begin(new int[0], new int[0], 0, null, null, null);
    return resume(Long.MAX_VALUE) == DONE;
  }

  static final int DONE = 0;
  static final int PAUSED = 1;
  static final int STOPPED = 2;

  private int resumeAt;
  private boolean started;

  /**
   * Prepares to explore the executions extending {@code prefixCpus} / {@code prefixChoices}
   * (choices per step; -1 or 0 where the step is not a choice). Steps from {@code newFrom} on are
   * analyzed for races (they have not been explored before). {@code sleepers} / {@code sleepAccs}
   * are the CPUs asleep in the state before the last prefix step, with their sleeping steps; they
   * stay asleep below if independent of that step. Races whose backtrack point lies inside the
   * prefix go to {@code races} (dropped if null).
   */
  void begin(int[] prefixCpus, int[] prefixChoices, int newFrom, int[] sleepers, Acc[] sleepAccs,
      RaceSink races) {
    this.floor = prefixCpus.length;
    this.raceSink = races;
    m.setOracle(oracle);
    m.start(runner.model);
    nCpu = m.cpus();
    if (states != null && feet.length < nCpu) {
      int old = feet.length;
      feet = Arrays.copyOf(feet, nCpu);
      for (int i = old; i < nCpu; i++) {
        feet[i] = new Footprint();
      }
    }
    ensureNodes(floor + 2);
    Arrays.fill(head, -1);
    Arrays.fill(lastPos, -1);
    for (int j = 0; j < floor; j++) {
      cur[j] = prefixCpus[j];
      choiceAt[j] = Math.max(0, prefixChoices[j]);
      backtrack[j] = 1L << cur[j];
      sleep[j] = 0;
      enabledAt[j] = 1L << cur[j];
      oracle.value = choiceAt[j];
      if (!m.step(cur[j])) {
        throw new IllegalStateException("prefix step " + j + " (CPU " + cur[j] + ") cannot run");
      }
      isChoice[j] = m.eventChoice(j) >= 0;
      analyze(j, j >= newFrom);
    }
    sleep[floor] = 0;
    backtrack[floor] = 0;
    if (sleepers != null && floor > 0) {
      for (int k = 0; k < sleepers.length; k++) {
        int q = sleepers[k];
        if (sleepAccs[k].independentOf(m, floor - 1)) {
          Acc a = accAt(floor, q);
          a.copyFrom(sleepAccs[k]);
          sleep[floor] |= 1L << q;
          sleepRef[floor][q] = floor;
        }
      }
    }
    finished = false;
    started = false;
    resumeAt = floor;
  }

  /**
   * Explores until done, a budget stops it, or {@code limit} more executions have been reported
   * (then it can be resumed). Returns {@link #DONE}, {@link #STOPPED} or {@link #PAUSED}.
   */
  int resume(long limit) {
    long target = executions + limit;
    int d = resumeAt;
    for (;;) {
      boolean stopped;
      if (!started) {
        started = true;
        stopped = !descend(d);
      } else {
        stopped = false;
      }
      // Backtrack: find the deepest node with work left. Children are explored in rounds: the
      // CPUs added to a node's backtrack set while a round runs form the next round.
      int leaf = m.events();
      int next = -1;
      for (int k = leaf - 1; k >= floor; k--) {
        int p = cur[k];
        if (isChoice[k] && choiceAt[k] == 0) {
          choiceAt[k] = 1;
          next = k;
          break;
        }
        if ((sleep[k] & (1L << p)) == 0) {
          sleep[k] |= 1L << p;
          sleepRef[k][p] = k;
        }
        long round = roundMask[k] & ~sleep[k];
        if (round == 0) {
          round = backtrack[k] & ~sleep[k];
          roundMask[k] = round;
        }
        if (round != 0) {
          cur[k] = Long.numberOfTrailingZeros(round);
          choiceAt[k] = 0;
          next = k;
          break;
        }
      }
      if (next < 0) {
        finished = true;
        return DONE;
      }
      if (stopped || sink.exhausted()) {
        return STOPPED;
      }
      d = next;
      undoChains(d, leaf);
      restart(d);
      execute(d);
      started = false;
      resumeAt = d + 1;
      d = d + 1;
      if (executions >= target) {
        // Pause with node d fresh: the next resume descends from it.
        return PAUSED;
      }
    }
  }

  /** The state at the end of the prefix given to {@link #begin}, for a parallel node task. */
  static final class NodeState {
    Execution record;
    long enabled;
    long candidates;
    long sleep;
    int[] sleepCpus = new int[0];
    Acc[] sleepAccs = new Acc[0];
  }

  /**
   * After {@link #begin}: examines the state at the end of the prefix. If the execution is over,
   * reports its races and returns its record; else returns the enabled CPUs, those not asleep
   * (counting a redundant exploration if there are none), and the sleepers with their steps.
   */
  NodeState expand() {
    NodeState ns = new NodeState();
    int d = floor;
    if (m.over()) {
      pendingRaces(d);
      executions++;
      ns.record = runner.record(0);
      return ns;
    }
    long en = 0;
    for (int i = 0; i < nCpu; i++) {
      if (m.enabled(i)) {
        en |= 1L << i;
      }
    }
    ns.enabled = en;
    ns.sleep = sleep[d];
    ns.candidates = en & ~sleep[d];
    if (ns.candidates == 0) {
      redundant++;
      sink.redundant();
      return ns;
    }
    int k = Long.bitCount(sleep[d]);
    ns.sleepCpus = new int[k];
    ns.sleepAccs = new Acc[k];
    int i = 0;
    for (long s = sleep[d]; s != 0; s &= s - 1) {
      int q = Long.numberOfTrailingZeros(s);
      ns.sleepCpus[i] = q;
      ns.sleepAccs[i] = acc[sleepRef[d][q]][q].copy();
      i++;
    }
    return ns;
  }

  private void restart(int d) {
    m.start(runner.model);
    Arrays.fill(lastPos, -1);
    for (int j = 0; j < d; j++) {
      oracle.value = choiceAt[j];
      if (!m.step(cur[j])) {
        throw new IllegalStateException("replay diverged at step " + j + " (CPU " + cur[j]
            + "): the model is not deterministic");
      }
      lastPos[cur[j]] = j;
      if (quiet != null && m.outcome() == null) {
        // The exploration probed this CPU's next step here (see descend): probe it again, so
        // that its local steps run at the same point as they did then.
        m.nextAccess(cur[j]);
      }
    }
  }

  /** Explores forward from node d (fresh) to a leaf; false if the budget stopped it. */
  private boolean descend(int d) {
    for (;;) {
      ensureNodes(d + 2);
      cont[d] = false;
      if (quiet != null && d > floor && m.outcome() == null) {
        int p = cur[d - 1];
        int loc = m.nextAccess(p);
        if (loc >= 0 && invisible(p, loc, m.nextAccessKind(p), m.nextAccessMask(p))) {
          cont[d] = true;
          if (!tryExecute(d, p)) {
            throw new IllegalStateException("CPU " + p + " could not take its next step at "
                + d + " although it was enabled");
          }
          d++;
          continue;
        }
      }
      if (states != null && m.outcome() == null && visited(d)) {
        hits++;
        return !sink.exhausted();
      }
      if (m.outcome() == null) {
        // The first child: the lowest CPU that is not asleep and can take a step.
        long asleep = sleep[d];
        int p = -1;
        for (int c = 0; c < nCpu; c++) {
          if ((asleep & (1L << c)) == 0 && tryExecute(d, c)) {
            p = c;
            break;
          }
        }
        if (p >= 0) {
          d++;
          continue;
        }
        if (asleep != 0) {
          // Sleeping CPUs can still run: every way on is equivalent to one explored before.
          redundant++;
          sink.redundant();
          return true;
        }
      }
      if (!m.over()) {
        throw new IllegalStateException("no CPU could step at " + d + " but the execution goes on");
      }
      pendingRaces(d);
      executions++;
      return sink.accept(runner.record(0));
    }
  }

  /** Tries CPU p as the first child of fresh node d; false if it is blocked or finished. */
  private boolean tryExecute(int d, int p) {
    oracle.value = 0;
    if (!m.step(p)) {
      return false;
    }
    cur[d] = p;
    choiceAt[d] = 0;
    backtrack[d] = 1L << p;
    roundMask[d] = 1L << p;
    afterStep(d, p);
    return true;
  }

  /** Runs cur[d] with choiceAt[d] as event d, analyzes it, and initializes node d+1. */
  private void execute(int d) {
    int p = cur[d];
    oracle.value = choiceAt[d];
    if (!m.step(p)) {
      throw new IllegalStateException("CPU " + p + " could not take step " + d
          + " although it was enabled: the model is not deterministic");
    }
    afterStep(d, p);
  }

  private void afterStep(int d, int p) {
    if (states != null) {
      Footprint f = feet[p];
      for (int a = m.accessStart(d), end = m.accessStart(d + 1); a < end; a++) {
        f.add(m.locationKey(m.accessLocation(a)), m.accessKind(a), m.accessMask(a));
      }
      f.halts |= m.eventHalts(d);
    }
    isChoice[d] = m.eventChoice(d) >= 0;
    analyze(d, true);
    if (quiet != null) {
      learn(d, p);
    }
    accAt(d, p).copy(m, d);
    acc[d][p].all = m.eventHalts(d);
    // The child's sleep set: sleepers whose step is independent of this one.
    long s = sleep[d];
    long ns = 0;
    int[] from = sleepRef[d];
    int[] to = sleepRef[d + 1];
    while (s != 0) {
      int q = Long.numberOfTrailingZeros(s);
      s &= s - 1;
      int a = from[q];
      if (acc[a][q].independentOf(m, d)) {
        ns |= 1L << q;
        to[q] = a;
      }
    }
    sleep[d + 1] = ns;
    backtrack[d + 1] = 0;
  }

  private Acc accAt(int d, int p) {
    Acc a = acc[d][p];
    if (a == null) {
      a = new Acc();
      acc[d][p] = a;
    }
    return a;
  }

  /** Computes clock and chains of event n; with {@code races}, adds backtrack points. */
  private void analyze(int n, boolean withRaces) {
    int q = m.eventCpu(n);
    int nc = nCpu;
    int base = n * nc;
    if (clock.length < base + nc) {
      clock = Arrays.copyOf(clock, Math.max(base + nc, clock.length * 2));
    }
    if (tidx.length <= n) {
      tidx = Arrays.copyOf(tidx, Math.max(n + 1, tidx.length * 2));
    }
    int prev = lastPos[q];
    if (prev >= 0) {
      System.arraycopy(clock, prev * nc, clock, base, nc);
      tidx[n] = tidx[prev] + 1;
    } else {
      Arrays.fill(clock, base, base + nc, 0);
      tidx[n] = 0;
    }
    lastPos[q] = n;
    int start = m.accessStart(n);
    int end = m.accessStart(n + 1);
    int nRaces = 0;
    boolean halts = m.eventHalts(n);
    if (end > start || halts) {
      int nd = halts ? collectAll(n) : collectDependent(n, start, end);
      for (int k = 0; k < nd; k++) {
        int e1 = dep[k];
        if (k > 0 && dep[k - 1] == e1) {
          continue;
        }
        int p = m.eventCpu(e1);
        if (p != q && clock[base + p] <= tidx[e1]) {
          if (withRaces) {
            if (nRaces == races.length) {
              races = Arrays.copyOf(races, nRaces * 2);
            }
            races[nRaces++] = e1;
          }
        }
        int b1 = e1 * nc;
        for (int t = 0; t < nc; t++) {
          if (clock[b1 + t] > clock[base + t]) {
            clock[base + t] = clock[b1 + t];
          }
        }
      }
    }
    clock[base + q] = tidx[n] + 1;
    for (int k = 0; k < nRaces; k++) {
      race((int) races[k], n, q);
    }
    // Link this event's accesses into the chains.
    if (prevSame.length < end) {
      int size = Math.max(end, prevSame.length * 2);
      prevSame = Arrays.copyOf(prevSame, size);
      accEvent = Arrays.copyOf(accEvent, size);
    }
    for (int a = start; a < end; a++) {
      int loc = m.accessLocation(a);
      if (loc >= head.length) {
        int old = head.length;
        head = Arrays.copyOf(head, Math.max(loc + 1, old * 2));
        Arrays.fill(head, old, head.length, -1);
      }
      prevSame[a] = head[loc];
      head[loc] = a;
      accEvent[a] = n;
    }
  }

  /** A halting event depends on every earlier event: dep[] = n-1 .. 0. */
  private int collectAll(int n) {
    if (dep.length < n) {
      dep = Arrays.copyOf(dep, Math.max(n, dep.length * 2));
    }
    for (int k = 0; k < n; k++) {
      dep[k] = n - 1 - k;
    }
    return n;
  }

  /**
   * At a final state, a CPU blocked on a lock never took its acquisition; treat that pending
   * acquisition as a step at position n and look for its races, so that the lock can also be
   * taken in the other order (this is how a deadlock's way out is found).
   */
  private void pendingRaces(int n) {
    int nc = nCpu;
    if (n > 0 && m.eventHalts(n - 1)) {
      // The failing step stopped every other CPU: it races with each one's next step.
      int f = n - 1;
      // Inside a subtree's prefix the enabled set is not known here: report every other CPU;
      // the node that owns the state keeps the enabled ones.
      long all = nc == 64 ? -1L : (1L << nc) - 1;
      long others = all & ~(1L << m.eventCpu(f));
      while (others != 0) {
        int q = Long.numberOfTrailingZeros(others);
        others &= others - 1;
        if (f < floor) {
          if (raceSink != null) {
            raceSink.race(f, 1L << q);
          }
        } else {
          int g = quiet != null && cont[f] ? chainStart(f) : f;
          if ((backtrack[g] & (1L << q)) == 0 && m.eventCpu(g) != q && m.nextEnabledAt(q, g)) {
            backtrack[g] |= 1L << q;
          }
        }
      }
    }
    int base = n * nc;
    if (clock.length < base + nc) {
      clock = Arrays.copyOf(clock, Math.max(base + nc, clock.length * 2));
    }
    if (tidx.length <= n) {
      tidx = Arrays.copyOf(tidx, Math.max(n + 1, tidx.length * 2));
    }
    for (int q = 0; q < nc; q++) {
      int loc = m.pendingLocation(q);
      if (loc < 0 || loc >= head.length) {
        continue;
      }
      int kind = m.pendingKind(q);
      long mask = m.pendingMask(q);
      if (states != null) {
        feet[q].add(m.locationKey(loc), kind, mask);
      }
      int prev = lastPos[q];
      if (prev >= 0) {
        System.arraycopy(clock, prev * nc, clock, base, nc);
        tidx[n] = tidx[prev] + 1;
      } else {
        Arrays.fill(clock, base, base + nc, 0);
        tidx[n] = 0;
      }
      int nRaces = 0;
      for (int b = head[loc]; b >= 0; b = prevSame[b]) {
        int kb = m.accessKind(b);
        long mb = m.accessMask(b);
        if (!Machine.conflict(kb, mb, kind, mask)) {
          continue;
        }
        int e1 = accEvent[b];
        int p = m.eventCpu(e1);
        if (p != q && clock[base + p] <= tidx[e1]) {
          if (nRaces == races.length) {
            races = Arrays.copyOf(races, nRaces * 2);
          }
          races[nRaces++] = e1;
        }
        int b1 = e1 * nc;
        for (int t = 0; t < nc; t++) {
          if (clock[b1 + t] > clock[base + t]) {
            clock[base + t] = clock[b1 + t];
          }
        }
        if ((kb & Machine.WRITE) != 0 && (kb & (Machine.SHARED | Machine.ADD)) == 0
            && (mb & mask) == mask) {
          break;
        }
      }
      clock[base + q] = tidx[n] + 1;
      for (int k = 0; k < nRaces; k++) {
        race((int) races[k], n, q);
      }
    }
  }

  /**
   * Collects the earlier events dependent with event n into dep[], latest first (duplicates
   * adjacent). Each chain is followed back to the first write covering the access (not an
   * additive access marked {@link Machine#ADD}: those of one run are not ordered among themselves,
   * so the chain goes on to the access that opened the run).
   */
  private int collectDependent(int n, int start, int end) {
    int nd = 0;
    for (int a = start; a < end; a++) {
      int loc = m.accessLocation(a);
      if (loc >= head.length) {
        continue;
      }
      int kind = m.accessKind(a);
      long mask = m.accessMask(a);
      for (int b = head[loc]; b >= 0; b = prevSame[b]) {
        int kb = m.accessKind(b);
        long mb = m.accessMask(b);
        if (!Machine.conflict(kb, mb, kind, mask)) {
          continue;
        }
        if (nd == dep.length) {
          dep = Arrays.copyOf(dep, nd * 2);
        }
        dep[nd++] = accEvent[b];
        if ((kb & Machine.WRITE) != 0 && (kb & (Machine.SHARED | Machine.ADD)) == 0
            && (mb & mask) == mask) {
          break;
        }
      }
    }
    if (end - start > 1 && nd > 1) {
      Arrays.sort(dep, 0, nd);
      for (int i = 0, j = nd - 1; i < j; i++, j--) {
        int t = dep[i];
        dep[i] = dep[j];
        dep[j] = t;
      }
    }
    return nd;
  }

  /** Source-DPOR: race between events e1 and n; adds an initial of notdep(e1).n at node e1. */
  private void race(int e1, int n, int q) {
    if (quiet != null && cont[e1]) {
      e1 = chainStart(e1);
      if (m.eventCpu(e1) == q) {
        return;
      }
    }
    int nc = nCpu;
    int p = m.eventCpu(e1);
    int t1 = tidx[e1];
    Arrays.fill(firstInV, 0, nc, -1);
    Arrays.fill(baseOf, 0, nc, -1);
    for (int j = e1 + 1; j < n; j++) {
      int u = m.eventCpu(j);
      if (baseOf[u] < 0) {
        baseOf[u] = tidx[j];
      }
      if (clock[j * nc + p] <= t1 && firstInV[u] < 0) {
        firstInV[u] = j;
      }
    }
    long initials = 0;
    for (int t = 0; t < nc; t++) {
      int f = firstInV[t];
      if (f < 0) {
        continue;
      }
      boolean initial = true;
      for (int u = 0; u < nc && initial; u++) {
        if (u != t && baseOf[u] >= 0 && clock[f * nc + u] > baseOf[u]) {
          initial = false;
        }
      }
      if (initial) {
        initials |= 1L << t;
      }
    }
    if (firstInV[q] < 0) {
      boolean initial = true;
      for (int u = 0; u < nc && initial; u++) {
        int f = firstInV[u];
        if (f >= 0 && clock[n * nc + u] > tidx[f]) {
          initial = false;
        }
      }
      if (initial) {
        initials |= 1L << q;
      }
    }
    if (initials == 0) {
      return;
    }
    if (e1 < floor) {
      if (raceSink != null) {
        raceSink.race(e1, initials);
      }
      return;
    }
    if ((initials & backtrack[e1]) != 0) {
      return;
    }
    // Keep the initials whose step could be taken in the state before e1.
    for (long ini = initials; ini != 0; ini &= ini - 1) {
      int t = Long.numberOfTrailingZeros(ini);
      int f = firstInV[t] >= 0 ? firstInV[t] : n;
      boolean can = f < m.events() ? m.eventEnabledAt(f, e1) : m.nextEnabledAt(t, e1);
      if (can) {
        backtrack[e1] |= 1L << t;
        return;
      }
    }
  }

  /**
   * Stateful mode, at fresh node d: whether its state was explored before with a sleep set no
   * larger than the current one. If so, the races between the current prefix and what the CPUs
   * did below that state are added here (the subtree is not run again); otherwise the state is
   * recorded.
   *
   * <p>This is the stateful DPOR of Yang, Chen, Gopalakrishnan and Kirby ("Efficient stateful
   * dynamic partial order reduction", SPIN 2008), with a coarser summary of the explored subtree:
   * instead of the graph of visible operations below the state, each CPU's footprint over the
   * whole exploration so far, which contains everything the CPU did below any state explored
   * to the end. A footprint access races with every access of the prefix by another CPU that it
   * conflicts with and that does not happen before the CPU's last step; for each such race the
   * CPU is added to the backtrack set before the racing step if it could run there, otherwise
   * every CPU that could (the rule of Flanagan and Godefroid, POPL 2005).
   */

  private boolean visited(int d) {
    long fp = m.fingerprint();
    long stored = states.get(fp);
    if (stored != StateTable.ABSENT && (stored & ~sleep[d]) == 0) {
      virtualRaces(d);
      return true;
    }
    states.put(fp, stored == StateTable.ABSENT ? sleep[d] : stored & sleep[d]);
    return false;
  }

  private void virtualRaces(int n) {
    int nc = nCpu;
    for (int q = 0; q < nc; q++) {
      if (m.done(q)) {
        continue;
      }
      int qLast = lastPos[q];
      Footprint f = feet[q];
      if (f.halts) {
        for (int e1 = n - 1; e1 >= floor; e1--) {
          virtualRace(e1, q, qLast, n);
        }
      }
      for (int i = 0; i < f.size(); i++) {
        int loc = m.locationOfKey(f.key(i));
        if (loc < 0 || loc >= head.length) {
          continue;
        }
        int kind = f.kind(i);
        long mask = f.mask(i);
        for (int b = head[loc]; b >= 0; b = prevSame[b]) {
          int kb = m.accessKind(b);
          long mb = m.accessMask(b);
          if (!Machine.conflict(kb, mb, kind, mask)) {
            continue;
          }
          virtualRace(accEvent[b], q, qLast, n);
          if ((kb & Machine.WRITE) != 0 && (kb & (Machine.SHARED | Machine.ADD)) == 0
              && (mb & mask) == mask) {
            break;
          }
        }
      }
    }
  }

  /** A race between prefix event e1 and a later step of CPU q (whose last event is qLast). */
  private void virtualRace(int e1, int q, int qLast, int n) {
    if (quiet != null && cont[e1]) {
      e1 = chainStart(e1);
    }
    int p = m.eventCpu(e1);
    long bit = 1L << q;
    if (p == q || (backtrack[e1] & bit) != 0) {
      return;
    }
    if (qLast >= 0 && clock[qLast * nCpu + p] > tidx[e1]) {
      return;
    }
    if (stepEnabledAt(q, e1, n)) {
      backtrack[e1] |= bit;
      return;
    }
    for (int t = 0; t < nCpu; t++) {
      if (t == p || stepEnabledAt(t, e1, n)) {
        backtrack[e1] |= 1L << t;
      }
    }
  }

  /** Whether CPU t could take, just before event e1, the step it takes next after e1. */
  private boolean stepEnabledAt(int t, int e1, int n) {
    for (int j = e1 + 1; j < n; j++) {
      if (m.eventCpu(j) == t) {
        return m.eventEnabledAt(j, e1);
      }
    }
    return !m.done(t) && m.nextEnabledAt(t, e1);
  }

  private int[] writesSoFar = new int[64];

  /** Whether CPU p's next access (to loc) is invisible now (see {@link Quiet}). */
  private boolean invisible(int p, int loc, int kind, long mask) {
    long key = m.locationKey(loc);
    if (quiet.invisible(p, key, kind, mask)) {
      return true;
    }
    if ((kind & Machine.WRITE) != 0 || loc >= head.length) {
      return false;
    }
    countWrites(loc);
    return quiet.invisibleAfterWrites(p, key, kind, mask, writesSoFar, nCpu);
  }

  /** writesSoFar[w] = the writes CPU w has made to loc in the current execution. */
  private void countWrites(int loc) {
    Arrays.fill(writesSoFar, 0, nCpu, 0);
    if (loc >= head.length) {
      return;
    }
    for (int b = head[loc]; b >= 0; b = prevSame[b]) {
      if ((m.accessKind(b) & Machine.WRITE) != 0) {
        writesSoFar[m.eventCpu(accEvent[b])]++;
      }
    }
  }

  /** Learns event d's accesses; checks a forced invisible step was what it was taken for. */
  private void learn(int d, int p) {
    for (int a = m.accessStart(d), end = m.accessStart(d + 1); a < end; a++) {
      int loc = m.accessLocation(a);
      long key = m.locationKey(loc);
      int kind = m.accessKind(a);
      long mask = m.accessMask(a);
      if (cont[d] && !quiet.invisible(p, key, kind, mask)) {
        // Decided on the probe; the step itself must still qualify (its own read excluded).
        countWrites(loc);
        if (!quiet.invisibleAfterWrites(p, key, kind, mask, writesSoFar, nCpu)) {
          quiet.violated = true;
        }
      }
      int nth = 0;
      if ((kind & Machine.WRITE) != 0) {
        countWrites(loc);
        nth = writesSoFar[p];
      }
      quiet.observe(p, key, kind, mask, nth);
    }
  }

  /** The node where the chain of forced invisible steps containing node e began. */
  private int chainStart(int e) {
    while (e > floor && cont[e]) {
      e--;
    }
    return e;
  }

  private void undoChains(int d, int leafEvents) {
    int from = m.accessStart(d);
    int to = m.accessStart(leafEvents);
    for (int a = to - 1; a >= from; a--) {
      head[m.accessLocation(a)] = prevSame[a];
    }
  }

  private void ensureNodes(int n) {
    if (backtrack.length < n) {
      int size = Math.max(n, backtrack.length * 2);
      backtrack = Arrays.copyOf(backtrack, size);
      sleep = Arrays.copyOf(sleep, size);
      enabledAt = Arrays.copyOf(enabledAt, size);
      roundMask = Arrays.copyOf(roundMask, size);
      cur = Arrays.copyOf(cur, size);
      choiceAt = Arrays.copyOf(choiceAt, size);
      isChoice = Arrays.copyOf(isChoice, size);
      cont = Arrays.copyOf(cont, size);
      sleepRef = Arrays.copyOf(sleepRef, size);
      acc = Arrays.copyOf(acc, size);
    }
    if (n > nodesReady || nCpu > nodesWidth) {
      int from = nCpu > nodesWidth ? 0 : nodesReady;
      for (int i = from; i < n; i++) {
        if (sleepRef[i] == null || sleepRef[i].length < nCpu) {
          sleepRef[i] = new int[Math.max(nCpu, 2)];
          acc[i] = new Acc[Math.max(nCpu, 2)];
        }
      }
      nodesReady = Math.max(nodesReady, n);
      nodesWidth = Math.max(nodesWidth, nCpu);
    }
  }

  private int nodesReady;
  private int nodesWidth;

  /** The oracle: replays the alternative fixed for the step being taken. */
  private static final class Forced implements ChoiceOracle {
    int value;

    @Override
    public int choose(int cpu, ChoicePoint point) {
      return value;
    }
  }

  /** A copy of one event's accesses, kept for the sleep set. */
  static final class Acc {
    boolean all;
    int n;
    int[] loc = new int[2];
    int[] kind = new int[2];
    long[] mask = new long[2];
    long[] delta = new long[2];

    void copy(Machine m, int e) {
      int s = m.accessStart(e);
      int t = m.accessStart(e + 1);
      n = t - s;
      if (loc.length < n) {
        loc = new int[n];
        kind = new int[n];
        mask = new long[n];
        delta = new long[n];
      }
      for (int i = 0; i < n; i++) {
        loc[i] = m.accessLocation(s + i);
        kind[i] = m.accessKind(s + i);
        mask[i] = m.accessMask(s + i);
        delta[i] = m.accessDelta(s + i);
      }
    }

    void copyFrom(Acc o) {
      all = o.all;
      n = o.n;
      if (loc.length < n) {
        loc = new int[n];
        kind = new int[n];
        mask = new long[n];
        delta = new long[n];
      }
      System.arraycopy(o.loc, 0, loc, 0, n);
      System.arraycopy(o.kind, 0, kind, 0, n);
      System.arraycopy(o.mask, 0, mask, 0, n);
      System.arraycopy(o.delta, 0, delta, 0, n);
    }

    Acc copy() {
      Acc a = new Acc();
      a.copyFrom(this);
      return a;
    }

    /**
     * Whether this step is independent of event e, the last event of the machine's execution
     * (the machine is in the state right after e). This step was recorded in the state before e;
     * an additive access of it marked {@link Machine#ADD} stays independent of e's marked access
     * to the same location only if it would still be marked after e (its run has room for both),
     * so that it is the same step, with the same dependencies, in either order.
     */
    boolean independentOf(Machine m, int e) {
      if (all || m.eventHalts(e)) {
        return false;
      }
      int s = m.accessStart(e);
      int t = m.accessStart(e + 1);
      for (int i = 0; i < n; i++) {
        for (int a = s; a < t; a++) {
          if (loc[i] != m.accessLocation(a)) {
            continue;
          }
          int ka = m.accessKind(a);
          if (Machine.conflict(kind[i], mask[i], ka, m.accessMask(a))) {
            return false;
          }
          if ((kind[i] & ka & Machine.ADD) != 0 && !m.additiveStillCommutes(loc[i], delta[i])) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
