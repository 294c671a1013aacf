package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.sim.TraceStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The notebook shorthand: setups resolve like the command line, runs agree with their tables. */
class LabTest {
  /** willy-1499 with the canonical-slot reload: small (a few hundred interleavings) and failing. */
  static Lab.Run failing;
  static Lab.Run clean;

  @BeforeAll
  static void explore() {
    failing = Lab.scenario("willy-1499").variant("reload-canonical").explore("dpor");
    clean = Lab.scenario("willy-1499").explore("dpor");
  }

  @Test
  void setupResolvesVariantParamsAndDefaults() {
    Lab.Setup s = Lab.scenario("split-wrong-slot");
    assertEquals("v6.18", s.variant(), "the first variant is the default");
    assertEquals(0x7653, s.params().get("split_at"), "split_at defaults to index + 2^order - 1");
    Lab.Setup t = s.param("order", 3).param("index", "0x7378").variant("577a1f495fd7");
    assertEquals(3, t.params().getInt("order"));
    assertEquals(0x7378 + 7, t.params().get("split_at"), "a derived default follows the new params");
    assertEquals(2, s.params().getInt("order"), "setups are immutable");
    assertTrue(t.words().contains("--variant 577a1f495fd7") && t.words().contains("split_at=0x737f"),
        t.words());
  }

  @Test
  void badInputIsRejectedWithWhatIsValid() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Lab.scenario("willy-1499").variant("v9.99"));
    assertTrue(e.getMessage().contains("reload-canonical"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Lab.scenario("no-such-race"));
    assertTrue(e.getMessage().contains("split-wrong-slot"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Lab.scenario("willy-1499").pressure(1.5));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Lab.scenario("willy-1499").param("new_order", 12));
    assertTrue(e.getMessage().contains("new_order"), e.getMessage());
  }

  @Test
  void runAgreesWithItsTableAndSummary() {
    Table t = failing.table();
    assertEquals(failing.executions(), t.rowCount());
    assertTrue(failing.complete());
    long bugs = t.stringColumn("outcome").isEqualTo("BUG").size();
    assertTrue(bugs > 0, "the canonical-slot reload must fail");
    assertEquals(bugs, failing.count("BUG"));
    assertEquals(failing.summary().failures(), failing.failures().size());
    assertEquals(failing.firstFailure().id(), failing.failures().get(0).id());
    assertEquals(t.intColumn("retries_total").isGreaterThan(0).size(),
        failing.executionsWithRetries());
    assertEquals((long) t.intColumn("retries_total").sum(), failing.retriesTotal());
    assertNull(clean.firstFailure(), "v6.18's xas_reload never keeps the old head");
    assertThrows(IllegalStateException.class, clean::replayFirstFailure);
  }

  @Test
  void replayReproducesTheFirstFailureAndLocatesSteps() {
    Lab.Replay r = failing.replayFirstFailure();
    Execution first = failing.firstFailure();
    assertEquals(first.outcome(), r.execution().outcome());
    assertEquals(first.message(), r.execution().message());
    assertEquals(first.steps(), r.execution().steps());
    assertTrue(r.dump().contains("page dumped because"), r.dump());
    int reader = first.failingCpu();
    int load = r.lastBefore(Integer.MAX_VALUE,
        t -> t.cpu() == reader && t.label().equals("xas_load:xas_descend"));
    assertTrue(load >= 0);
    TraceStep step = r.step(load);
    assertEquals(load, step.index());
    assertEquals(reader, step.cpu());
    assertEquals(-1, r.firstAfter(r.execution().steps(), t -> true));
    assertEquals(List.of(load), r.find(t -> t.index() == load));
    Table part = r.table(load, load + 1);
    assertEquals(2, part.rowCount());
    assertEquals(load, part.intColumn("step").get(0));
    assertThrows(IllegalArgumentException.class, () -> r.table(3, 2));
    assertThrows(IllegalArgumentException.class, () -> r.step(100_000));
  }

  @Test
  void lastPublicationIsTheLastStoreOfTheOperation() {
    Lab.Replay r = failing.replayFirstFailure();
    int write = r.firstAfter(-1, t -> t.action().matches("xa write \\([1-9]\\d* stores?\\)"));
    assertTrue(write >= 0, "the split publishes stores");
    TraceStep w = r.step(write);
    int n = Integer.parseInt(w.action().replaceAll("\\D+", ""));
    int last = r.lastPublication(write);
    assertTrue(r.step(last).action().startsWith("publish"), r.step(last).toString());
    assertEquals(w.cpu(), r.step(last).cpu());
    assertEquals(n, r.find(t -> t.index() > write && t.index() <= last && t.cpu() == w.cpu()
        && t.action().startsWith("publish")).size(), "exactly the operation's stores");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.lastPublication(0));
    assertTrue(e.getMessage().contains("not an XArray write"), e.getMessage());
  }

  @Test
  void picturesAreSvgOfTheRightExecution() {
    Lab.Replay r = failing.replayFirstFailure();
    String pic = r.picture(0, 5).markup();
    assertTrue(pic.contains("steps 0-5"), "the title names the steps");
    assertTrue(pic.contains("index 1499") || pic.contains("index 0x5db"), "the lookup is marked");
    String tl = r.timeline(3).markup();
    assertTrue(tl.contains("BUG"), "the timeline names the failure");
    assertThrows(IllegalArgumentException.class, () -> r.timeline(r.execution().steps()));
    int last = r.execution().steps() - 1;
    String head = r.timeline(0, 9, 4).markup();
    assertTrue(head.contains("steps 0-9 of " + r.execution().steps()), "the title names the window");
    // The legend has one red key; a failing step adds a red box.
    assertEquals(1, head.split("#E53935", -1).length - 1, "no failing step before the failure");
    String tail = r.timeline(last - 9, last, -1).markup();
    assertEquals(2, tail.split("#E53935", -1).length - 1, "a window reaching the end shows it");
    assertTrue(tail.contains(">" + (last - 9) + "<"), "ticks keep the execution's step numbers");
    assertThrows(IllegalArgumentException.class, () -> r.timeline(0, 9, 12));
  }

  @Test
  void compareHasOneRowPerRunWithItsCounts() {
    Table t = Lab.compare(failing, clean);
    assertEquals(2, t.rowCount());
    assertEquals("reload-canonical", t.stringColumn("variant").get(0));
    assertEquals(failing.count("BUG"), t.longColumn("BUG").get(0));
    assertEquals(0L, t.longColumn("failures").get(1));
    assertEquals(Math.round(1e4 * failing.count("BUG") / failing.executions()) / 1e4,
        t.doubleColumn("failing_fraction").get(0), 1e-12);
    assertEquals(failing.firstFailure().schedule(), t.stringColumn("schedule").get(0));
    assertEquals("", t.stringColumn("schedule").get(1));
  }

  @Test
  void valuesDisplayAsHtmlAndText() {
    Map<String, String> run = failing.mimeBundle();
    assertTrue(run.get("text/html").contains(failing.firstFailure().schedule()));
    assertTrue(run.get("text/plain").contains("BUG " + failing.count("BUG")));
    Map<String, String> setup = Lab.scenario("willy-1499").mimeBundle();
    assertTrue(setup.get("text/html").contains("reload-canonical"));
    assertTrue(setup.get("text/plain").contains("Memory pressure"));
    Map<String, String> replay = failing.replayFirstFailure().mimeBundle();
    assertNotNull(replay.get("text/html"));
    assertFalse(replay.get("text/plain").isEmpty());
  }
}
