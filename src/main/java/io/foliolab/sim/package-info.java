/**
 * The simulated machine: CPUs running kernel paths as <em>step programs</em>, one shared-memory
 * action per step, over cells (words, atomics, flag words, pointers, locks) and XArrays.
 *
 * <h2>Writing a kernel path as a step program</h2>
 *
 * A kernel function becomes a {@link io.foliolab.sim.Routine}: an enum of program counters named
 * after the function's goto labels and actions, its local variables as fields, and a
 * {@code step} method with a {@code switch} on the program counter. Each case performs at most
 * one shared action through the {@link io.foliolab.sim.Cpu} and sets the next program counter.
 * Its Javadoc names the kernel file, function and version it models and its locking context.
 *
 * <pre>{@code
 * /** mm/filemap.c filemap_get_entry() (v6.18), reduced to one slot; RCU, no locks. *\/
 * final class GetEntry extends Routine<GetEntry.Pc> {
 *   enum Pc { rcu_read_lock, repeat, folio_try_get, xas_reload, folio_put, out }
 *   static final StepNames<Pc> NAMES = StepNames.of("filemap_get_entry", Pc.class);
 *
 *   private final Ref<Folio> slot;
 *   private Folio folio;
 *
 *   GetEntry(Ref<Folio> slot) { super(NAMES); this.slot = slot; }
 *
 *   protected void step(Cpu cpu) {
 *     switch (pc) {
 *       case rcu_read_lock:
 *         cpu.rcuReadLock();
 *         pc = Pc.repeat;
 *         return;
 *       case repeat:                                   // repeat: entry = xas_load(&xas)
 *         folio = cpu.read(slot);
 *         pc = folio == null ? Pc.out : Pc.folio_try_get;
 *         return;
 *       case folio_try_get:                            // if (!folio_try_get(folio)) goto repeat
 *         if (!cpu.atomicAddUnlessZero(folio.refcount, 1)) {
 *           retry(cpu, Pc.repeat);
 *           return;
 *         }
 *         pc = Pc.xas_reload;
 *         return;
 *       case xas_reload:                               // if (xas_reload(&xas) != folio)
 *         pc = cpu.read(slot) == folio ? Pc.out : Pc.folio_put;
 *         return;
 *       case folio_put:                                //   { folio_put(folio); goto repeat; }
 *         cpu.atomicAdd(folio.refcount, -1);
 *         retry(cpu, Pc.repeat);
 *         return;
 *       case out:
 *         cpu.rcuReadUnlock();
 *         cpu.ret(folio);
 *         return;
 *     }
 *   }
 * }
 * }</pre>
 *
 * Labels are {@code "function:pc"} ({@code "filemap_get_entry:repeat"}); they name the steps in
 * traces and failures. A {@link io.foliolab.sim.Model} builds the initial state (cells, folios,
 * XArrays) and adds one CPU per path with {@link io.foliolab.sim.Machine#addCpu}.
 *
 * <h2>Rules</h2>
 *
 * <ol>
 *   <li><b>One shared action per step.</b> Every {@code Cpu} operation on a cell, every XArray
 *       load, {@link io.foliolab.sim.Cpu#xaWrite}, {@link io.foliolab.sim.Cpu#choose} and the
 *       RCU operations is an action; a second action in the same step throws
 *       {@link java.lang.IllegalStateException}. A step with no action is local: the CPU runs on
 *       into its next step without giving others a turn.
 *   <li><b>The action comes first.</b> Before the action, a step may only compute (e.g. an
 *       offset); anything with a side effect ({@code next++}, a call) goes after it. The machine
 *       may run a step up to its first action to learn what the CPU will do, and then run it
 *       again for real. Blocking actions ({@link io.foliolab.sim.Cpu#lock},
 *       {@link io.foliolab.sim.Cpu#lockBit} for {@code folio_lock}, {@code downRead},
 *       {@code downWrite}) must be first: a CPU that finds the lock held is blocked and its step
 *       is retried from the start when the lock is free. Compute into Java locals and assign
 *       fields after the action. Tests check this with
 *       {@link io.foliolab.sim.Machine#setStrictProbes strict probe mode} (or
 *       {@code -Dfoliolab.strictProbes=true}), which compares every routine's fields before and
 *       after each abandoned step.
 *   <li><b>Subroutines.</b> {@code call(cpu, callee, then)} pushes a callee (which starts at its
 *       entry, the enum's first constant) and continues at {@code then} when it returns
 *       ({@link io.foliolab.sim.Cpu#ret}). A routine keeps its callees as fields and reuses them;
 *       results travel in the callee's fields or {@link io.foliolab.sim.Cpu#retval}. A call is
 *       the last thing its step does; a step that calls without having acted is local, so a
 *       probe runs it for real, pushes the callee and goes on into the callee's first step. Only
 *       the step a probe stops in is run again later: rule 2 applies to that step alone.
 *   <li><b>Retry loops.</b> {@code retry(cpu, label)} is {@code goto label} for a label that
 *       starts a retry loop. The CPU then takes a <em>retry step</em> that is enabled only when
 *       some location it read in the last iteration holds a different value: otherwise the next
 *       iteration would repeat the last one exactly (this requires that the routine's locals at
 *       the label depend only on what it read). If every unfinished CPU waits like this, the
 *       execution ends with {@link io.foliolab.sim.Outcome#HANG}, naming the CPU, the label and
 *       the values it keeps reading; a retry that later succeeds is transient and is counted.
 *   <li><b>Choices.</b> An allocation that may fail or an agent that may run is
 *       {@link io.foliolab.sim.Cpu#choose}, a step of its own; the explorer decides.
 *   <li><b>Failures.</b> {@link io.foliolab.sim.Cpu#bug} ({@code VM_BUG_ON_FOLIO} with the
 *       kernel's message and the folio), {@link io.foliolab.sim.Cpu#oops},
 *       {@link io.foliolab.sim.Cpu#corruption} end the execution at that step.
 *   <li><b>XArrays.</b> Attach them with {@link io.foliolab.sim.XaBinding} in the model. Readers
 *       walk with the XArray's load primitives, one load per step; writers take the model's
 *       {@code xa_lock} ({@link io.foliolab.sim.Lock}) and run each write-side operation with
 *       {@link io.foliolab.sim.Cpu#xaWrite}, which publishes its stores one per step.
 * </ol>
 *
 * <p>Everything a step touches is reported as an access (location, read/write, bit mask) for
 * the explorer's dependency analysis; see {@link io.foliolab.sim.Machine#conflict}.
 */
package io.foliolab.sim;
