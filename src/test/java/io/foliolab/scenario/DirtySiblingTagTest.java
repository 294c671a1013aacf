package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dirty-sibling-tag}: what the 2024 history says the model must show. c010d47f107f oopses
 * in the writeback walk (a sibling entry used as a folio in filemap_get_folios_tag:
 * folio_try_get on 0x2 faults at 0x36); 2a0774c2886d never fails.
 */
class DirtySiblingTagTest {
  private static final String NAME = "dirty-sibling-tag";

  @ParameterizedTest
  @ValueSource(strings = {"trigger=0", "trigger=1", "order=5"})
  void c010d47f107fOopsesOnAMarkedSibling(String param) {
    Model model = ScenarioRuns.model(NAME, "c010d47f107f", param);
    Summary s = ScenarioRuns.dpor(model);
    assertTrue(s.complete(), s.toString());
    assertTrue(s.count(Outcome.OOPS) > 0, s.toString());
    assertEquals(s.executions(), s.count(Outcome.OOPS) + s.count(Outcome.OK),
        "only OOPS and OK: " + s);
    assertTrue(s.count(Outcome.OK) > 0,
        "writeback that pins the folio before the freeze makes the split fail: " + s);
    Execution first = s.firstFailure();
    assertEquals("find_get_entry:folio_try_get", first.failingLabel());
    assertEquals(1, first.failingCpu(), "the writeback worker");
    assertTrue(first.message().contains("0000000000000036"), first.message());
    assertTrue(first.message().contains("sibling(0)"), first.message());
    ScenarioRuns.replayFirstFailure(model, s);
  }

  /** (order=5, two new nodes, takes 7228 executions: left to the figures runner.) */
  @ParameterizedTest
  @ValueSource(strings = {"trigger=0", "trigger=1"})
  void fix2a0774c2886dNeverFails(String param) {
    Summary s = ScenarioRuns.dpor(ScenarioRuns.model(NAME, "2a0774c2886d", param));
    assertTrue(s.complete(), s.toString());
    assertEquals(0, s.failures(), s.toString());
    assertNull(s.firstFailure());
    assertTrue(s.executions() > 1, s.toString());
  }

  /** Without memory pressure compaction finds a destination: no split, no oops. */
  @Test
  void compactionSplitsOnlyUnderPressure() {
    Model model = ScenarioRuns.model(NAME, "c010d47f107f");
    Summary calm = ScenarioRuns.sample(model, "pct:300:2", 0.0);
    assertEquals(0, calm.failures(), calm.toString());
    Summary pressed = ScenarioRuns.sample(model, "pct:300:2", 1.0);
    assertTrue(pressed.count(Outcome.OOPS) > 0, pressed.toString());
  }

  @ParameterizedTest
  @CsvSource({"order=4,min_order=4", "order=4,index=3", "order=4,chunk_shift=5"})
  void rejectsParamsThatDoNotFit(String a, String b) {
    assertThrows(IllegalArgumentException.class,
        () -> ScenarioRuns.model(NAME, "c010d47f107f", a, b));
  }

  @Test
  void defaultsNeedOneLevelOfSixteenSlotNodesOrderNineNeedsSixtyFour() {
    Scenario s = Scenarios.get(NAME);
    assertEquals("order=4 min_order=2 chunk_shift=4 index=0 trigger=0",
        Params.resolve(NAME, s.params(), java.util.Map.of()).toString());
    assertEquals(6, Params.resolve(NAME, s.params(), java.util.Map.of("order", "9"))
        .getInt("chunk_shift"));
    assertFalse(s.pressure().isEmpty());
  }
}
