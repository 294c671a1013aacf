package io.foliolab.mm;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import java.util.function.Function;

/**
 * Runs one step program alone on a fresh machine (no interference, strict probe mode) and returns
 * its result.
 */
final class StepRun {
  private StepRun() {}

  /** Calls {@code callee} and keeps its return value. */
  static final class Driver extends Routine<Driver.Pc> {
    enum Pc { call, done }

    static final StepNames<Pc> NAMES = StepNames.of("test_driver", Pc.class);
    private final Routine<?> callee;
    Object result;

    Driver(Routine<?> callee) {
      super(NAMES);
      this.callee = callee;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case call:
          call(cpu, callee, Pc.done);
          return;
        case done:
          result = cpu.retval();
          cpu.ret();
          return;
      }
    }
  }

  /**
   * Runs the routine made by {@code make} (given the machine, in its set-up) on CPU 0 until it
   * finishes, and returns its result.
   */
  static Object run(Function<Machine, Routine<?>> make) {
    Machine m = new Machine();
    m.setStrictProbes(true);  // every step program keeps the "action first" rule
    Driver[] d = new Driver[1];
    m.start(mach -> {
      d[0] = new Driver(make.apply(mach));
      mach.addCpu(d[0]);
    });
    while (!m.over()) {
      m.step(0);
    }
    if (m.outcome().failed()) {
      throw new AssertionError(m.outcome() + " " + m.failureMessage());
    }
    return d[0].result;
  }
}
