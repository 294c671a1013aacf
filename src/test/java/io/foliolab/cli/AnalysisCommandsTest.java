package io.foliolab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.analysis.ExecutionTable;
import io.foliolab.analysis.Sweep;
import io.foliolab.analysis.TableCsv;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;
import tech.tablesaw.api.Table;

/** The sweep, match-oops and draw commands, and explore --out, through {@link Main}. */
class AnalysisCommandsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return new Main().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() { return out.toString(StandardCharsets.UTF_8); }

  private String err() { return err.toString(StandardCharsets.UTF_8); }

  private void assertUsage(String expected, String... args) {
    assertEquals(2, run(args), out() + err());
    assertTrue(err().contains(expected), err());
  }

  @Test
  void sweepWritesTheTableAndTheChart(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("s.csv");
    Path png = dir.resolve("s.png");
    assertEquals(0, run("sweep", "split-wrong-slot", "--variant", "v6.18,577a1f495fd7",
        "--pressure", "0:1:0.5", "--runs", "300", "--seed", "7", "--out", csv.toString(),
        "--chart", png.toString()), err());
    Table t = TableCsv.read(csv, Sweep.SCHEMA);
    assertEquals(2 * 3, t.rowCount());
    assertEquals(300L * 6, (long) t.longColumn("executions").sum());
    assertEquals("split-wrong-slot", t.stringColumn("scenario").get(0));
    assertEquals("random:300", t.stringColumn("strategy").get(0));
    assertEquals(Scenarios.get("split-wrong-slot").pressure(),
        t.stringColumn("pressure_means").get(0));
    assertTrue(Files.size(png) > 10_000);
    assertTrue(out().contains("VARIANT") && out().contains("577a1f495fd7"), out());
    assertTrue(err().isEmpty(), "no progress bar when stderr is not a terminal: " + err());
    // Same command, one thread: the same bytes.
    Path csv1 = dir.resolve("s1.csv");
    assertEquals(0, run("sweep", "split-wrong-slot", "--variant", "v6.18,577a1f495fd7",
        "--pressure", "0:1:0.5", "--runs", "300", "--seed", "7", "--threads", "1", "--out",
        csv1.toString()));
    assertEquals(Files.readString(csv), Files.readString(csv1));
  }

  @Test
  void sweepRejectsBadInput(@TempDir Path dir) {
    String o = dir.resolve("x.csv").toString();
    assertUsage("valid variants: v6.18, 577a1f495fd7, rfc-2026-03", "sweep", "split-wrong-slot",
        "--variant", "v6.17", "--pressure", "0:1:0.5", "--runs", "10", "--out", o);
    assertUsage("needs --variant", "sweep", "split-wrong-slot", "--pressure", "0:1:0.5",
        "--runs", "10", "--out", o);
    assertUsage("expected FROM:TO:STEP", "sweep", "split-wrong-slot", "--variant", "v6.18",
        "--pressure", "0:1", "--runs", "10", "--out", o);
    assertUsage("must satisfy 0 <= FROM <= TO <= 1", "sweep", "split-wrong-slot", "--variant",
        "v6.18", "--pressure", "0.5:2:0.5", "--runs", "10", "--out", o);
    assertUsage("needs --runs", "sweep", "split-wrong-slot", "--variant", "v6.18", "--pressure",
        "0:1:0.5", "--out", o);
    assertUsage("expected random or pct:D", "sweep", "split-wrong-slot", "--variant", "v6.18",
        "--pressure", "0:1:0.5", "--runs", "10", "--strategy", "dpor", "--out", o);
    assertUsage("must end in .png or .svg", "sweep", "split-wrong-slot", "--variant", "v6.18",
        "--pressure", "0:1:0.5", "--runs", "10", "--out", o, "--chart", "c.jpg");
    assertUsage("unknown scenario 'nope'; valid scenarios:", "sweep", "nope", "--variant",
        "v6.18", "--pressure", "0:1:0.5", "--runs", "10", "--out", o);
    assertUsage("has no parameter 'ordre'", "sweep", "split-wrong-slot", "--variant", "v6.18",
        "--pressure", "0:1:0.5", "--runs", "10", "--out", o, "--param", "ordre=3");
  }

  @Test
  void matchOopsPrintsTheSignatureAndRanks() {
    assertEquals(0, run("match-oops", "data/oops/seed-000-filemap_fault.txt", "--scenario",
        "willy-1499", "--top", "3"), err());
    assertTrue(out().contains("fault index 0x737b (RBP): the folio ends 1 page left of the fault"
        + " index"), out());
    assertTrue(out().contains("willy-1499 v6.18: dpor"), out());
    assertTrue(out().contains("willy-1499 reload-canonical: dpor"), out());
    // Whatever the model finds for willy-1499, none of it is the 6.18 crash.
    assertTrue(!out().contains(" MATCH,"), out());
  }

  @Test
  void matchOopsRejectsBadInput(@TempDir Path dir) throws Exception {
    assertUsage("no such file", "match-oops", dir.resolve("none.txt").toString(), "--scenario",
        "willy-1499");
    assertUsage("needs --scenario S; valid scenarios: split-wrong-slot", "match-oops",
        "data/oops/seed-000-filemap_fault.txt");
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, Files.readString(Path.of("data/oops/seed-000-filemap_fault.txt"))
        .replace("RIP: 0010:filemap_fault+0xa61/0x1410", ""));
    assertUsage("no kernel RIP line", "match-oops", bad.toString(), "--scenario", "willy-1499");
    assertUsage("valid variants: v6.18, reload-canonical", "match-oops",
        "data/oops/seed-000-filemap_fault.txt", "--scenario", "willy-1499", "--variant", "x");
  }

  static String firstSchedule(String scenario, String variant) {
    Scenario s = Scenarios.get(scenario);
    Summary sum = Explorer.explore(s.model(variant, Params.resolve(scenario, s.params(),
        Map.of())), Strategy.parse("random:1"), Options.defaults(), e -> { });
    String[] schedule = new String[1];
    Explorer.explore(s.model(variant, Params.resolve(scenario, s.params(), Map.of())),
        Strategy.parse("random:1"), Options.defaults(), e -> schedule[0] = e.schedule());
    assertEquals(1, sum.executions());
    return schedule[0];
  }

  @Test
  void drawWritesThePictureAndTheTimeline(@TempDir Path dir) throws Exception {
    String schedule = firstSchedule("willy-1499", "v6.18");
    int steps = io.foliolab.explore.Schedule.parse(schedule).length();
    Path svg = dir.resolve("x.svg");
    Path tl = dir.resolve("t.svg");
    assertEquals(0, run("draw", "willy-1499", "--variant", "v6.18", "--schedule", schedule,
        "--from", "0", "--step", Integer.toString(steps - 1), "--index", "1499", "--out",
        svg.toString(), "--timeline", tl.toString()), err());
    for (Path p : new Path[] {svg, tl}) {
      DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new InputSource(new StringReader(Files.readString(p))));
    }
    String picture = Files.readString(svg);
    assertTrue(picture.contains("index 1499 -&gt; slot 23"), picture);
    assertTrue(picture.contains("before: mapping.i_pages") || picture.contains("before: "),
        picture);
    assertTrue(Files.readString(tl).contains(">CPU 1<"));
    assertUsage("must satisfy 0 <= FROM <= STEP <= " + (steps - 1), "draw", "willy-1499",
        "--variant", "v6.18", "--schedule", schedule, "--step", Integer.toString(steps), "--out",
        svg.toString());
    assertUsage("must end in .svg", "draw", "willy-1499", "--variant", "v6.18", "--schedule",
        schedule, "--step", "0", "--out", dir.resolve("x.png").toString());
    assertUsage("bad schedule", "draw", "willy-1499", "--variant", "v6.18", "--schedule",
        "0x3.q", "--step", "0", "--out", svg.toString());
  }

  @Test
  void exploreOutIsAnExecutionsTable(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("e.csv");
    assertEquals(0, run("explore", "willy-1499", "--variant", "v6.18", "--out", csv.toString()),
        err());
    Table t = ExecutionTable.read(csv);
    assertTrue(t.rowCount() > 1);
    assertEquals("dpor", t.stringColumn("strategy").get(0));
    assertEquals("willy-1499", t.stringColumn("scenario").get(0));
  }
}
