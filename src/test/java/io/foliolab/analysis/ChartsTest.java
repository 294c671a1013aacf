package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.chartpart.ChartPart;
import org.knowm.xchart.internal.chartpart.Legend_;
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

  /** Where XChart drew a part ({@code "plot"} or {@code "legend"}) of {@code c} when painted. */
  static Rectangle2D bounds(Chart<?, ?> c, String part) throws Exception {
    Field f = Chart.class.getDeclaredField(part);
    f.setAccessible(true);
    ChartPart p = (ChartPart) f.get(c);
    Rectangle2D b = p.getBounds();
    if (!part.equals("legend")) {
      return b;
    }
    // The legend's bounds are only its size; it is drawn at (xOffset, yOffset).
    double[] at = new double[2];
    for (int i = 0; i < 2; i++) {
      Field o = Legend_.class.getDeclaredField(i == 0 ? "xOffset" : "yOffset");
      o.setAccessible(true);
      at[i] = o.getDouble(p);
    }
    return new Rectangle2D.Double(at[0], at[1], b.getWidth(), b.getHeight());
  }

  /** Asserts that the category labels of {@code c}, as painted, do not overlap. */
  static void assertLabelsClear(CategoryChart c, List<String> labels) throws Exception {
    BitmapEncoder.getBufferedImage(c); // lays the chart out
    Rectangle2D plot = bounds(c, "plot");
    double slot = plot.getWidth() / labels.size();
    Font font = c.getStyler().getAxisTickLabelsFont();
    int rotation = c.getStyler().getXAxisLabelRotation();
    if (rotation == 0) {
      assertTrue(Charts.widest(labels, font) < slot, "labels " + Charts.widest(labels, font)
          + " px wide side by side in slots of " + slot + " px: " + labels);
    } else {
      // Rotated labels are parallel lines slot * sin(rotation) apart.
      assertTrue(slot * Math.sin(Math.toRadians(rotation)) > Charts.lineHeight(font),
          "labels turned " + rotation + " degrees in slots of " + slot + " px");
    }
    assertFalse(bounds(c, "legend").intersects(plot), "the legend " + bounds(c, "legend") + " covers the plot " + plot);
  }

  static List<String> categories(CategoryChart c) {
    return c.getSeriesMap().values().iterator().next().getXData().stream()
        .map(Object::toString).toList();
  }

  @Test
  void outcomeLabelsOfThreeOrFourVariantsDoNotOverlap(@TempDir Path dir) throws Exception {
    // Three variants explored by dpor: the labels fit side by side (they used to run into each
    // other); the strategy they share moves to the axis title.
    Table three = SummariesTest.run("v6.18", "dpor", 2124, 704)
        .append(SummariesTest.run("577a1f495fd7", "dpor", 1128, 0))
        .append(SummariesTest.run("rfc-2026-03", "dpor", 3420, 0));
    CategoryChart c3 = Charts.outcomeBreakdown(Summaries.outcomesByVariant(three), "three");
    assertEquals(List.of("v6.18 (n=2124)", "577a1f495fd7 (n=1128)", "rfc-2026-03 (n=3420)"),
        categories(c3));
    assertEquals("kernel variant (executions, dpor)", c3.getXAxisTitle());
    assertEquals(0, c3.getStyler().getXAxisLabelRotation());
    assertLabelsClear(c3, categories(c3));
    // Four variants, each explored two ways: eight long labels, turned.
    Table four = SummariesTest.run("v5.8-nonuma", "dpor", 1089, 980);
    for (String v : List.of("lock_page", "033b5d775511", "v5.8-numa")) {
      four.append(SummariesTest.run(v, "dpor", 87, 15));
    }
    for (String v : List.of("v5.8-nonuma", "lock_page", "033b5d775511", "v5.8-numa")) {
      four.append(SummariesTest.run(v, "random:2000", 2000, 300));
    }
    CategoryChart c4 = Charts.outcomeBreakdown(Summaries.outcomesByVariant(four), "four");
    List<String> labels = categories(c4);
    assertEquals(8, labels.size());
    assertEquals("033b5d775511 / random:2000 (n=2000)", labels.get(6));
    assertTrue(c4.getStyler().getXAxisLabelRotation() > 0);
    assertLabelsClear(c4, labels);
    Charts.write(c4, dir.resolve("four.png"));
    assertImage(dir.resolve("four.png"));
    // Four short labels stay level.
    Table level = SummariesTest.run("a", "dpor", 10, 1);
    for (String v : List.of("b", "c", "d")) {
      level.append(SummariesTest.run(v, "dpor", 10, 1));
    }
    CategoryChart c5 = Charts.outcomeBreakdown(Summaries.outcomesByVariant(level), "level");
    assertEquals(0, c5.getStyler().getXAxisLabelRotation());
    assertLabelsClear(c5, categories(c5));
  }

  @Test
  void labelRotationTurnsOnlyAsFarAsNeeded() {
    Font f = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    List<String> labels = List.of("v6.18 / random:2000 (n=2000)");
    double w = Charts.widest(labels, f);
    assertEquals(0, Charts.labelRotation(labels, f, w + 20));
    assertEquals(30, Charts.labelRotation(labels, f, w - 1));
    double h = Charts.lineHeight(f);
    assertEquals(45, Charts.labelRotation(labels, f, 1.4 * h / Math.sin(Math.toRadians(45))));
    assertEquals(90, Charts.labelRotation(labels, f, h));
  }

  @Test
  void thePressureNoteIsUnderTheChartNotOnThePlot(@TempDir Path dir) throws Exception {
    Table sweep = Sweep.run(SweepTest.grid(), 2, Sweep.Progress.NONE).table();
    XYChart c = Charts.failureRateVsPressure(sweep);
    NotedXYChart noted = (NotedXYChart) c;
    assertEquals("What p means here: " + sweep.stringColumn("pressure_means").get(0),
        noted.note());
    int width = c.getWidth();
    int height = c.getHeight();
    BufferedImage image = BitmapEncoder.getBufferedImage(c);
    Rectangle2D note = noted.noteBounds();
    Rectangle2D plot = noted.plotBounds();
    assertTrue(note.getHeight() > 20, "no note drawn: " + note);
    assertFalse(note.intersects(plot), "note " + note + " on the plot " + plot);
    Rectangle2D legend = bounds(c, "legend");
    assertTrue(legend.getMinY() > plot.getMaxY() && legend.getHeight() > 20, "legend " + legend);
    assertFalse(note.intersects(legend), "note " + note + " on the legend " + legend);
    assertTrue(note.getMinY() > plot.getMaxY() && note.getMaxY() <= height
        && note.getMinX() >= 0 && note.getMaxX() <= width, "note " + note + " off the chart");
    assertEquals(plot, bounds(c, "plot"));
    // Text was drawn in the note's box, and painting keeps the chart's size.
    int dark = 0;
    for (int y = (int) note.getMinY() + 2; y < note.getMaxY() - 2; y++) {
      for (int x = (int) note.getMinX() + 2; x < note.getMaxX() - 2; x++) {
        Color p = new Color(image.getRGB(x, y));
        dark += p.getRed() + p.getGreen() + p.getBlue() < 200 ? 1 : 0;
      }
    }
    assertTrue(dark > 200, "no text in the note: " + dark + " dark pixels");
    assertEquals(width, c.getWidth());
    assertEquals(height, c.getHeight());
    Charts.write(c, dir.resolve("again.png"));
    assertEquals(height, c.getHeight());
    assertEquals(note, noted.noteBounds(), "the same layout on every paint");
  }

  @Test
  void wrapKeepsWords() {
    assertEquals(List.of("aaa bbb", "ccc"), Charts.wrap("aaa bbb ccc", 8));
    assertEquals("12.5%", Charts.percent(0.125));
    assertEquals("0.012%", Charts.percent(0.00012));
  }
}
