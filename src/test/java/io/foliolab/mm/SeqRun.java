package io.foliolab.mm;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs step programs one after another on CPU 0 of a fresh machine (no interference, strict probe
 * mode), with a given oracle for choice points, and keeps each one's return value and how the run
 * ended.
 */
final class SeqRun {
  private SeqRun() {}

  /** Calls each routine in turn and records its return value. */
  static final class Sequence extends Routine<Sequence.Pc> {
    enum Pc { next, returned }

    static final StepNames<Pc> NAMES = StepNames.of("test_sequence", Pc.class);
    private final List<Routine<?>> callees;
    final List<Object> results = new ArrayList<>();
    private int k;

    Sequence(List<Routine<?>> callees) {
      super(NAMES);
      this.callees = callees;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case next:
          if (k == callees.size()) {
            cpu.ret();
            return;
          }
          call(cpu, callees.get(k++), Pc.returned);
          return;
        case returned:
          results.add(cpu.retval());
          pc = Pc.next;
          return;
      }
    }
  }

  /** How a sequential run ended. */
  record Result(Outcome outcome, String message, String label, List<Object> results) {
    Object result(int i) {
      return results.get(i);
    }

    /** Throws unless the run ended OK. */
    Result ok() {
      if (outcome != Outcome.OK) {
        throw new AssertionError(outcome + " at " + label + ": " + message);
      }
      return this;
    }
  }

  /** Every choice point takes its memory-pressure alternative. */
  static final ChoiceOracle PRESSURE = (cpu, point) -> 1;

  /** Runs the routines made by {@code make} (given the machine, during set-up) in order. */
  static Result run(ChoiceOracle oracle, Function<Machine, List<Routine<?>>> make) {
    Machine m = new Machine();
    m.setStrictProbes(true);  // every step program keeps the "action first" rule
    m.setOracle(oracle);
    Sequence[] s = new Sequence[1];
    m.start(mach -> {
      s[0] = new Sequence(make.apply(mach));
      mach.addCpu(s[0]);
    });
    while (!m.over()) {
      m.step(0);
    }
    return new Result(m.outcome(), m.failureMessage(), m.failingLabel(),
        List.copyOf(s[0].results.stream().map(o -> o == null ? (Object) "null" : o).toList()));
  }

  /** {@link #run} with the ordinary oracle (nothing fails, no agent runs). */
  static Result run(Function<Machine, List<Routine<?>>> make) {
    return run(ChoiceOracle.ORDINARY, make);
  }
}
