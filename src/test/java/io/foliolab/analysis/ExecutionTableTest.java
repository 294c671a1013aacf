package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class ExecutionTableTest {
  static final ToyRace TOY = new ToyRace();

  static Model toy(String variant) {
    return TOY.model(variant, Params.resolve(TOY.name(), TOY.params(), Map.of()));
  }

  static RunInfo info(String strategy) {
    return new RunInfo("0", "toy-race", "buggy", strategy, 7, 0.5, "index=0x7653");
  }

  @Test
  void oneRowPerExecutionMatchingTheSummary() {
    ExecutionTable.Builder b = new ExecutionTable.Builder(info("dpor"));
    Summary s = Explorer.explore(toy("buggy"), Strategy.parse("dpor"), Options.defaults(), b);
    Table t = b.table();
    assertTrue(ExecutionTable.SCHEMA.matches(t));
    assertEquals(s.executions(), t.rowCount());
    assertEquals(s.count(Outcome.BUG), t.stringColumn("outcome").isEqualTo("BUG").size());
    assertTrue(s.count(Outcome.BUG) > 0 && s.count(Outcome.OK) > 0, s.toString());
    // Every BUG row carries the folio and the lookup index; every OK row has them missing.
    for (int r = 0; r < t.rowCount(); r++) {
      boolean bug = t.stringColumn("outcome").get(r).equals("BUG");
      assertEquals(bug, !t.longColumn("folio_index").isMissing(r));
      if (bug) {
        assertEquals(0x7652L, t.longColumn("folio_index").get(r));
        assertEquals(0, t.intColumn("folio_order").get(r));
        assertEquals(0x7653L, t.longColumn("lookup_index").get(r));
        assertEquals(1, t.intColumn("failing_cpu").get(r));
        assertEquals("toy_fault:check", t.stringColumn("failing_label").get(r));
        assertEquals("locked|uptodate", t.stringColumn("folio_flags").get(r));
        assertEquals(2, t.intColumn("folio_refcount").get(r));
      } else {
        assertTrue(t.intColumn("failing_cpu").isMissing(r));
      }
      assertEquals(r, t.longColumn("execution").get(r));
      assertEquals(Schedule.parse(t.stringColumn("schedule").get(r)).length(),
          t.intColumn("steps").get(r));
      String[] retries = t.stringColumn("retries").get(r).split(" ");
      assertEquals(2, retries.length);
      assertEquals(Integer.parseInt(retries[0]) + Integer.parseInt(retries[1]),
          t.intColumn("retries_total").get(r));
    }
    // The retrying interleavings exist (the fault saw the slot change and went round again).
    assertTrue(t.intColumn("retries_total").max() >= 1);
  }

  @Test
  void csvSinkStreamsTheSameTable(@TempDir Path dir) throws IOException {
    ExecutionTable.Builder b = new ExecutionTable.Builder(info("random:500"));
    Path f = dir.resolve("x.csv");
    try (ExecutionTable.CsvSink sink = new ExecutionTable.CsvSink(f, info("random:500"))) {
      Explorer.explore(toy("buggy"), Strategy.parse("random:500"),
          Options.defaults().withSeed(7).withPressure(0.5), e -> {
            b.accept(e);
            sink.accept(e);
          });
      assertEquals(500, sink.rows());
      sink.commit();
    }
    Table back = ExecutionTable.read(f);
    TableCsvTest.assertSameTable(b.table(), back);
  }

  @Test
  void traceTable() {
    ExecutionTable.Builder b = new ExecutionTable.Builder(info("dpor"));
    Summary s = Explorer.explore(toy("buggy"), Strategy.parse("dpor"), Options.defaults(), b);
    Execution f = s.firstFailure();
    Explorer.Replayed r = Explorer.replay(toy("buggy"), Schedule.parse(f.schedule()));
    Table t = ExecutionTable.trace(r.trace());
    assertTrue(ExecutionTable.TRACE_SCHEMA.matches(t));
    assertEquals(r.trace().size(), t.rowCount());
    for (int i = 0; i < t.rowCount(); i++) {
      assertEquals(r.trace().get(i).label(), t.stringColumn("label").get(i));
      assertTrue(t.stringColumn("label").get(i).startsWith(t.stringColumn("function").get(i) + ":"));
    }
    assertTrue(t.stringColumn("function").asSet().containsAll(java.util.Set.of("toy_split",
        "toy_fault")));
  }
}
