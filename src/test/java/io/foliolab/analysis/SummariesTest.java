package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableIntArray;
import io.foliolab.explore.Execution;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Subject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class SummariesTest {
  static Execution exec(long id, Outcome o) {
    Subject s = o == Outcome.OK ? null : new Subject("folio", "", ImmutableMap.of("index", 5L));
    return new Execution(id, "0x3.1", 4, 1, 1, o, o == Outcome.OK ? "" : "boom",
        o == Outcome.OK ? -1 : 1, o == Outcome.OK ? "" : "f:x", s, ImmutableIntArray.of(0, 1), "");
  }

  static Table table() {
    Table t = ExecutionTable.SCHEMA.emptyTable();
    List<Execution> a = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      a.add(exec(i, i < 3 ? Outcome.BUG : i < 4 ? Outcome.HANG : Outcome.OK));
    }
    t.append(ExecutionTable.of(new RunInfo("0", "s", "v1", "random:10", 0, 0.5, ""), a));
    List<Execution> b = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      b.add(exec(i, Outcome.OK));
    }
    t.append(ExecutionTable.of(new RunInfo("1", "s", "v2", "random:4", 0, 0.5, ""), b));
    return t;
  }

  @Test
  void outcomesByVariantCountsEveryOutcome() {
    Table s = Summaries.outcomesByVariant(table());
    assertEquals(2 * Outcome.values().length, s.rowCount());
    Table v1bug = s.where(s.stringColumn("variant").isEqualTo("v1")
        .and(s.stringColumn("outcome").isEqualTo("BUG")));
    assertEquals(3L, v1bug.longColumn("count").get(0));
    assertEquals(10L, v1bug.longColumn("executions").get(0));
    assertEquals(0.3, v1bug.doubleColumn("rate").get(0), 1e-12);
    Wilson w = Wilson.of(3, 10);
    assertEquals(w.low(), v1bug.doubleColumn("ci_low").get(0));
    Table v2 = s.where(s.stringColumn("variant").isEqualTo("v2"));
    assertEquals(4L, (long) v2.longColumn("count").sum());
    assertEquals("random:4", v2.stringColumn("strategy").get(0));
  }

  @Test
  void failureRatesByGroup() {
    Table r = Summaries.failureRates(table(), "variant", "pressure");
    assertEquals(2, r.rowCount());
    assertEquals("v1", r.stringColumn("variant").get(0));
    assertEquals(0.5, r.doubleColumn("pressure").get(0));
    assertEquals(4L, r.longColumn("failures").get(0));
    assertEquals(0L, r.longColumn("failures").get(1));
    assertEquals(0.0, r.doubleColumn("ci_low").get(1));
    assertTrue(r.doubleColumn("ci_high").get(1) > 0.3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Summaries.failureRates(table(), "nope"));
    assertTrue(e.getMessage().contains("no column 'nope'; valid columns: [run, execution"));
  }

  @Test
  void outcomeTableRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    Table s = Summaries.outcomesByVariant(table());
    java.nio.file.Path f = dir.resolve("o.csv");
    TableCsv.write(s, f);
    TableCsvTest.assertSameTable(s, TableCsv.read(f, Summaries.KNOWN));
  }
}
