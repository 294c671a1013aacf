package io.foliolab.explore;

import io.foliolab.sim.Machine;
import java.util.Arrays;

/**
 * Which accesses a stateful exploration may treat as invisible: a read of a location (bits) that
 * no CPU writes, or any access to a location only one CPU touches. Such a step commutes with every
 * step of every other CPU, so a CPU about to take one can take it at once: the states in which
 * other CPUs run before it are equivalent to states explored anyway (the "invisible transitions"
 * of partial-order reduction; Peled, CAV 1993; Godefroid, LNCS 1032).
 *
 * <p>A read of a location that other CPUs do write is still invisible once each of them has made,
 * in the current execution, as many writes to it as it ever makes in one execution, if that is at
 * most two (a new folio's fields, written once before the folio is published; a slot replaced
 * once): no write can follow.
 *
 * <p>Which locations are written, by whom and how often, is learnt: first from sample executions, then from
 * every step the exploration takes. A decision is only as good as what was known when it was
 * taken, so every location a decision relied on is marked; if a later step writes such a
 * location's bits, or a second CPU touches a location thought private, the decision may have been
 * wrong and {@link #violated} is set: the exploration must be run again with what is known now.
 * An exploration that ends without a violation relied only on facts that every explored execution
 * confirmed; since treating those steps as invisible only reorders them, an execution that
 * contradicted a fact would have an explored equivalent that contradicts it too.
 *
 * <p>Locations are identified by the hash of the cell's name ({@code Machine.locationKey}). Not
 * thread-safe.
 */
final class Quiet {
  private long[] keys = new long[256];
  private long[] writeMask = new long[256];
  private long[] cpus = new long[256];
  private boolean[] used = new boolean[256];
  /** Per location, per CPU: the bits it writes, and its most writes in one execution. */
  private long[][] cpuMask = new long[256][];
  private int[][] cpuMax = new int[256][];
  private int[] index = new int[512];
  private int size;
  /**
   * Counted writes are trusted only for locations a CPU writes at most this often in one
   * execution (a field set once before publication, a slot replaced once): higher counts vary
   * with retries and would keep overturning decisions.
   */
  private static final int MAX_COUNTED_WRITES = 2;

  /** Whether a location some decision relied on turned out to be written or shared. */
  boolean violated;
  /** Decisions taken (steps treated as invisible) in the current round. */
  long decisions;

  Quiet() {
    Arrays.fill(index, -1);
  }

  /** Forgets the decisions of the last round (keeps what was learnt). */
  void newRound() {
    Arrays.fill(used, 0, size, false);
    violated = false;
    decisions = 0;
  }

  /**
   * Learns one access by {@code cpu}, its {@code nth} write to the location in this execution if
   * it writes (0 otherwise); flags a violation if this contradicts a decision.
   */
  void observe(int cpu, long key, int kind, long mask, int nth) {
    int i = find(key, true);
    long w = (kind & Machine.WRITE) != 0 ? mask : 0;
    long bit = 1L << cpu;
    boolean news = (w & ~writeMask[i]) != 0 || (cpus[i] & bit) == 0;
    writeMask[i] |= w;
    cpus[i] |= bit;
    if (w != 0) {
      if (cpuMask[i] == null) {
        cpuMask[i] = new long[64];
        cpuMax[i] = new int[64];
      }
      news |= (w & ~cpuMask[i][cpu]) != 0 || nth > cpuMax[i][cpu];
      cpuMask[i][cpu] |= w;
      cpuMax[i][cpu] = Math.max(cpuMax[i][cpu], nth);
    }
    if (news && used[i]) {
      violated = true;
    }
  }

  /** Learns every access of the machine's current (finished) execution. */
  void learn(Machine m) {
    java.util.Map<Long, Integer> writes = new java.util.HashMap<>();
    for (int e = 0; e < m.events(); e++) {
      int cpu = m.eventCpu(e);
      for (int a = m.accessStart(e); a < m.accessStart(e + 1); a++) {
        long key = m.locationKey(m.accessLocation(a));
        int nth = 0;
        if ((m.accessKind(a) & Machine.WRITE) != 0) {
          nth = writes.merge(key * 64 + cpu, 1, Integer::sum);
        }
        observe(cpu, key, m.accessKind(a), m.accessMask(a), nth);
      }
    }
  }

  /**
   * Whether a read by {@code cpu} with {@code mask} of the location with hash {@code key} is
   * invisible given that each CPU w has written it {@code writes[w]} times so far in the current
   * execution: every other CPU that writes those bits has made its last write. If so the location
   * is marked as relied on.
   */
  boolean invisibleAfterWrites(int cpu, long key, int kind, long mask, int[] writes, int n) {
    if ((kind & (Machine.WRITE | Machine.BLOCKING | Machine.UNLOCK | Machine.ADD)) != 0) {
      return false;
    }
    int i = find(key, false);
    if (i < 0 || cpuMask[i] == null) {
      return false;
    }
    for (int w = 0; w < n; w++) {
      if (w != cpu && (cpuMask[i][w] & mask) != 0
          && (writes[w] < cpuMax[i][w] || cpuMax[i][w] > MAX_COUNTED_WRITES)) {
        return false;
      }
    }
    used[i] = true;
    decisions++;
    return true;
  }

  /**
   * Whether an access by {@code cpu} of the given kind and mask to the location with hash
   * {@code key} is invisible on what is known now; if so the location is marked as relied on.
   */
  boolean invisible(int cpu, long key, int kind, long mask) {
    if ((kind & (Machine.BLOCKING | Machine.UNLOCK | Machine.ADD)) != 0) {
      return false;
    }
    int i = find(key, false);
    if (i < 0) {
      return false;
    }
    boolean own = cpus[i] == 1L << cpu;
    boolean ok = own || (kind & Machine.WRITE) == 0 && (writeMask[i] & mask) == 0;
    if (ok) {
      used[i] = true;
      decisions++;
    }
    return ok;
  }

  private int find(long key, boolean add) {
    int m = index.length - 1;
    int h = (int) (key ^ (key >>> 31)) & m;
    for (;;) {
      int at = index[h];
      if (at < 0) {
        break;
      }
      if (keys[at] == key) {
        return at;
      }
      h = (h + 1) & m;
    }
    if (!add) {
      return -1;
    }
    if (size == keys.length) {
      int n = size * 2;
      keys = Arrays.copyOf(keys, n);
      writeMask = Arrays.copyOf(writeMask, n);
      cpus = Arrays.copyOf(cpus, n);
      used = Arrays.copyOf(used, n);
      cpuMask = Arrays.copyOf(cpuMask, n);
      cpuMax = Arrays.copyOf(cpuMax, n);
    }
    keys[size] = key;
    index[h] = size;
    int at = size++;
    if (size * 2 > index.length) {
      index = new int[index.length * 2];
      Arrays.fill(index, -1);
      int mm = index.length - 1;
      for (int j = 0; j < size; j++) {
        int hh = (int) (keys[j] ^ (keys[j] >>> 31)) & mm;
        while (index[hh] >= 0) {
          hh = (hh + 1) & mm;
        }
        index[hh] = j;
      }
    }
    return at;
  }
}
