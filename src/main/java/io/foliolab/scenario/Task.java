package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import java.util.List;
import java.util.function.Supplier;

/**
 * A CPU that runs kernel paths one after the other, each built when the previous one has
 * returned (so that it can use the previous results): e.g. a swap-in of a shmem page followed by
 * its pageout. Not a kernel function: its own steps are local; the labels of the work are the
 * callees'. A stage whose supplier returns null is skipped.
 */
final class Task extends Routine<Task.Pc> {
  enum Pc { stage, done }

  private final List<Supplier<Routine<?>>> stages;
  private int next;

  private Task(StepNames<Pc> names, List<Supplier<Routine<?>>> stages) {
    super(names);
    checkArgument(!stages.isEmpty(), "a task needs at least one stage");
    this.stages = List.copyOf(stages);
  }

  /** A task named {@code name} (the label prefix of its own steps) running {@code stages}. */
  @SafeVarargs
  static Task of(String name, Supplier<Routine<?>>... stages) {
    return new Task(StepNames.of(name, Pc.class), List.of(stages));
  }

  @Override
  protected void step(Cpu cpu) {
    switch (pc) {
      case stage:
        while (next < stages.size()) {
          Routine<?> r = stages.get(next++).get();
          if (r != null) {
            call(cpu, r, Pc.stage);
            return;
          }
        }
        pc = Pc.done;
        return;
      case done:
        cpu.ret();
        return;
    }
  }
}
