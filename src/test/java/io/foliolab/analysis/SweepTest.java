package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableMap;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class SweepTest {
  static final ToyRace TOY = new ToyRace();

  static Sweep.Grid grid() {
    return Sweep.Grid.of(TOY, List.of("buggy", "fixed"), Sweep.levels(0, 1, 0.25),
        Strategy.parse("random:400"), 42).withSeeds(2);
  }

  @Test
  void sameTableWhateverTheThreadCount(@TempDir Path dir) throws Exception {
    Table one = Sweep.run(grid(), 1, Sweep.Progress.NONE).table();
    Table two = Sweep.run(grid(), 2, Sweep.Progress.NONE).table();
    Table four = Sweep.run(grid(), 4, Sweep.Progress.NONE).table();
    assertEquals(TableCsv.toCsv(one), TableCsv.toCsv(two));
    assertEquals(TableCsv.toCsv(one), TableCsv.toCsv(four));
    // The CSV round-trips with its types.
    Path f = dir.resolve("sweep.csv");
    TableCsv.write(one, f);
    TableCsvTest.assertSameTable(one, TableCsv.read(f, Sweep.SCHEMA));
  }

  @Test
  void cellsAndSeeds() throws Exception {
    Sweep.Grid g = grid();
    assertEquals(2 * 5 * 2, g.cells());
    Table t = Sweep.run(g, 2, Sweep.Progress.NONE).table();
    assertEquals(g.cells(), t.rowCount());
    for (int c = 0; c < g.cells(); c++) {
      Sweep.Cell k = g.cell(c);
      assertEquals(c, t.intColumn("cell").get(c));
      assertEquals(k.variant(), t.stringColumn("variant").get(c));
      assertEquals(k.pressure(), t.doubleColumn("pressure").get(c));
      assertEquals(k.seed(), t.longColumn("seed").get(c));
      assertEquals(400L, t.longColumn("executions").get(c));
    }
    // Seeds differ between cells, and depend on the grid seed.
    assertEquals(g.cells(), t.longColumn("seed").countUnique());
    Sweep.Grid other = Sweep.Grid.of(TOY, List.of("buggy", "fixed"), Sweep.levels(0, 1, 0.25),
        Strategy.parse("random:400"), 43).withSeeds(2);
    assertTrue(other.cell(0).seed() != g.cell(0).seed());
    // A cell's seed does not depend on the rest of the grid.
    Sweep.Grid narrow = Sweep.Grid.of(TOY, List.of("fixed"), List.of(0.5),
        Strategy.parse("random:400"), 42).withSeeds(2);
    assertEquals(g.cell(14).seed(), narrow.cell(0).seed()); // fixed, p 0.5, seed 0
  }

  @Test
  void ratesFollowPressureAndVariant() throws Exception {
    Table t = Sweep.run(grid(), 2, Sweep.Progress.NONE).table();
    for (int r = 0; r < t.rowCount(); r++) {
      String v = t.stringColumn("variant").get(r);
      double p = t.doubleColumn("pressure").get(r);
      long failures = t.longColumn("failures").get(r);
      if (v.equals("fixed") || p == 0) {
        assertEquals(0, failures, "row " + r);
      }
      assertEquals(t.longColumn("bug").get(r), failures);
      Wilson w = Wilson.of(failures, 400);
      assertEquals(w.low(), t.doubleColumn("ci_low").get(r));
      assertEquals(TOY.pressure(), t.stringColumn("pressure_means").get(r));
    }
    Table buggyAt1 = t.where(t.stringColumn("variant").isEqualTo("buggy")
        .and(t.doubleColumn("pressure").isEqualTo(1.0)));
    assertTrue(buggyAt1.longColumn("failures").sum() > 0);
    // The dpor reference equals an exhaustive exploration of the same variant.
    Summary dpor = Explorer.explore(ExecutionTableTest.toy("buggy"), Strategy.parse("dpor"),
        Options.defaults(), e -> { });
    assertEquals(dpor.executions(), buggyAt1.longColumn("dpor_executions").get(0));
    assertEquals(dpor.failures(), buggyAt1.longColumn("dpor_failures").get(0));
    assertTrue(buggyAt1.booleanColumn("dpor_complete").get(0));
    assertEquals((double) dpor.failures() / dpor.executions(),
        buggyAt1.doubleColumn("dpor_fraction").get(0));
  }

  @Test
  void progressReachesTheTotal() throws Exception {
    List<long[]> calls = new ArrayList<>();
    Sweep.Grid g = Sweep.Grid.of(TOY, List.of("buggy"), List.of(0.5, 1.0),
        Strategy.parse("random:5000"), 1);
    Sweep.run(g, 2, (done, total, cells, cellsTotal) -> {
      synchronized (calls) {
        calls.add(new long[] {done, total, cells, cellsTotal});
      }
    });
    long[] last = calls.get(calls.size() - 1);
    assertEquals(10_000, last[1]);
    assertEquals(2, last[3]);
    assertTrue(calls.stream().anyMatch(c -> c[0] == 10_000 && c[2] == 2));
    assertTrue(calls.size() >= 3, "intermediate updates: " + calls.size());
  }

  @Test
  void badGridsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Sweep.Grid.of(TOY, List.of("nope"),
        List.of(0.5), Strategy.parse("random:1"), 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sweep.Grid.of(TOY, List.of("buggy"), List.of(0.5), Strategy.parse("dpor"), 0));
    assertTrue(e.getMessage().contains("must be random:N or pct:N:D"));
    assertThrows(IllegalArgumentException.class, () -> Sweep.Grid.of(TOY, List.of("buggy"),
        List.of(1.5), Strategy.parse("random:1"), 0));
    assertThrows(IllegalArgumentException.class, () -> grid().withParams(List.of(Map.of("x",
        "1"))));
    assertEquals(List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
        Sweep.levels(0, 1, 0.1));
    assertEquals(List.of(0.5), Sweep.levels(0.5, 0.5, 0));
    assertThrows(IllegalArgumentException.class, () -> Sweep.levels(0.5, 0.2, 0.1));
    assertThrows(IllegalArgumentException.class, () -> Sweep.levels(0, 1, 0));
    assertEquals(2, grid().withParams(List.of(ImmutableMap.of(), ImmutableMap.of("index",
        "0x100"))).params().size());
  }

  @Test
  void interruptStopsTheSweepPromptly() throws Exception {
    Sweep.Grid big = Sweep.Grid.of(TOY, List.of("buggy", "fixed"), List.of(0.5),
        Strategy.parse("random:100000000"), 0);
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    Thread t = new Thread(() -> {
      try {
        Sweep.run(big, 2, (d, tot, c, ct) -> started.countDown());
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.start();
    assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
    long t0 = System.nanoTime();
    t.interrupt();
    t.join(5000);
    assertTrue(!t.isAlive(), "sweep still running 5 s after the interrupt");
    assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
    // The pool's threads stop too: no sweep thread keeps running.
    Thread.sleep(200);
    long alive = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("foliolab-sweep") && x.isAlive()).count();
    assertEquals(0, alive, "sweep threads still alive");
    assertTrue((System.nanoTime() - t0) / 1e9 < 5);
  }
}
