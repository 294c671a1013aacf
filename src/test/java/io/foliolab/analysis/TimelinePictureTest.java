package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.TraceStep;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TimelinePictureTest {
  static Explorer.Replayed firstFailure() {
    Summary s = Explorer.explore(ExecutionTableTest.toy("buggy"), Strategy.parse("dpor"),
        Options.defaults(), e -> { });
    return Explorer.replay(ExecutionTableTest.toy("buggy"), Schedule.parse(s.firstFailure()
        .schedule()));
  }

  @Test
  void lanesBoxesAndTheFailure() throws Exception {
    Explorer.Replayed r = firstFailure();
    Execution e = r.execution();
    String svg = TimelinePicture.svg(r.trace(), e, "toy-race buggy", 2);
    XaPictureTest.assertWellFormed(svg);
    assertTrue(svg.contains(">CPU 0<") && svg.contains(">CPU 1<"));
    assertTrue(svg.contains("BUG on CPU 1 at toy_fault:check: VM_BUG_ON_FOLIO"), svg);
    // One box per step here (no two consecutive steps share CPU and label), the last one red.
    long steps = r.trace().stream().mapToInt(TraceStep::index).distinct().count();
    Matcher m = Pattern.compile("<rect [^>]*rx=\"2\"/>").matcher(svg);
    int boxes = 0;
    String last = null;
    while (m.find()) {
      boxes++;
      last = m.group();
    }
    assertEquals(steps, boxes);
    assertTrue(last.contains("#E53935"), last);
    // Each label appears as a box label.
    for (TraceStep t : r.trace()) {
      assertTrue(svg.contains(">" + t.label()), t.label());
    }
    assertTrue(svg.contains("stroke=\"#000\" stroke-width=\"2.50\""), "marked step outlined");
  }

  @Test
  void repeatedLabelsMerge() throws Exception {
    java.util.List<TraceStep> trace = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      trace.add(new TraceStep(i, 0, "xas_split:publish", "publish", "node#1.slots[" + i + "]",
          "a", "b"));
    }
    trace.add(new TraceStep(5, 1, "filemap_get_entry:repeat", "retry", "", "", ""));
    String svg = TimelinePicture.svg(trace, null, "merge", -1);
    XaPictureTest.assertWellFormed(svg);
    assertTrue(svg.contains("xas_split:publish \u00D75"));
    assertTrue(svg.contains("#FFB300"));
  }
}
