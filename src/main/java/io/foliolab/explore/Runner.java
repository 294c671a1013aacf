package io.foliolab.explore;

import com.google.common.primitives.ImmutableIntArray;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;

/** One worker's machine and model, and the conversion of a finished execution to a record. */
final class Runner {
  final Machine m = new Machine();
  final Model model;
  private final MemoryModel memory;
  private int[] cpus = new int[256];
  private int[] choices = new int[16];

  Runner(Model model, Options options) {
    this.model = model;
    m.setStepBound(options.stepBound());
    m.setWeakMemory(options.memory().lanes());
    memory = options.memory();
  }

  /** The schedule of the machine's current execution. */
  String schedule() {
    int n = m.events();
    if (cpus.length < n) {
      cpus = new int[Math.max(n, cpus.length * 2)];
    }
    int k = 0;
    for (int e = 0; e < n; e++) {
      cpus[e] = m.eventCpu(e);
      int c = m.eventChoice(e);
      if (c >= 0) {
        if (k == choices.length) {
          choices = java.util.Arrays.copyOf(choices, k * 2);
        }
        choices[k++] = c;
      }
    }
    return memory.mark(Schedule.format(cpus, n, choices, k));
  }

  /** The record of the machine's execution, which must be over. */
  Execution record(long id) {
    String sched = schedule();
    String plain = MemoryModel.unmarked(sched);
    int slash = plain.indexOf('/');
    String ch = slash < 0 ? "" : plain.substring(slash + 1);
    int[] retries = new int[m.cpus()];
    for (int i = 0; i < retries.length; i++) {
      retries[i] = m.cpu(i).retries();
    }
    return new Execution(id, sched, m.events(), m.preemptions(), m.contextSwitches(),
        m.outcome(), m.failureMessage(), m.failingCpu(), m.failingLabel(), m.failureSubject(),
        ImmutableIntArray.copyOf(retries), ch);
  }
}
