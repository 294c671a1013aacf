package io.foliolab.sim;

/**
 * One frame of a step program: a kernel function modeled as a resumable routine with an explicit
 * program counter {@link #pc} (a constant of the enum {@code P}, named after the kernel's goto
 * label or the action it performs) and its local variables as fields.
 *
 * <p>{@link #step} executes the step at {@code pc}: at most one shared-memory action through the
 * {@link Cpu} (load, store, atomic, lock, RCU, choice), plus any local computation, and sets the
 * next {@code pc}. A step with no shared action is local: the CPU runs on into the next step
 * without giving other CPUs a turn. See the package documentation for the conventions and an
 * example.
 *
 * @param <P> the enum of program counters; its first constant is the entry point
 */
public abstract class Routine<P extends Enum<P>> {
  private final StepNames<P> names;
  /** The step to execute next. */
  protected P pc;
  /** Position in the CPU's observation log where the current retry iteration began. */
  int iterationStart;

  protected Routine(StepNames<P> names) {
    this.names = names;
    this.pc = names.entry();
  }

  /**
   * Executes the step at {@link #pc} on {@code cpu}: at most one shared action, which (for a step
   * that may block: a lock or a sleep) must be the first thing the step does.
   */
  protected abstract void step(Cpu cpu);

  /** {@code "function:pc"} of the current step. */
  public final String label() {
    return names.label(pc);
  }

  /** The modeled kernel function's name. */
  public final String function() {
    return names.function();
  }

  /** Called by {@link Cpu#call} to start this routine again at its entry point. */
  final void enter(int logPosition) {
    pc = names.entry();
    iterationStart = logPosition;
  }

  /**
   * {@code goto label} where {@code label} starts a retry loop: the CPU goes back to {@code label}
   * and, if nothing it read since the loop's last iteration has changed, waits until another CPU
   * changes one of those locations (a second iteration would repeat the first exactly). Counts one
   * retry. The step must return after this call.
   */
  protected final void retry(Cpu cpu, P label) {
    pc = label;
    cpu.retry(this);
  }

  /**
   * {@link #retry(Cpu, Enum)} that also says what this iteration observed (for a shmem swap-in:
   * the entry it read, the folio the swap cache gave it, the check that failed). If the loop turns
   * out to be a persistent livelock ({@link Outcome#HANG}), the execution's failure subject is
   * {@code observed.snapshot()} and the first line of its dump is added to the message, so that a
   * reader sees why no further iteration can succeed. Take the snapshot lazily: it is only built
   * for a HANG.
   */
  protected final void retry(Cpu cpu, P label, Subject.Source observed) {
    pc = label;
    cpu.retry(this);
    cpu.retryObserved = observed;
  }

  /**
   * Calls {@code callee} (which starts at its entry point) and continues at {@code then} once it
   * returns. A call is local: the callee's first step runs when this CPU is next scheduled (or at
   * once, if this step performed no shared action). The step must return after this call.
   */
  protected final void call(Cpu cpu, Routine<?> callee, P then) {
    pc = then;
    cpu.call(callee);
  }

  @Override
  public String toString() {
    return label();
  }
}
