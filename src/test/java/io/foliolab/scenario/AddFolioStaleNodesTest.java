package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code add-folio-stale-nodes}: what the 2024 history says the model must show. v6.9 corrupts
 * the page cache (the evicted folio stays reachable at the other pieces' indices: 16, 32 or 48
 * slots apart, as in Chris Mason's dump); 6758c1128ceb never fails.
 */
class AddFolioStaleNodesTest {
  private static final String NAME = "add-folio-stale-nodes";

  @Test
  void v69LeavesTheEvictedFolioInThePrefilledNode() {
    Model model = ScenarioRuns.model(NAME, "v6.9");
    Summary s = ScenarioRuns.dpor(model);
    assertTrue(s.complete(), s.toString());
    assertTrue(s.count(Outcome.CORRUPTION) > 0, s.toString());
    assertEquals(s.executions(), s.count(Outcome.CORRUPTION) + s.count(Outcome.OK),
        "only CORRUPTION and OK: " + s);
    Execution first = s.firstFailure();
    String msg = first.message();
    assertTrue(msg.contains("stale folio@0x40"), msg);
    assertTrue(msg.contains("mapping NULL"), msg);
    // The other pieces of the order-6 range, not the new order-4 folio's own 0x60.
    assertTrue(msg.contains("0x40 (") && msg.contains("0x50 (") && msg.contains("0x70 ("), msg);
    assertFalse(msg.contains("0x60 ("), msg);
    assertEquals(1, first.failingCpu(), "the second reader's insertion publishes the stale node");
    ScenarioRuns.replayFirstFailure(model, s);
  }

  @Test
  void fix6758c1128cebNeverFails() {
    Summary s = ScenarioRuns.dpor(ScenarioRuns.model(NAME, "6758c1128ceb"));
    assertTrue(s.complete(), s.toString());
    assertEquals(0, s.failures(), s.toString());
    assertTrue(s.executions() > 1, s.toString());
  }

  /** The same slot arithmetic with 16-slot nodes: an order-4 shadow, an order-2 folio. */
  @ParameterizedTest
  @ValueSource(strings = {"v6.9", "6758c1128ceb"})
  void sixteenSlotNodes(String variant) {
    Summary s = ScenarioRuns.dpor(ScenarioRuns.model(NAME, variant, "chunk_shift=4", "order=4",
        "index=0x10", "new_order=2"));
    assertTrue(s.complete(), s.toString());
    if (variant.equals("v6.9")) {
      assertTrue(s.count(Outcome.CORRUPTION) > 0, s.toString());
      assertTrue(s.firstFailure().message().contains("stale folio@0x10"), s.toString());
    } else {
      assertEquals(0, s.failures(), s.toString());
    }
  }

  /**
   * Orders 6 and 4 with 16-slot nodes live in the same node level: the split rewrites slots in
   * place with the shadow seen under the lock, no prefilled node is used, and v6.9 is safe too.
   */
  @Test
  void noNewNodeNoStaleEntry() {
    Summary s = ScenarioRuns.dpor(ScenarioRuns.model(NAME, "v6.9", "chunk_shift=4"));
    assertTrue(s.complete(), s.toString());
    assertEquals(0, s.failures(), s.toString());
  }

  /** Without memory pressure kswapd stays asleep, nothing is evicted and v6.9 is safe. */
  @Test
  void theCorruptionNeedsReclaim() {
    Model model = ScenarioRuns.model(NAME, "v6.9");
    Summary calm = ScenarioRuns.sample(model, "pct:300:2", 0.0);
    assertEquals(0, calm.failures(), calm.toString());
    Summary pressed = ScenarioRuns.sample(model, "pct:300:2", 1.0);
    assertTrue(pressed.count(Outcome.CORRUPTION) > 0, pressed.toString());
  }

  @Test
  void rejectsParamsThatDoNotFit() {
    assertThrows(IllegalArgumentException.class,
        () -> ScenarioRuns.model(NAME, "v6.9", "new_index=0x30"));
    assertThrows(IllegalArgumentException.class,
        () -> ScenarioRuns.model(NAME, "v6.9", "new_order=6"));
    assertThrows(IllegalArgumentException.class,
        () -> ScenarioRuns.model(NAME, "v6.9", "chunk_shift=5"));
    assertThrows(IllegalArgumentException.class,
        () -> ScenarioRuns.model(NAME, "v6.10"));
  }
}
