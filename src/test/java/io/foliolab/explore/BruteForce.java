package io.foliolab.explore;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Test oracle: enumerates every interleaving of a model (every enabled CPU at every state, both
 * alternatives at every choice point) and counts Mazurkiewicz traces by a canonical form of the
 * dependency order: the lexicographically least linearization (by CPU number) of the events'
 * partial order, where events are ordered if they are of the same CPU or access a common location
 * with overlapping masks and at least one writes ({@link Machine#conflict}). A step that fails
 * halts the machine, so it is ordered after every earlier step.
 */
final class BruteForce {
  final Set<String> traces = new HashSet<>();
  long interleavings;
  final List<String> failures = new ArrayList<>();
  /** Every distinct (outcome, message, failing label) reached by some interleaving. */
  final Set<String> results = new HashSet<>();

  private final Model model;
  private final Machine m = new Machine();
  private final int[] forced = new int[512];
  private int choiceStep;

  BruteForce(Model model) {
    this.model = model;
    m.setOracle((cpu, point) -> forced[choiceStep]);
  }

  static BruteForce enumerate(Model model) {
    BruteForce b = new BruteForce(model);
    b.dfs(new int[512], new int[512], 0);
    return b;
  }

  /** Replays the prefix and explores below; returns whether step n-1 was a choice. */
  private boolean dfs(int[] cpus, int[] choices, int n) {
    m.setOracle(ChoiceOracle.ORDINARY);
    m.start(model);
    for (int i = 0; i < n; i++) {
      final int c = choices[i];
      m.setOracle((cpu, point) -> c);
      if (!m.step(cpus[i])) {
        throw new AssertionError("replay diverged at " + i);
      }
    }
    boolean lastWasChoice = n > 0 && m.eventChoice(n - 1) >= 0;
    if (m.over()) {
      interleavings++;
      String canon = canonical(m);
      traces.add(canon);
      results.add(m.outcome() + "|" + m.failureMessage() + "|" + m.failingLabel());
      if (m.outcome() != Outcome.OK) {
        failures.add(m.outcome() + ":" + canon);
      }
      return lastWasChoice;
    }
    long en = 0;
    for (int c = 0; c < m.cpus(); c++) {
      if (m.enabled(c)) {
        en |= 1L << c;
      }
    }
    for (int c = 0; c < 64; c++) {
      if ((en & (1L << c)) == 0) {
        continue;
      }
      cpus[n] = c;
      choices[n] = 0;
      if (dfs(cpus, choices, n + 1)) {
        choices[n] = 1;
        dfs(cpus, choices, n + 1);
      }
    }
    return lastWasChoice;
  }

  /** Whether the execution on {@code m} failed at its last step (rather than by being stuck). */
  static boolean failedAtStep(Machine m) {
    Outcome o = m.outcome();
    return (o == Outcome.BUG || o == Outcome.OOPS || o == Outcome.CORRUPTION)
        && m.failingCpu() >= 0 && m.events() > 0 && m.eventCpu(m.events() - 1) == m.failingCpu()
        && !m.failingLabel().equals("(exit)");
  }

  static boolean dependent(Machine m, int i, int j) {
    if (m.eventCpu(i) == m.eventCpu(j) || m.eventHalts(i) || m.eventHalts(j)) {
      return true;
    }
    for (int a = m.accessStart(i); a < m.accessStart(i + 1); a++) {
      for (int b = m.accessStart(j); b < m.accessStart(j + 1); b++) {
        if (m.accessLocation(a) == m.accessLocation(b) && Machine.conflict(m.accessKind(a),
            m.accessMask(a), m.accessKind(b), m.accessMask(b))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The canonical form of the machine's (finished) execution. */
  static String canonical(Machine m) {
    int n = m.events();
    boolean[] keep = new boolean[n];
    java.util.Arrays.fill(keep, true);
    // Predecessor counts within the kept set.
    int[] preds = new int[n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < j; i++) {
        if (keep[i] && keep[j] && dependent(m, i, j)) {
          preds[j]++;
        }
      }
    }
    boolean[] placed = new boolean[n];
    StringBuilder sb = new StringBuilder(m.outcome().name()).append(':');
    int left = 0;
    for (boolean k : keep) {
      left += k ? 1 : 0;
    }
    while (left > 0) {
      int best = -1;
      for (int j = 0; j < n; j++) {
        if (keep[j] && !placed[j] && preds[j] == 0
            && (best < 0 || m.eventCpu(j) < m.eventCpu(best))) {
          best = j;
        }
      }
      placed[best] = true;
      left--;
      sb.append(m.eventCpu(best));
      if (m.eventChoice(best) >= 0) {
        sb.append('c').append(m.eventChoice(best));
      }
      sb.append(' ');
      for (int j = best + 1; j < n; j++) {
        if (keep[j] && dependent(m, best, j)) {
          preds[j]--;
        }
      }
    }
    return sb.toString();
  }

  /** Replays {@code schedule} and returns its canonical form. */
  static String canonicalOf(Model model, String schedule) {
    Schedule s = Schedule.parse(schedule);
    Machine m = new Machine();
    int[] next = {0};
    m.setOracle((cpu, point) -> s.choice(next[0]++));
    m.start(model);
    for (int i = 0; i < s.length(); i++) {
      if (!m.step(s.cpu(i))) {
        throw new AssertionError("schedule " + schedule + " step " + i + " cannot run");
      }
    }
    if (!m.over()) {
      throw new AssertionError("schedule " + schedule + " does not end the execution");
    }
    return canonical(m);
  }
}
