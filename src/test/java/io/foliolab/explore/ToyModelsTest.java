package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The machine's behaviour on small models, explored exhaustively with dpor. */
class ToyModelsTest {
  private static List<Execution> dpor(Model model) {
    List<Execution> out = new ArrayList<>();
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(), out::add);
    assertTrue(s.complete(), s.toString());
    assertEquals(out.size(), s.executions());
    return out;
  }

  private static long count(List<Execution> es, Outcome o) {
    return es.stream().filter(e -> e.outcome() == o).count();
  }

  @Test
  void plainCounterLosesAnUpdate() {
    List<Execution> es = dpor(Toys.lostUpdate(2));
    assertEquals(2, count(es, Outcome.CORRUPTION), "both load-load orders lose an update");
    assertEquals(2, count(es, Outcome.OK));
    Execution bad = es.stream().filter(Execution::failed).findFirst().orElseThrow();
    assertEquals("lost update: counter = 1, expected 2", bad.message());
    assertTrue(bad.preemptions() >= 1, bad.toString());
  }

  @Test
  void counterUnderALockNeverFails() {
    List<Execution> es = dpor(Toys.lockedCounter(3));
    assertEquals(6, es.size(), "3! orders of the critical sections");
    assertEquals(6, count(es, Outcome.OK));
  }

  @Test
  void spinUntilFlagHasNoFalseHang() {
    List<Execution> es = dpor(Toys.spinUntilFlag(true));
    assertEquals(es.size(), count(es, Outcome.OK), es.toString());
    // In one execution the spinner looked before the flag was set and retried: transient.
    assertTrue(es.stream().anyMatch(e -> e.retries().get(0) > 0), es.toString());
    assertTrue(es.stream().allMatch(e -> e.retries().get(0) <= 1), "no useless iterations");
  }

  @Test
  void spinUntilFlagHangsWhenNobodySetsIt() {
    List<Execution> es = dpor(Toys.spinUntilFlag(false));
    assertEquals(1, es.size());
    Execution e = es.get(0);
    assertEquals(Outcome.HANG, e.outcome());
    assertEquals(0, e.failingCpu());
    assertEquals("spin_until_flag:repeat", e.failingLabel());
    assertTrue(e.message().contains("flag = 0"), e.message());
    assertEquals(1, e.retries().get(0));
  }

  @Test
  void lookupRetriesTransientlyWhileAReplacementIsUnderWay() {
    List<Execution> es = dpor(Toys.lookupAndReplace(true));
    assertEquals(es.size(), count(es, Outcome.OK));
    assertTrue(es.stream().anyMatch(e -> e.retries().get(0) > 0), "some lookup retried");
  }

  @Test
  void lookupOfAForeverFrozenObjectIsAPersistentHang() {
    List<Execution> es = dpor(Toys.lookupAndReplace(false));
    assertTrue(count(es, Outcome.HANG) >= 1, es.toString());
    Execution h = es.stream().filter(e -> e.outcome() == Outcome.HANG).findFirst().orElseThrow();
    assertEquals("lookup:repeat", h.failingLabel());
    assertTrue(h.message().contains("A._refcount = 0"), h.message());
  }

  @Test
  void messagePassingHoldsUnderSequentialConsistency() {
    List<Execution> es = dpor(Toys.messagePassing());
    assertEquals(es.size(), count(es, Outcome.OK));
  }

  @Test
  void abbaLockOrderDeadlocks() {
    List<Execution> es = dpor(Toys.twoLocks(true));
    assertEquals(1, count(es, Outcome.DEADLOCK));
    Execution d = es.stream().filter(e -> e.outcome() == Outcome.DEADLOCK).findFirst()
        .orElseThrow();
    assertTrue(d.message().contains("CPU 0 waits for B") && d.message().contains("CPU 1 waits"
        + " for A"), d.message());
    assertEquals(0, count(dpor(Toys.twoLocks(false)), Outcome.DEADLOCK));
  }

  @Test
  void nonAtomicSetBitLosesAConcurrentUpdate() {
    assertEquals(1, count(dpor(Toys.flagBits(true, 2)), Outcome.CORRUPTION));
    assertEquals(0, count(dpor(Toys.flagBits(false, 2)), Outcome.CORRUPTION));
  }

  @Test
  void folioLockExcludesButNonAtomicSetLockedDoesNot() {
    List<Execution> safe = dpor(Toys.folioLock(3, false));
    assertEquals(safe.size(), count(safe, Outcome.OK));
    assertEquals(6, safe.size(), "3! lock orders");
    List<Execution> racy = dpor(Toys.folioLock(2, true));
    assertTrue(count(racy, Outcome.BUG) >= 1, racy.toString());
  }

  @Test
  void rcuDefersTheFreeUntilReadersLeave() {
    assertEquals(0, count(dpor(Toys.rcu(2, true)), Outcome.BUG));
    List<Execution> direct = dpor(Toys.rcu(2, false));
    Execution uaf = direct.stream().filter(Execution::failed).findFirst().orElseThrow();
    assertEquals(Outcome.BUG, uaf.outcome());
    assertEquals("use after free", uaf.message());
    assertEquals("rcu_reader:use", uaf.failingLabel());
    assertNotNull(uaf.subject());
  }

  @Test
  void rwsemKeepsReadersFromTornWrites() {
    assertEquals(0, count(dpor(Toys.rwsem(true)), Outcome.CORRUPTION));
    assertTrue(count(dpor(Toys.rwsem(false)), Outcome.CORRUPTION) > 0);
  }

  @Test
  void dporBranchesOnBothAlternativesOfEveryChoicePoint() {
    List<Execution> es = dpor(Toys.allocations());
    assertTrue(es.stream().anyMatch(e -> e.choices().equals("00")));
    assertTrue(es.stream().anyMatch(e -> e.choices().equals("01")));
    assertTrue(es.stream().anyMatch(e -> e.choices().equals("10")));
    assertTrue(es.stream().anyMatch(e -> e.choices().equals("11")));
  }

  @Test
  void samplingDrawsChoicesFromThePressureLevel() {
    List<Execution> none = new ArrayList<>();
    Explorer.explore(Toys.allocations(), new Strategy.Random(50), Options.defaults()
        .withPressure(0), none::add);
    assertTrue(none.stream().allMatch(e -> e.choices().equals("00")));
    List<Execution> all = new ArrayList<>();
    Explorer.explore(Toys.allocations(), new Strategy.Random(50), Options.defaults()
        .withPressure(1), all::add);
    assertTrue(all.stream().allMatch(e -> e.choices().equals("11")));
    List<Execution> half = new ArrayList<>();
    Explorer.explore(Toys.allocations(), new Strategy.Pct(400, 2), Options.defaults()
        .withPressure(0.5).withSeed(7), half::add);
    long ones = half.stream().mapToLong(e -> e.choices().chars().filter(c -> c == '1').count())
        .sum();
    assertTrue(ones > 300 && ones < 500, "about half of 800 draws: " + ones);
  }

  @Test
  void stepBoundEndsARunawayExecutionWithHang() {
    Summary s = Explorer.explore(Toys.forever(), new Strategy.Dpor(),
        Options.defaults().withStepBound(50), ExecutionListener.NONE);
    assertEquals(1, s.count(Outcome.HANG));
    assertTrue(s.firstFailure().message().startsWith("step bound 50 reached"));
    assertEquals(50, s.firstFailure().steps());
  }

  @Test
  void localLoopIsReportedAsHang() {
    Summary s = Explorer.explore(Toys.localLoop(), new Strategy.Dpor(), Options.defaults(),
        ExecutionListener.NONE);
    assertEquals(Outcome.HANG, s.firstFailure().outcome());
    assertTrue(s.firstFailure().message().contains("without a shared access at"
        + " local_loop:spin"), s.firstFailure().message());
  }

  @Test
  void everyFailureReplaysExactly() {
    for (Model model : List.of(Toys.lostUpdate(3), Toys.twoLocks(true), Toys.flagBits(true, 2),
        Toys.folioLock(2, true), Toys.rcu(2, false), Toys.rwsem(false),
        Toys.spinUntilFlag(false), Toys.lookupAndReplace(false), Toys.allocations())) {
      List<Execution> es = dpor(model);
      for (Execution e : es) {
        Execution r = Explorer.replay(model, Schedule.parse(e.schedule())).execution();
        assertEquals(e.withId(0), r, "replay of " + e.schedule());
      }
    }
  }

  @Test
  void replayTraceShowsEachStepWithOldAndNewValues() {
    Explorer.Replayed r = Explorer.replay(Toys.lostUpdate(2), Schedule.parse("0.1x2.0"));
    assertEquals(Outcome.CORRUPTION, r.execution().outcome());
    List<String> lines = r.trace().stream().map(t -> t.cpu() + " " + t.label() + " "
        + t.action() + " " + t.location() + " " + t.before() + "->" + t.after()).toList();
    assertEquals(List.of(
        "0 plain_inc:load read counter 0->0",
        "1 plain_inc:load read counter 0->0",
        "1 plain_inc:store write counter 0->1",
        "0 plain_inc:store write counter 1->1"), lines);
  }

  @Test
  void minimizerFindsTheFewestPreemptions() {
    Model model = Toys.lostUpdate(2);
    List<Execution> es = new ArrayList<>();
    Explorer.explore(model, new Strategy.Random(200), Options.defaults().withSeed(3), es::add);
    Execution worst = es.stream().filter(Execution::failed)
        .max(java.util.Comparator.comparingInt(Execution::preemptions)).orElseThrow();
    Explorer.Minimized min = Explorer.minimize(model, worst, Options.defaults());
    assertEquals(1, min.execution().preemptions(), min.toString());
    assertTrue(min.provenMinimal());
    Execution again = Explorer.replay(model, Schedule.parse(min.execution().schedule()))
        .execution();
    assertEquals(worst.outcome(), again.outcome());
    assertEquals(worst.message(), again.message());
  }

  @Test
  void boundedZeroExploresOnlyNonPreemptiveSchedules() {
    List<Execution> es = new ArrayList<>();
    Summary s = Explorer.explore(Toys.lostUpdate(2), new Strategy.Bounded(0), Options.defaults(),
        es::add);
    assertTrue(s.complete());
    assertEquals(2, es.size(), "run 0 then 1, or 1 then 0");
    assertTrue(es.stream().allMatch(e -> e.preemptions() == 0 && !e.failed()));
    Summary one = Explorer.explore(Toys.lostUpdate(2), new Strategy.Bounded(1),
        Options.defaults(), ExecutionListener.NONE);
    assertTrue(one.failures() > 0);
  }

  @Test
  void budgetsStopTheSearchAndSaySo() {
    Summary s = Explorer.explore(Toys.lostUpdate(3), new Strategy.Dpor(),
        Options.defaults().withMaxExecutions(5), ExecutionListener.NONE);
    assertFalse(s.complete());
    assertEquals("executions", s.stoppedBy());
    assertEquals(5, s.executions());
    Summary exact = Explorer.explore(Toys.lostUpdate(2), new Strategy.Dpor(),
        Options.defaults().withMaxExecutions(4), ExecutionListener.NONE);
    assertTrue(exact.complete(), "4 executions fit a budget of 4");
    assertEquals("", exact.stoppedBy());
  }

  @Test
  void firstFailureIsTheEarliestFailingRecord() {
    List<Execution> es = new ArrayList<>();
    Summary s = Explorer.explore(Toys.lostUpdate(2), new Strategy.Dpor(), Options.defaults(),
        es::add);
    Execution first = es.stream().filter(Execution::failed).findFirst().orElseThrow();
    assertEquals(first, s.firstFailure());
    assertNull(Explorer.explore(Toys.lockedCounter(2), new Strategy.Dpor(), Options.defaults(),
        ExecutionListener.NONE).firstFailure());
  }
}
