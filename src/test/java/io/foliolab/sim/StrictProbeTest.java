package io.foliolab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Strict probe mode ({@link Machine#setStrictProbes}): a step that changes anything before its
 * first shared action is caught when the machine abandons it (a probe, a blocked lock, a probed
 * failure); steps that keep the rule, and local steps a probe runs for real, pass.
 */
class StrictProbeTest {
  /** Breaks the rule: {@code count++} before the store of {@code count}. */
  static final class BumpFirst extends Routine<BumpFirst.Pc> {
    enum Pc { bump, done }

    private final Word w;
    private long count;

    BumpFirst(Word w) {
      super(StepNames.of("bump_first", Pc.class));
      this.w = w;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case bump:
          count++;
          cpu.write(w, count);
          pc = Pc.done;
          return;
        case done:
          cpu.ret();
          return;
      }
    }
  }

  /** Keeps the rule: computes into a Java local, stores, then assigns the field. */
  static final class BumpAfter extends Routine<BumpAfter.Pc> {
    enum Pc { bump, done }

    private final Word w;
    private long count;

    BumpAfter(Word w) {
      super(StepNames.of("bump_after", Pc.class));
      this.w = w;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case bump: {
          long c = count + 1;
          cpu.write(w, c);
          count = c;
          pc = Pc.done;
          return;
        }
        case done:
          cpu.ret();
          return;
      }
    }
  }

  private static Model one(java.util.function.Function<Machine, Routine<?>> root) {
    return m -> m.addCpu(root.apply(m));
  }

  /** The value BumpFirst stores, run alone, probed first or not. */
  private static long valueAfter(Machine m, boolean probe) {
    Word[] w = new Word[1];
    m.start(mach -> {
      w[0] = new Word(mach, "w", 0);
      mach.addCpu(new BumpFirst(w[0]));
    });
    if (probe) {
      m.enabled(0);
    }
    assertTrue(m.step(0));  // the store; over() would probe
    assertTrue(m.over());
    return w[0].value;
  }

  @Test
  void theBadToyDependsOnProbesWithoutStrictMode() {
    // Why the mode exists: a probe of BumpFirst leaves count one higher.
    Machine m = new Machine();
    m.setStrictProbes(false);
    assertEquals(1, valueAfter(m, false));
    assertEquals(2, valueAfter(m, true));
  }

  @Test
  void strictModeCatchesAFieldChangedBeforeTheAction() {
    Machine m = new Machine();
    m.setStrictProbes(true);
    assertTrue(m.strictProbes());
    m.start(one(mach -> new BumpFirst(new Word(mach, "w", 0))));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.enabled(0));
    String msg = e.getMessage();
    assertTrue(msg.contains("step bump_first:bump on CPU 0"), msg);
    assertTrue(msg.contains("field BumpFirst.count of routine BumpFirst"), msg);
    assertTrue(msg.contains("from 0 to 1"), msg);
    assertTrue(msg.contains("a probe stopped at its first shared action"), msg);
  }

  @Test
  void aStepThatKeepsTheRulePassesAndDoesNotDependOnProbes() {
    Machine m = new Machine();
    m.setStrictProbes(true);
    Word[] w = new Word[1];
    m.start(mach -> {
      w[0] = new Word(mach, "w", 0);
      mach.addCpu(new BumpAfter(w[0]));
    });
    assertTrue(m.enabled(0));
    while (!m.over()) {
      m.step(0);
    }
    assertEquals(1, w[0].value);
  }

  /** Counts its attempts before taking a lock: a blocked attempt leaves the count behind. */
  static final class CountThenLock extends Routine<CountThenLock.Pc> {
    enum Pc { lock, unlock }

    private final Lock l;
    private int attempts;

    CountThenLock(Lock l) {
      super(StepNames.of("count_then_lock", Pc.class));
      this.l = l;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case lock:
          attempts++;
          cpu.lock(l);
          pc = Pc.unlock;
          return;
        case unlock:
          cpu.unlock(l);
          cpu.ret();
          return;
      }
    }
  }

  @Test
  void strictModeCatchesAFieldChangedBeforeABlockedLock() {
    Machine m = new Machine();
    m.setStrictProbes(true);
    m.start(mach -> {
      Lock l = new Lock(mach, "l", Lock.Kind.SPIN);
      mach.addCpu(new CountThenLock(l));
      mach.addCpu(new CountThenLock(l));
    });
    // CPU 0 probes (strict: caught at once, since the probe stops at the lock).
    assertThrows(IllegalStateException.class, () -> m.enabled(0));
    m.setStrictProbes(false);
    m.step(0);  // CPU 0 takes the lock (its count is 2 now: the probe's and the step's)
    m.setStrictProbes(true);
    // CPU 1's real step blocks: no probe involved.
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.step(1));
    assertTrue(e.getMessage().contains("field CountThenLock.attempts"), e.getMessage());
    assertTrue(e.getMessage().contains("it blocked on a lock"), e.getMessage());
  }

  /** A batch private to the routine. */
  static final class Batch implements StepLocal {
    final List<Object> items = new ArrayList<>();
    int filled;
  }

  /** Fills a step-local batch (and a list) before its action. */
  static final class FillFirst extends Routine<FillFirst.Pc> {
    enum Pc { fill }

    private final Word w;
    private final Batch batch = new Batch();
    private final boolean list;

    FillFirst(Word w, boolean list) {
      super(StepNames.of("fill_first", Pc.class));
      this.w = w;
      this.list = list;
    }

    @Override
    protected void step(Cpu cpu) {
      if (list) {
        batch.items.add(w);
      } else {
        batch.filled = 1;
      }
      cpu.read(w);
      cpu.ret();
    }
  }

  @Test
  void strictModeComparesStepLocalObjectsAndCollections() {
    for (boolean list : new boolean[] {false, true}) {
      Machine m = new Machine();
      m.setStrictProbes(true);
      m.start(one(mach -> new FillFirst(new Word(mach, "w", 0), list)));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.enabled(0));
      String want = list ? "size of an ArrayList reached from routine FillFirst"
          : "field Batch.filled of a Batch reached from routine FillFirst";
      assertTrue(e.getMessage().contains(want), e.getMessage());
    }
  }

  /** Pushes a callee and then acts in the same step (a call must end its step). */
  static final class CallThenAct extends Routine<CallThenAct.Pc> {
    enum Pc { start, after }

    private final Word w;

    CallThenAct(Word w) {
      super(StepNames.of("call_then_act", Pc.class));
      this.w = w;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case start:
          cpu.call(new BumpAfter(w));
          cpu.read(w);
          pc = Pc.after;
          return;
        case after:
          cpu.ret();
          return;
      }
    }
  }

  @Test
  void strictModeCatchesACalleePushedBeforeTheAction() {
    Machine m = new Machine();
    m.setStrictProbes(true);
    m.start(one(mach -> new CallThenAct(new Word(mach, "w", 0))));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.enabled(0));
    assertTrue(e.getMessage().contains("changed the call stack's depth from 1 to 2"),
        e.getMessage());
  }

  /** A local first step (sets a field, calls a callee), then an action in the callee. */
  static final class LocalThenCall extends Routine<LocalThenCall.Pc> {
    enum Pc { setup, called }

    private final BumpAfter callee;
    private int ready;

    LocalThenCall(Word w) {
      super(StepNames.of("local_then_call", Pc.class));
      this.callee = new BumpAfter(w);
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case setup:
          ready = 7;
          call(cpu, callee, Pc.called);
          return;
        case called:
          cpu.ret();
          return;
      }
    }
  }

  @Test
  void localStepsRunByAProbeAreRealStepsAndNotCompared() {
    Machine m = new Machine();
    m.setStrictProbes(true);
    LocalThenCall[] root = new LocalThenCall[1];
    Word[] w = new Word[1];
    m.start(mach -> {
      w[0] = new Word(mach, "w", 0);
      root[0] = new LocalThenCall(w[0]);
      mach.addCpu(root[0]);
    });
    assertTrue(m.enabled(0));
    // The probe ran the local step for real: the field is set and the callee is on the stack.
    assertEquals(7, root[0].ready);
    assertEquals("bump_after:bump", m.cpu(0).frame().label());
    while (!m.over()) {
      m.step(0);
    }
    assertEquals(1, w[0].value);
    assertEquals(Outcome.OK, m.outcome());
  }

  /** Records a value before a VM_BUG_ON that fires. */
  static final class NoteThenBug extends Routine<NoteThenBug.Pc> {
    enum Pc { check }

    private long seen;

    NoteThenBug() {
      super(StepNames.of("note_then_bug", Pc.class));
    }

    @Override
    protected void step(Cpu cpu) {
      seen = 42;
      cpu.bugOn(true, "VM_BUG_ON(1)", null);
      cpu.ret();
    }
  }

  @Test
  void strictModeCatchesAFieldChangedBeforeAFailure() {
    // A failure (BUG_ON) is the step's action: a probe stops there.
    Machine m = new Machine();
    m.setStrictProbes(true);
    m.start(one(mach -> new NoteThenBug()));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.enabled(0));
    assertTrue(e.getMessage().contains("field NoteThenBug.seen"), e.getMessage());
    assertTrue(e.getMessage().contains("from 0 to 42"), e.getMessage());
    // Without strict mode the probe passes and the real step fails as the model says.
    Machine plain = new Machine();
    plain.setStrictProbes(false);
    plain.start(one(mach -> new NoteThenBug()));
    assertTrue(plain.enabled(0));
    plain.step(0);
    assertEquals(Outcome.BUG, plain.outcome());
  }

  /** Takes from a model-level allocator (a state part) before its action. */
  static final class AllocFirst extends Routine<AllocFirst.Pc> {
    enum Pc { alloc }

    private final Word w;
    private final long[] pool;

    AllocFirst(Word w, long[] pool) {
      super(StepNames.of("alloc_first", Pc.class));
      this.w = w;
      this.pool = pool;
    }

    @Override
    protected void step(Cpu cpu) {
      long v = pool[0]++;
      cpu.write(w, v);
      cpu.ret();
    }
  }

  @Test
  void strictModeCatchesAStatePartChangedBeforeTheAction() {
    Machine m = new Machine();
    m.setStrictProbes(true);
    m.start(mach -> {
      long[] pool = {100};
      mach.addStatePart(() -> pool[0]);
      mach.addCpu(new AllocFirst(new Word(mach, "w", 0), pool));
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.enabled(0));
    assertTrue(e.getMessage().contains("changed state part 0"), e.getMessage());
    assertTrue(e.getMessage().contains("from 100 to 101"), e.getMessage());
  }

  @Test
  void offByDefaultUnlessTheSystemPropertySaysSo() {
    assertEquals(Boolean.getBoolean("foliolab.strictProbes"), new Machine().strictProbes());
    Machine m = new Machine();
    m.setStrictProbes(false);
    assertFalse(m.strictProbes());
  }
}
