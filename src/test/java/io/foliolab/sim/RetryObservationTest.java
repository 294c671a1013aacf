package io.foliolab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableMap;
import org.junit.jupiter.api.Test;

/** A retry loop that says what it saw; an exit check with a subject. */
class RetryObservationTest {
  /** {@code while (READ_ONCE(flag) != 1) ;} reporting the value it saw. */
  static final class Spin extends Routine<Spin.Pc> {
    enum Pc { repeat }

    private final Word flag;

    Spin(Word flag) {
      super(StepNames.of("spin", Pc.class));
      this.flag = flag;
    }

    @Override
    protected void step(Cpu cpu) {
      long v = cpu.read(flag);
      if (v != 1) {
        retry(cpu, Pc.repeat, () -> new Subject("spin", "flag is " + v + "\nsecond line",
            ImmutableMap.of("flag", v)));
        return;
      }
      cpu.ret();
    }
  }

  /** Sets the flag to {@code value}. */
  static final class Set extends Routine<Set.Pc> {
    enum Pc { write }

    private final Word flag;
    private final long value;

    Set(Word flag, long value) {
      super(StepNames.of("set", Pc.class));
      this.flag = flag;
      this.value = value;
    }

    @Override
    protected void step(Cpu cpu) {
      cpu.write(flag, value);
      cpu.ret();
    }
  }

  static Machine runInOrder(Model model, int... order) {
    Machine m = new Machine();
    m.start(model);
    for (int c : order) {
      if (!m.over() && m.enabled(c)) {
        m.step(c);
      }
    }
    while (!m.over()) {
      for (int i = 0; i < m.cpus(); i++) {
        if (m.enabled(i)) {
          m.step(i);
          break;
        }
      }
    }
    return m;
  }

  @Test
  void aPersistentHangCarriesWhatTheLoopSaw() {
    // CPU 1 sets the flag to 2, not 1: CPU 0 loops for good once it has seen 2.
    Machine m = runInOrder(mach -> {
      Word flag = new Word(mach, "flag", 0);
      mach.addCpu(new Spin(flag));
      mach.addCpu(new Set(flag, 2));
    }, 1, 0, 0);
    assertEquals(Outcome.HANG, m.outcome());
    assertEquals(0, m.failingCpu());
    assertEquals("spin:repeat", m.failingLabel());
    assertTrue(m.failureMessage().endsWith("flag = 2; every iteration sees: flag is 2"),
        m.failureMessage());
    assertEquals(2L, m.failureSubject().fields().get("flag"));
    assertEquals("spin", m.failureSubject().kind());
  }

  @Test
  void aTransientRetryEndsWithoutASubject() {
    Machine m = runInOrder(mach -> {
      Word flag = new Word(mach, "flag", 0);
      mach.addCpu(new Spin(flag));
      mach.addCpu(new Set(flag, 1));
    }, 0, 0, 1);
    assertEquals(Outcome.OK, m.outcome(), m.failureMessage());
    assertEquals(1, m.cpu(0).retries());
    assertNull(m.failureSubject());
  }

  @Test
  void anExitCheckNamesItsSubject() {
    Subject about = new Subject("thing", "dump", ImmutableMap.of());
    Machine m = runInOrder(mach -> {
      Word flag = new Word(mach, "flag", 1);
      mach.addCpu(new Spin(flag));
      mach.addExitCheck(() -> "wrong at exit", () -> about);
    });
    assertEquals(Outcome.CORRUPTION, m.outcome());
    assertEquals("(exit)", m.failingLabel());
    assertEquals("wrong at exit", m.failureMessage());
    assertSame(about, m.failureSubject());
    assertFalse(m.failureMessage().contains("iteration"));
  }
}
