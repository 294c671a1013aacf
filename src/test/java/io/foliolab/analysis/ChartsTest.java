package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import tech.tablesaw.api.Table;

class ChartsTest {
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

  static Table executions() {
    Table t = ExecutionTable.SCHEMA.emptyTable();
    for (String v : List.of("buggy", "fixed")) {
      for (String s : List.of("random:300", "pct:300:2")) {
        ExecutionTable.Builder b = new ExecutionTable.Builder(new RunInfo("0", "toy-race", v, s,
            3, 0.7, "index=0x7653"));
        Explorer.explore(ExecutionTableTest.toy(v), Strategy.parse(s),
            Options.defaults().withSeed(3).withPressure(0.7), b);
        t.append(b.table());
      }
      ExecutionTable.Builder b = new ExecutionTable.Builder(new RunInfo("0", "toy-race", v,
          "dpor", 0, 0, "index=0x7653"));
      Explorer.explore(ExecutionTableTest.toy(v), Strategy.parse("dpor"), Options.defaults(), b);
      t.append(b.table());
    }
    return t;
  }

  static void assertImage(Path f, String... svgTexts) throws Exception {
    byte[] bytes = Files.readAllBytes(f);
    if (f.toString().endsWith(".png")) {
      assertArrayEquals(PNG, Arrays.copyOf(bytes, 4));
      assertTrue(bytes.length > 10_000, "PNG suspiciously small: " + bytes.length);
    } else {
      String s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(s.contains("<svg"), "not an SVG");
      for (String t : svgTexts) {
        assertTrue(s.contains(t), "SVG lacks " + t);
      }
    }
  }

  @Test
  void failureRateVsPressureHasIntervalsAndTheNote(@TempDir Path dir) throws Exception {
    Table sweep = Sweep.run(SweepTest.grid(), 2, Sweep.Progress.NONE).table();
    XYChart c = Charts.failureRateVsPressure(sweep);
    // Two visible series (one per variant) and one interval bar per point.
    long visible = c.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).count();
    assertEquals(2, visible);
    assertEquals(2 + 2 * 5, c.getSeriesMap().size());
    String legend = c.getSeriesMap().keySet().iterator().next();
    assertTrue(legend.startsWith("buggy: random:400 per point; dpor "), legend);
    XYSeries bar = c.getSeriesMap().get("ci buggy 4");
    double[] ys = bar.getYData();
    Table at1 = sweep.where(sweep.stringColumn("variant").isEqualTo("buggy")
        .and(sweep.doubleColumn("pressure").isEqualTo(1.0)));
    Wilson pooled = Wilson.of((long) at1.longColumn("failures").sum(),
        (long) at1.longColumn("executions").sum());
    assertEquals(pooled.low(), ys[0], 1e-12);
    assertEquals(pooled.high(), ys[1], 1e-12);
    Charts.write(c, dir.resolve("rate.png"));
    Charts.write(c, dir.resolve("rate.svg"));
    assertImage(dir.resolve("rate.png"));
    assertImage(dir.resolve("rate.svg"), "<svg");
  }

  @Test
  void otherChartsRender(@TempDir Path dir) throws Exception {
    Table e = executions();
    CategoryChart outcomes = Charts.outcomeBreakdown(Summaries.outcomesByVariant(e),
        "toy-race: outcomes per variant");
    assertEquals(List.of("OK", "BUG"), List.copyOf(outcomes.getSeriesMap().keySet()));
    Charts.write(outcomes, dir.resolve("outcomes.png"));
    assertImage(dir.resolve("outcomes.png"));
    CategoryChart retries = Charts.retriesDistribution(e, 4);
    assertEquals(6, retries.getSeriesMap().size());
    Charts.write(retries, dir.resolve("retries.svg"));
    assertImage(dir.resolve("retries.svg"));
    XYChart byStrategy = Charts.failureRateByStrategy(Summaries.failureRates(e, "variant",
        "strategy"), "toy-race: failure rate by strategy");
    assertEquals(2 + 2 * 2, byStrategy.getSeriesMap().size()); // no interval for dpor
    Charts.write(byStrategy, dir.resolve("strategy.png"));
    assertImage(dir.resolve("strategy.png"));
    assertThrows(IllegalArgumentException.class, () -> Charts.write(byStrategy,
        dir.resolve("x.gif")));
  }

  @Test
  void exactRowsGetAPointAndNoErrorBar(@TempDir Path dir) throws Exception {
    Table rates = Summaries.failureRates(SummariesTest.exhaustiveAndSampled(), "strategy");
    XYChart c = Charts.failureRateByStrategy(rates, "s: failure rate by strategy");
    // One visible series (no variant column) with a point per strategy; a bar only for the two
    // sampled strategies (random:50 at x = 1, pct:30:2 at x = 2), none for dpor or bounded:1.
    XYSeries points = c.getSeriesMap().get("failure rate");
    assertArrayEquals(new double[] {0.25, 0.1, 0.1, 0.2}, points.getYData(), 1e-12);
    List<XYSeries> bars = c.getSeriesMap().values().stream().filter(x -> !x.isShowInLegend())
        .toList();
    assertEquals(2, bars.size(), c.getSeriesMap().keySet().toString());
    assertArrayEquals(new double[] {1, 1}, bars.get(0).getXData());
    assertArrayEquals(new double[] {Wilson.of(5, 50).low(), Wilson.of(5, 50).high()},
        bars.get(0).getYData(), 1e-12);
    assertArrayEquals(new double[] {2, 2}, bars.get(1).getXData());
    assertEquals("dpor (every trace, exact)", Charts.strategyLabel("dpor", true));
    assertEquals("bounded:1 (exact)", Charts.strategyLabel("bounded:1", true));
    assertEquals("random:50", Charts.strategyLabel("random:50", false));
    // It renders, and the y axis (set from the bars, or the rate where there is no bar) is a
    // number: a missing interval must not make the axis maximum NaN.
    Charts.write(c, dir.resolve("strategy.png"));
    assertImage(dir.resolve("strategy.png"));
    double top = c.getStyler().getYAxisMax();
    assertTrue(top >= Wilson.of(3, 30).high() && top <= 1, "y axis max " + top);
  }

  @Test
  void wrapKeepsWords() {
    assertEquals(List.of("aaa bbb", "ccc"), Charts.wrap("aaa bbb ccc", 8));
    assertEquals("12.5%", Charts.percent(0.125));
    assertEquals("0.012%", Charts.percent(0.00012));
  }
}
