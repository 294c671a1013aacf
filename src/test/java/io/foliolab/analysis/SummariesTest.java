package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /** Runs of {@code n} executions, the first {@code failures} of them failing. */
  static Table run(String variant, String strategy, int n, int failures) {
    List<Execution> es = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      es.add(exec(i, i < failures ? Outcome.BUG : Outcome.OK));
    }
    return ExecutionTable.of(new RunInfo("0", "s", variant, strategy, 0, 0, ""), es);
  }

  /** v1 explored exhaustively (dpor, 40 executions, 10 fail) and sampled (random:50, 5 fail). */
  static Table exhaustiveAndSampled() {
    return run("v1", "dpor", 40, 10).append(run("v1", "random:50", 50, 5))
        .append(run("v1", "pct:30:2", 30, 3)).append(run("v1", "bounded:1", 20, 4));
  }

  @Test
  void onlySamplingStrategiesAreSamples() {
    assertTrue(Summaries.isSampled("random:50"));
    assertTrue(Summaries.isSampled("pct:30:2"));
    assertFalse(Summaries.isSampled("dpor"));
    assertFalse(Summaries.isSampled("bounded:1"));
    assertFalse(Summaries.isSampled("replay:0x3.1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Summaries.isSampled("exhaustive"));
    assertTrue(e.getMessage().contains("'exhaustive'"), e.getMessage());
  }

  @Test
  void exhaustiveRowsHaveAnExactRateAndNoInterval() {
    Table r = Summaries.failureRates(exhaustiveAndSampled(), "variant", "strategy");
    assertEquals(List.of("dpor", "random:50", "pct:30:2", "bounded:1"),
        r.stringColumn("strategy").asList());
    // dpor and bounded: the fraction of the executions explored, no confidence interval.
    for (int row : new int[] {0, 3}) {
      assertTrue(r.doubleColumn("ci_low").isMissing(row), r.print());
      assertTrue(r.doubleColumn("ci_high").isMissing(row), r.print());
    }
    assertEquals(0.25, r.doubleColumn("rate").get(0));
    assertEquals(0.2, r.doubleColumn("rate").get(3));
    // random and pct: the 95% Wilson interval of a sample.
    Wilson random = Wilson.of(5, 50);
    assertEquals(random.low(), r.doubleColumn("ci_low").get(1));
    assertEquals(random.high(), r.doubleColumn("ci_high").get(1));
    Wilson pct = Wilson.of(3, 30);
    assertEquals(pct.low(), r.doubleColumn("ci_low").get(2));
    assertEquals(pct.high(), r.doubleColumn("ci_high").get(2));
  }

  @Test
  void exhaustiveOutcomeRowsHaveNoInterval() {
    Table s = Summaries.outcomesByVariant(exhaustiveAndSampled());
    for (int r = 0; r < s.rowCount(); r++) {
      boolean sampled = Summaries.isSampled(s.stringColumn("strategy").get(r));
      assertEquals(!sampled, s.doubleColumn("ci_low").isMissing(r), "row " + r);
      assertEquals(!sampled, s.doubleColumn("ci_high").isMissing(r), "row " + r);
      assertFalse(s.doubleColumn("rate").isMissing(r), "row " + r);
    }
    Table dporBug = s.where(s.stringColumn("strategy").isEqualTo("dpor")
        .and(s.stringColumn("outcome").isEqualTo("BUG")));
    assertEquals(0.25, dporBug.doubleColumn("rate").get(0));
  }

  @Test
  void aGroupMixingSampledAndExhaustiveExecutionsIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Summaries.failureRates(exhaustiveAndSampled(), "variant"));
    assertTrue(e.getMessage().contains("group [v1] of [variant] pools sampled executions"
        + " (random:50) with exhaustive ones (dpor)"), e.getMessage());
    assertTrue(e.getMessage().contains("group by \"strategy\" too"), e.getMessage());
    // Grouping only exhaustive runs together is fine, and stays exact.
    Table exact = Summaries.failureRates(run("v1", "dpor", 40, 10)
        .append(run("v1", "bounded:1", 20, 4)), "variant");
    assertEquals(14L, exact.longColumn("failures").get(0));
    assertTrue(exact.doubleColumn("ci_low").isMissing(0));
  }

  @Test
  void exactRowsRoundTripThroughCsv(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    Table r = Summaries.failureRates(exhaustiveAndSampled(), "variant", "strategy");
    java.nio.file.Path f = dir.resolve("rates.csv");
    TableCsv.write(r, f);
    assertTrue(java.nio.file.Files.readAllLines(f).get(1).endsWith(",40,10,0.25,,"),
        java.nio.file.Files.readAllLines(f).get(1));
    TableCsvTest.assertSameTable(r, TableCsv.read(f, Schema.of(r)));
    Table o = Summaries.outcomesByVariant(exhaustiveAndSampled());
    TableCsv.write(o, f);
    TableCsvTest.assertSameTable(o, TableCsv.read(f, Summaries.KNOWN));
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
