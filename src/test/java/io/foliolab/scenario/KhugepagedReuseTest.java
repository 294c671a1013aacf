package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The history of seed 004 (Hugh Dickins' 033b5d775511), found by exhaustive dpor over
 * {@code khugepaged-reuse}: expectations live only here.
 */
class KhugepagedReuseTest {
  static final String SCENARIO = "khugepaged-reuse";
  static final String PGOFF = "VM_BUG_ON_PAGE(page_to_pgoff(page) != offset)";
  static final String NOT_LOCKED = "VM_BUG_ON_PAGE(!PageLocked(page))";

  static ScenarioOutcomesTest.Run run(String variant, Map<String, String> params) {
    return ScenarioOutcomesTest.explore(SCENARIO, variant, params);
  }

  static Set<String> failureMessages(ScenarioOutcomesTest.Run run) {
    Set<String> m = new TreeSet<>();
    for (Execution e : run.executions()) {
      if (e.failed()) {
        m.add(e.outcome() + " " + e.failingLabel() + " " + e.message());
      }
    }
    return m;
  }

  /**
   * Every page_to_pgoff BUG is the fault at A + k holding subpage k of the huge page after it was
   * reused for the second collapse at 0: pgoff = k, the head's index is the second start.
   */
  static void pgoffBugsAreTheReusedPage(ScenarioOutcomesTest.Run run, long a, long k) {
    int n = 0;
    for (Execution e : run.executions()) {
      if (!e.failed() || !e.message().equals(PGOFF)) {
        continue;
      }
      n++;
      assertEquals(Outcome.BUG, e.outcome());
      assertEquals("filemap_fault:page_to_pgoff", e.failingLabel());
      Map<String, Object> f = e.subject().fields();
      assertEquals(a + k, f.get("offset"), e.toString());
      assertEquals(0L, f.get("headIndex"), "the head was re-indexed to the second start");
      assertEquals(k, ((Number) f.get("subpage")).longValue());
      assertEquals(k, f.get("pgoff"));
      assertNotEquals("NULL", f.get("mapping"), "the fault passed the mapping check");
      assertTrue(e.subject().dump().contains("page dumped because: " + PGOFF));
    }
    assertTrue(n > 0, "expected the page_to_pgoff BUG: " + run.summary());
  }

  @Test
  void nonNumaV58HitsThePgoffBug() {
    ScenarioOutcomesTest.Run r = run("v5.8-nonuma", Map.of());
    Summary s = r.summary();
    assertEquals(s.count(Outcome.BUG), s.failures(), "only BUGs: " + s);
    assertTrue(s.count(Outcome.OK) > 0, "some interleavings are fine: " + s);
    assertEquals(PGOFF, s.firstFailure().message());
    pgoffBugsAreTheReusedPage(r, 4, 1);
    // The non-atomic __SetPageLocked also lets both CPUs believe they hold the lock: the second
    // unlock_page then finds the bit clear (a second VM_BUG_ON_PAGE the thread did not mention).
    assertEquals(Set.of("BUG filemap_fault:page_to_pgoff " + PGOFF,
        "BUG unlock_page:PageLocked " + NOT_LOCKED), failureMessages(r));
    ScenarioOutcomesTest.replaysFirstFailure(r);
  }

  @Test
  void lockPageStillFailsWhenTheFaultsLockIsDelayed() {
    ScenarioOutcomesTest.Run r = run("lock_page", Map.of());
    Summary s = r.summary();
    assertTrue(s.count(Outcome.BUG) > 0, s.toString());
    assertEquals(Set.of("BUG filemap_fault:page_to_pgoff " + PGOFF), failureMessages(r));
    pgoffBugsAreTheReusedPage(r, 4, 1);
    // In every failing execution the fault takes the page lock only after the second collapse
    // succeeded (page_ref_add) and unlocked the page: the delayed __lock_page of the thread.
    for (Execution e : r.executions()) {
      if (!e.failed()) {
        continue;
      }
      List<TraceStep> t = Explorer.replay(r.model(), Schedule.parse(e.schedule())).trace();
      int added = -1;
      int locked = -1;
      int lastKhUnlock = -1;
      for (TraceStep step : t) {
        if (step.cpu() == 0 && step.label().equals("collapse_file:page_ref_add")) {
          added = step.index();
        }
        if (step.cpu() == 0 && step.label().equals("unlock_page:clear_bit_unlock")) {
          lastKhUnlock = step.index();
        }
        if (step.cpu() == 1 && (step.label().equals("filemap_fault:__lock_page")
            || step.label().equals("filemap_fault:trylock_page"))) {
          locked = step.index();
        }
      }
      assertTrue(added >= 0 && locked > added && locked > lastKhUnlock,
          "lock at " + locked + ", page_ref_add at " + added + ", unlock at " + lastKhUnlock);
    }
    ScenarioOutcomesTest.replaysFirstFailure(r);
  }

  @Test
  void fix033b5d775511DropsTheSharedPage() {
    ScenarioOutcomesTest.allOk(run("033b5d775511", Map.of()));
  }

  @Test
  void numaAllocatesAFreshPageEachTime() {
    ScenarioOutcomesTest.allOk(run("v5.8-numa", Map.of()));
  }

  @Test
  void theRaceNeedsTheFaultToFindTheHugePage() {
    // The first collapse fails at the faulting index itself: the huge page never covers it.
    ScenarioOutcomesTest.allOk(run("v5.8-nonuma", Map.of("fault_at", "2", "pinned_at", "2")));
    ScenarioOutcomesTest.allOk(run("v5.8-nonuma", Map.of("fault_at", "3", "pinned_at", "1")));
  }

  @Test
  void orderOneHeadPage() {
    Map<String, String> p = Map.of("hpage_order", "1", "fault_at", "0", "pinned_at", "1");
    ScenarioOutcomesTest.Run r = run("v5.8-nonuma", p);
    pgoffBugsAreTheReusedPage(r, 2, 0);
    ScenarioOutcomesTest.replaysFirstFailure(r);
    ScenarioOutcomesTest.allOk(run("033b5d775511", p));
    ScenarioOutcomesTest.allOk(run("v5.8-numa", p));
  }

  @Test
  void badParametersNameTheValue() {
    Scenario s = Scenarios.get(SCENARIO);
    assertEquals("004", s.seed());
    assertEquals(List.of("v5.8-nonuma", "lock_page", "033b5d775511", "v5.8-numa"), s.variants());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.model("v5.8-nonuma", Params.resolve(SCENARIO, s.params(),
            Map.of("fault_at", "4"))));
    assertTrue(e.getMessage().contains("fault_at=4"), e.getMessage());
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
        () -> s.model("v5.9", Params.resolve(SCENARIO, s.params(), Map.of())));
    assertTrue(v.getMessage().contains("033b5d775511"), v.getMessage());
  }

  @Test
  void explorationIsDeterministic() {
    Scenario s = Scenarios.get(SCENARIO);
    List<List<String>> runs = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      List<String> out = new ArrayList<>();
      Explorer.explore(s.model("lock_page", Params.resolve(SCENARIO, s.params(), Map.of())),
          Strategy.parse("dpor"), Options.defaults(),
          (Execution e) -> out.add(e.schedule() + " " + e.outcome() + " " + e.message()));
      runs.add(out);
    }
    assertEquals(runs.get(0), runs.get(1));
  }
}
