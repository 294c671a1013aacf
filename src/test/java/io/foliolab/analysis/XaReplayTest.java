package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import io.foliolab.sim.Model;
import io.foliolab.sim.TraceStep;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Pictures of the real page-cache model at the decisive step of the split-wrong-slot race. */
class XaReplayTest {
  static Model model(String scenario, String variant) {
    Scenario s = Scenarios.get(scenario);
    return s.model(variant, Params.resolve(scenario, s.params(), Map.of()));
  }

  @Test
  void theWrongSlotIsVisibleWhenTheFaultLoadsIt() throws Exception {
    Model m = model("split-wrong-slot", "v6.18");
    Execution f = Explorer.explore(m, Strategy.parse("dpor"), Options.defaults(), e -> { })
        .firstFailure();
    assertNotNull(f, "split-wrong-slot v6.18 has a failure");
    Schedule sched = Schedule.parse(f.schedule());
    Explorer.Replayed r = Explorer.replay(m, sched);
    // The failing CPU's last load of a slot: where it found the folio it then pinned.
    int load = -1;
    for (TraceStep t : r.trace()) {
      if (t.cpu() == f.failingCpu() && t.location().contains(".slots[")) {
        load = t.index();
      }
    }
    assertTrue(load > 0);
    XaReplay.Result x = XaReplay.at(m, sched, load, load);
    long index = FailureFields.lookupIndex(f).getAsLong();
    String svg = XaPicture.svg(x.before(), x.after(), "decisive load", OptionalLong.of(index));
    XaPictureTest.assertWellFormed(svg);
    long folio = FailureFields.folioIndex(f).getAsLong();
    // The slot of the lookup index holds a folio that does not contain it: the picture says so.
    assertTrue(svg.contains("the folio does not contain these indices: folio index 0x"
        + Long.toHexString(folio) + " order 0 covers 0x" + Long.toHexString(folio)), svg);
    assertEquals(x.replayed().execution().outcome(), f.outcome());
  }

  @Test
  void finderPrefersIPagesAndRangesAreChecked() {
    Model m = model("willy-1499", "v6.18");
    Schedule s = Schedule.parse(firstSchedule(m));
    XaReplay.Result x = XaReplay.at(m, s, 0, s.length() - 1);
    assertTrue(x.after().name().endsWith("i_pages"), x.after().name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> XaReplay.at(m, s, 3, s.length()));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    Model toy = ExecutionTableTest.toy("buggy");
    Schedule ts = Schedule.parse(firstSchedule(toy));
    e = assertThrows(IllegalArgumentException.class, () -> XaReplay.at(toy, ts, 0, 1));
    assertTrue(e.getMessage().contains("no XArray"), e.getMessage());
  }

  static String firstSchedule(Model m) {
    String[] s = new String[1];
    Explorer.explore(m, Strategy.parse("random:1"), Options.defaults(), e -> s[0] = e.schedule());
    return s[0];
  }
}
