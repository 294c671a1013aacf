package io.foliolab.explore;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Machine;
import java.util.Arrays;

/**
 * Preemption-bounded exhaustive search (Musuvathi and Qadeer, "Iterative context bounding for
 * systematic testing of multithreaded programs", PLDI 2007): every execution with at most K
 * preemptions, depth first, the running CPU first. A preemption is a switch away from a CPU that
 * could still have run; switching away from a blocked or finished CPU is free. No partial-order
 * reduction: equivalent executions are all reported.
 */
final class BoundedSearch {
  private final Runner runner;
  private final Sink sink;
  private final int bound;
  private final Forced oracle = new Forced();
  private int[] cur = new int[64];
  private int[] choiceAt = new int[64];
  private boolean[] isChoice = new boolean[64];
  private long[] todo = new long[64];
  private int[] preemptionsAt = new int[64];
  /** Optional filter: stops as soon as an accepted execution satisfies it. */
  java.util.function.Predicate<Execution> stopWhen;
  Execution found;

  BoundedSearch(Runner runner, Sink sink, int bound) {
    this.runner = runner;
    this.sink = sink;
    this.bound = bound;
  }

  /** Returns whether the search finished (false if a budget stopped it). */
  boolean run() {
    Machine m = runner.m;
    m.setOracle(oracle);
    m.start(runner.model);
    int d = 0;
    for (;;) {
      // Descend from node d (fresh).
      boolean stopped = false;
      for (;;) {
        ensure(d + 1);
        if (m.over()) {
          Execution e = runner.record(0);
          if (stopWhen != null && stopWhen.test(e)) {
            found = e;
            sink.accept(e);
            return true;
          }
          stopped = !sink.accept(e);
          break;
        }
        int last = m.lastCpu();
        boolean lastEnabled = last >= 0 && m.enabled(last);
        int pre = m.preemptions();
        long options = 0;
        for (int c = 0; c < m.cpus(); c++) {
          if (m.enabled(c) && (c == last || !lastEnabled || pre < bound)) {
            options |= 1L << c;
          }
        }
        int first = lastEnabled ? last : Long.numberOfTrailingZeros(options);
        todo[d] = options & ~(1L << first);
        cur[d] = first;
        choiceAt[d] = 0;
        preemptionsAt[d] = pre;
        take(m, d);
        d++;
      }
      // Backtrack.
      int next = -1;
      for (int k = m.events() - 1; k >= 0; k--) {
        if (isChoice[k] && choiceAt[k] == 0) {
          choiceAt[k] = 1;
          next = k;
          break;
        }
        if (todo[k] != 0) {
          int q = Long.numberOfTrailingZeros(todo[k]);
          todo[k] &= ~(1L << q);
          cur[k] = q;
          choiceAt[k] = 0;
          next = k;
          break;
        }
      }
      if (next < 0) {
        return true;
      }
      if (stopped || sink.exhausted()) {
        return false;
      }
      m.start(runner.model);
      for (int j = 0; j < next; j++) {
        oracle.value = choiceAt[j];
        if (!m.step(cur[j])) {
          throw new IllegalStateException("replay diverged at step " + j
              + ": the model is not deterministic");
        }
      }
      take(m, next);
      d = next + 1;
    }
  }

  private void take(Machine m, int d) {
    oracle.value = choiceAt[d];
    if (!m.step(cur[d])) {
      throw new IllegalStateException("CPU " + cur[d] + " could not take step " + d);
    }
    isChoice[d] = m.eventChoice(d) >= 0;
  }

  private void ensure(int n) {
    if (cur.length < n) {
      int size = Math.max(n, cur.length * 2);
      cur = Arrays.copyOf(cur, size);
      choiceAt = Arrays.copyOf(choiceAt, size);
      isChoice = Arrays.copyOf(isChoice, size);
      todo = Arrays.copyOf(todo, size);
      preemptionsAt = Arrays.copyOf(preemptionsAt, size);
    }
  }

  private static final class Forced implements ChoiceOracle {
    int value;

    @Override
    public int choose(int cpu, ChoicePoint point) {
      return value;
    }
  }
}
