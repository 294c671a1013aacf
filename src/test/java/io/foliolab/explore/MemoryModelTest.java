package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Word;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Memory models as exploration options: their text forms, schedules that carry them, replays
 * under the schedule's model, and peeks inside a step that see the CPU's own buffered stores.
 */
class MemoryModelTest {
  @Test
  void parsesAndPrintsItsForms() {
    assertEquals(MemoryModel.SC, MemoryModel.parse("sc"));
    assertEquals(MemoryModel.TSO, MemoryModel.parse(" tso "));
    assertEquals(3, MemoryModel.parse("pso:3").lanes());
    for (String t : new String[] {"sc", "tso", "pso:2", "pso:8"}) {
      assertEquals(t, MemoryModel.parse(t).toString());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MemoryModel.parse("arm64"));
    assertTrue(e.getMessage().contains("'arm64'") && e.getMessage().contains("sc, tso, pso:N"),
        e.getMessage());
    for (String bad : new String[] {"pso:1", "pso:9", "pso:", "pso:x", "TSO"}) {
      assertThrows(IllegalArgumentException.class, () -> MemoryModel.parse(bad), bad);
    }
  }

  @Test
  void schedulesCarryTheirMemoryModel() {
    Schedule s = Schedule.parse("0x3.2.1x2/10@pso:2");
    assertEquals(2, s.memory().lanes());
    assertEquals(6, s.length());
    assertEquals(2, s.choiceCount());
    assertEquals("0x3.2.1x2/10@pso:2", s.toString());
    assertEquals(s, Schedule.parse(s.toString()));
    Schedule sc = Schedule.parse("0x3.2.1x2/10");
    assertEquals(MemoryModel.SC, sc.memory());
    assertFalse(sc.equals(s), "same steps under another memory model are another schedule");
    assertEquals(s, sc.withMemory(new MemoryModel(2)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.parse("0x3@weak"));
    assertTrue(e.getMessage().startsWith("bad schedule '0x3@weak'"), e.getMessage());
  }

  @Test
  void storeBufferRunsMarkTheirSchedulesAndReplayFromThem() {
    // Message passing without a release: under pso:2 the flag can be flushed before the data.
    Model mp = Toys.messagePassing(false);
    List<Execution> runs = new ArrayList<>();
    Summary s = Explorer.explore(mp, new Strategy.Dpor(),
        Options.defaults().withMemory(new MemoryModel(2)), runs::add);
    assertTrue(s.complete());
    assertTrue(s.count(Outcome.BUG) > 0, s.toString());
    for (Execution e : runs) {
      assertTrue(e.schedule().endsWith("@pso:2"), e.schedule());
      // The schedule alone replays it: the options given to replay do not matter.
      assertEquals(e.withId(0),
          Explorer.replay(mp, Schedule.parse(e.schedule()), false, Options.defaults())
              .execution());
    }
    // Without its mark the schedule names flush agents the SC machine does not have.
    String unmarked = MemoryModel.unmarked(s.firstFailure().schedule());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Explorer.replay(mp, Schedule.parse(unmarked)));
    assertTrue(e.getMessage().contains("ends with @tso or @pso:N"), e.getMessage());
    // tso keeps the two stores in order: no failure; SC neither.
    assertEquals(0, Explorer.explore(mp, new Strategy.Dpor(),
        Options.defaults().withMemory(MemoryModel.TSO), x -> { }).failures());
    assertEquals(0, Explorer.explore(mp, new Strategy.Dpor(), Options.defaults(), x -> { })
        .failures());
  }

  @Test
  void theStatefulStrategyRefusesStoreBuffers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Explorer.explore(Toys.messagePassing(false), new Strategy.StatefulDpor(),
            Options.defaults().withMemory(MemoryModel.TSO), x -> { }));
    assertTrue(e.getMessage().contains("sequentially consistent") && e.getMessage().contains("tso"),
        e.getMessage());
  }

  /**
   * A peek inside a step is a load by the running CPU: under store buffers it sees the CPU's own
   * buffered store (as a read does), while between steps a peek sees memory. CPU 0 stores 1 to w,
   * then copies what a peek of w gives into r; at exit r must be 1 in every execution.
   */
  @Test
  void aPeekInsideAStepSeesItsOwnBufferedStore() {
    Word[] cells = new Word[2];
    Model model = m -> {
      Word w = new Word(m, "w", 0);
      Word r = new Word(m, "r", 0);
      cells[0] = w;
      cells[1] = r;
      m.addCpu(new StoreThenPeek(w, r));
      m.addExitCheck(() -> r.peek() == 1 ? null : "r = " + r.peek());
    };
    for (MemoryModel mm : new MemoryModel[] {MemoryModel.SC, MemoryModel.TSO,
        new MemoryModel(2)}) {
      Set<String> outcomes = new HashSet<>();
      Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults().withMemory(mm),
          e -> outcomes.add(e.outcome() + " " + e.message()));
      assertTrue(s.complete());
      assertEquals(Set.of("OK "), outcomes, mm.toString());
    }
    // Between steps a peek sees memory: the store is still in CPU 0's buffer.
    Machine m = new Machine();
    m.setWeakMemory(1);
    m.start(model);
    assertTrue(m.step(0));
    assertEquals(0, cells[0].peek());
  }

  /** Stores 1 to w (buffered under store buffers), then writes to r what a peek of w shows. */
  static final class StoreThenPeek extends Routine<StoreThenPeek.Pc> {
    enum Pc { store, copy }

    private static final StepNames<Pc> NAMES = StepNames.of("store_then_peek", Pc.class);
    private final Word w;
    private final Word r;

    StoreThenPeek(Word w, Word r) {
      super(NAMES);
      this.w = w;
      this.r = r;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case store:
          cpu.write(w, 1);
          pc = Pc.copy;
          return;
        case copy:
          cpu.write(r, w.peek());
          cpu.ret();
          return;
      }
    }
  }
}
