package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;

import io.foliolab.sim.Outcome;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

/**
 * XChart charts of FolioLab tables, made to be read without the notebook around them: a title
 * naming the scenario, axis titles with units, legends naming the variant, the sampling strategy
 * and the scheduler-independent {@code dpor} figure. Export with {@link #write} (PNG or SVG by
 * file extension). Rendering is headless.
 */
public final class Charts {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Series colours, colour-blind safe (Okabe and Ito). */
  static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
      new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442),
      new Color(0x000000)};

  /** Outcome colours: OK green, failures in warm/dark tones. */
  static final Map<Outcome, Color> OUTCOME_COLORS = Map.of(Outcome.OK, new Color(0x009E73),
      Outcome.BUG, new Color(0xD55E00), Outcome.OOPS, new Color(0xCC79A7), Outcome.HANG,
      new Color(0xE69F00), Outcome.DEADLOCK, new Color(0x56B4E9), Outcome.CORRUPTION,
      new Color(0x000000));

  private static void style(Styler s) {
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setAnnotationTextPanelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setAntiAlias(true);
  }

  /** Wraps {@code text} into lines of at most {@code width} characters. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String w : text.trim().split("\\s+")) {
      if (line.length() > 0 && line.length() + 1 + w.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(w);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  static String percent(double x) {
    if (Double.isNaN(x)) {
      return "n/a";
    }
    double p = 100 * x;
    return String.format(Locale.ROOT, p == 0 || p >= 1 ? "%.1f%%" : "%.2g%%", p);
  }

  /**
   * Failure rate against memory pressure from a sweep table ({@link Sweep#SCHEMA}): one series
   * per variant (and parameter set, when there are several), seeds pooled, with the 95% Wilson
   * interval of each point drawn as a vertical bar. The legend (under the plot) names the sampling
   * strategy and the dpor fraction; a note under the legend, outside the plot, says what the
   * pressure level does in this scenario.
   */
  public static XYChart failureRateVsPressure(Table sweep) {
    Sweep.SCHEMA.check(sweep);
    checkArgument(sweep.rowCount() > 0, "the sweep table is empty");
    String scenario = sweep.stringColumn("scenario").get(0);
    boolean manyParams = sweep.stringColumn("params").countUnique() > 1;
    // series -> pressure -> {executions, failures}
    Map<String, TreeMap<Double, long[]>> series = new LinkedHashMap<>();
    Map<String, String> legend = new LinkedHashMap<>();
    for (int r = 0; r < sweep.rowCount(); r++) {
      String variant = sweep.stringColumn("variant").get(r);
      String params = sweep.stringColumn("params").get(r);
      String key = manyParams ? variant + " [" + params + "]" : variant;
      long[] nk = series.computeIfAbsent(key, k -> new TreeMap<>())
          .computeIfAbsent(sweep.doubleColumn("pressure").get(r), p -> new long[2]);
      nk[0] += sweep.longColumn("executions").get(r);
      nk[1] += sweep.longColumn("failures").get(r);
      if (!legend.containsKey(key)) {
        StringBuilder l = new StringBuilder(key).append(": ")
            .append(sweep.stringColumn("strategy").get(r)).append(" per point");
        if (!sweep.longColumn("dpor_executions").isMissing(r)) {
          l.append("; dpor ").append(percent(sweep.doubleColumn("dpor_fraction").get(r)))
              .append(" of ").append(sweep.longColumn("dpor_executions").get(r))
              .append(" traces fail")
              .append(sweep.booleanColumn("dpor_complete").get(r) ? "" : " (budget hit)");
        }
        legend.put(key, l.toString());
      }
    }
    String means = sweep.stringColumn("pressure_means").get(0);
    // The note goes under the legend, outside the plot: taller chart, same plot height.
    int noteLines = means.isEmpty() ? 0 : 1 + wrap(means, 120).size();
    NotedXYChart chart = new NotedXYChart(900, 680 + 16 * noteLines + (noteLines > 0 ? 24 : 0),
        noteLines == 0 ? "" : "What p means here: " + means);
    chart.setTitle(scenario + ": failure rate vs memory pressure");
    chart.setXAxisTitle("memory pressure p (probability of each pressure event, 0-1)");
    chart.setYAxisTitle("failing executions (% of sampled, 95% Wilson interval)");
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0);
    chart.getStyler().setYAxisDecimalPattern("0.0%");
    chart.getStyler().setMarkerSize(7);
    double maxY = 0;
    int i = 0;
    for (var e : series.entrySet()) {
      Color color = PALETTE[i++ % PALETTE.length];
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      List<double[]> bars = new ArrayList<>();
      for (var p : e.getValue().entrySet()) {
        Wilson w = Wilson.of(p.getValue()[1], p.getValue()[0]);
        xs.add(p.getKey());
        ys.add(w.rate());
        bars.add(new double[] {p.getKey(), w.low(), w.high()});
        maxY = Math.max(maxY, w.high());
      }
      XYSeries s = chart.addSeries(legend.get(e.getKey()), xs, ys);
      s.setLineColor(color);
      s.setMarkerColor(color);
      s.setMarker(SeriesMarkers.CIRCLE);
      int b = 0;
      for (double[] bar : bars) {
        XYSeries whisker = chart.addSeries("ci " + e.getKey() + " " + b++,
            new double[] {bar[0], bar[0]}, new double[] {bar[1], bar[2]});
        whisker.setLineColor(color);
        whisker.setMarker(SeriesMarkers.NONE);
        whisker.setShowInLegend(false);
        whisker.setLineStyle(new BasicStroke(1.5f));
      }
    }
    chart.getStyler().setYAxisMax(Math.max(0.01, Math.min(1.0, maxY * 1.15)));
    return chart;
  }

  /**
   * Outcome breakdown per variant as stacked bars (fractions of each variant's executions), from
   * {@link Summaries#outcomesByVariant}. Outcomes that never occur are left out of the legend,
   * which sits under the plot. A bar's label is its variant, strategy (unless every bar has the
   * same one: then the axis title names it) and number of executions; the labels stay
   * horizontal when they fit side by side and are turned (30 to 90 degrees) just enough not to
   * overlap when they do not.
   */
  public static CategoryChart outcomeBreakdown(Table outcomesByVariant, String title) {
    Table t = outcomesByVariant;
    checkArgument(t.columnNames().containsAll(List.of("variant", "strategy", "outcome", "count",
        "executions")), "need a table from Summaries.outcomesByVariant, got columns %s",
        t.columnNames());
    boolean oneStrategy = t.stringColumn("strategy").countUnique() <= 1;
    List<String> cats = new ArrayList<>();
    Map<String, Map<String, Double>> byOutcome = new LinkedHashMap<>();
    for (int r = 0; r < t.rowCount(); r++) {
      String cat = t.stringColumn("variant").get(r)
          + (oneStrategy ? "" : " / " + t.stringColumn("strategy").get(r))
          + " (n=" + t.longColumn("executions").get(r) + ")";
      if (!cats.contains(cat)) {
        cats.add(cat);
      }
      double frac = (double) t.longColumn("count").get(r) / t.longColumn("executions").get(r);
      byOutcome.computeIfAbsent(t.stringColumn("outcome").get(r), o -> new LinkedHashMap<>())
          .put(cat, frac);
    }
    // Wider for many variants; the labels turn only as far as they must not to overlap, and the
    // chart grows by the height they take then.
    int width = Math.min(1200, Math.max(800, 160 * cats.size() + 120));
    Font tickFont = new CategoryChartBuilder().build().getStyler().getAxisTickLabelsFont();
    int rotation = labelRotation(cats, tickFont, estimatedPlotWidth(width) / cats.size());
    int labelDrop = (int) Math.ceil(widest(cats, tickFont) * Math.sin(Math.toRadians(rotation)));
    String xTitle = oneStrategy && t.rowCount() > 0
        ? "kernel variant (executions, " + t.stringColumn("strategy").get(0) + ")"
        : "kernel variant / exploration strategy (executions)";
    CategoryChart chart = new CategoryChartBuilder().width(width).height(560 + labelDrop)
        .title(title).xAxisTitle(xTitle).yAxisTitle("share of executions (%)").build();
    style(chart.getStyler());
    chart.getStyler().setStacked(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setYAxisDecimalPattern("0%");
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setOverlapped(false);
    chart.getStyler().setXAxisLabelRotation(rotation);
    for (Outcome o : Outcome.values()) {
      Map<String, Double> m = byOutcome.get(o.name());
      if (m == null || m.values().stream().allMatch(v -> v == 0)) {
        continue;
      }
      List<Double> ys = new ArrayList<>();
      for (String c : cats) {
        ys.add(m.getOrDefault(c, 0.0));
      }
      CategorySeries s = chart.addSeries(o.name(), cats, ys);
      s.setFillColor(OUTCOME_COLORS.get(o));
    }
    return chart;
  }

  /**
   * Distribution of retries (total over the CPUs of one execution) per variant, from an
   * executions table ({@link ExecutionTable#SCHEMA}): bars of the share of executions with 0, 1,
   * 2, ... retries; the last bar gathers {@code maxBin} and more.
   */
  public static CategoryChart retriesDistribution(Table executions, int maxBin) {
    ExecutionTable.SCHEMA.check(executions);
    checkArgument(maxBin >= 1, "maxBin %s must be >= 1", maxBin);
    checkArgument(executions.rowCount() > 0, "the executions table is empty");
    Map<String, long[]> hist = new LinkedHashMap<>();
    Map<String, Long> totals = new LinkedHashMap<>();
    for (int r = 0; r < executions.rowCount(); r++) {
      String key = executions.stringColumn("variant").get(r) + " ("
          + executions.stringColumn("strategy").get(r) + ")";
      int x = Math.min(maxBin, executions.intColumn("retries_total").get(r));
      hist.computeIfAbsent(key, k -> new long[maxBin + 1])[x]++;
      totals.merge(key, 1L, Long::sum);
    }
    List<String> cats = new ArrayList<>();
    for (int x = 0; x <= maxBin; x++) {
      cats.add(x == maxBin ? x + "+" : Integer.toString(x));
    }
    CategoryChart chart = new CategoryChartBuilder().width(800).height(520)
        .title(executions.stringColumn("scenario").get(0) + ": retries per execution")
        .xAxisTitle("retries (returns to a retry label, summed over CPUs)")
        .yAxisTitle("share of executions (%)").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setYAxisDecimalPattern("0%");
    chart.getStyler().setYAxisMin(0.0);
    int i = 0;
    for (var e : hist.entrySet()) {
      List<Double> ys = new ArrayList<>();
      for (long c : e.getValue()) {
        ys.add((double) c / totals.get(e.getKey()));
      }
      chart.addSeries(e.getKey() + ", n=" + totals.get(e.getKey()), cats, ys)
          .setFillColor(PALETTE[i++ % PALETTE.length]);
    }
    return chart;
  }

  /**
   * Failure rate by strategy, from {@link Summaries#failureRates} grouped by {@code strategy}
   * (optionally also {@code variant}): a point per strategy with its 95% Wilson interval as a
   * vertical bar. A row without an interval (missing {@code ci_low} or {@code ci_high}: an
   * exhaustive {@code dpor} or {@code bounded:K} row, an exact fraction) gets a point and no bar,
   * and its label says "exact"; {@code dpor} is the scheduler-independent reference.
   */
  public static XYChart failureRateByStrategy(Table failureRates, String title) {
    Table t = failureRates;
    checkArgument(t.columnNames().containsAll(List.of("strategy", "executions", "failures",
        "rate", "ci_low", "ci_high")), "need a table from Summaries.failureRates(..., \"strategy\")"
        + ", got columns %s", t.columnNames());
    boolean byVariant = t.columnNames().contains("variant");
    List<String> strategies = new ArrayList<>();
    for (int r = 0; r < t.rowCount(); r++) {
      if (!strategies.contains(t.stringColumn("strategy").get(r))) {
        strategies.add(t.stringColumn("strategy").get(r));
      }
    }
    XYChart chart = new XYChartBuilder().width(800).height(540).title(title)
        .xAxisTitle("exploration strategy (random:N / pct:N:D sample N executions)")
        .yAxisTitle("failing executions (%, 95% Wilson interval)").build();
    style(chart.getStyler());
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setYAxisDecimalPattern("0.0%");
    chart.getStyler().setXAxisMin(-0.5).setXAxisMax(strategies.size() - 0.5);
    chart.getStyler().setXAxisTicksVisible(false);
    chart.getStyler().setMarkerSize(9);
    Map<Integer, String> labels = new LinkedHashMap<>();
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    double maxY = 0;
    java.util.Set<Integer> exact = new java.util.HashSet<>();
    for (int r = 0; r < t.rowCount(); r++) {
      int x = strategies.indexOf(t.stringColumn("strategy").get(r));
      labels.put(x, t.stringColumn("strategy").get(r));
      String key = byVariant ? t.stringColumn("variant").get(r) : "failure rate";
      // getDouble: a missing value is NaN (get would return null)
      double rate = t.doubleColumn("rate").getDouble(r);
      double low = t.doubleColumn("ci_low").getDouble(r);
      double high = t.doubleColumn("ci_high").getDouble(r);
      boolean interval = !Double.isNaN(low) && !Double.isNaN(high);
      if (!interval) {
        exact.add(x);
      }
      series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {x, rate,
          interval ? low : Double.NaN, interval ? high : Double.NaN});
      maxY = Math.max(maxY, interval ? high : Double.isNaN(rate) ? 0 : rate);
    }
    int i = 0;
    int n = series.size();
    for (var e : series.entrySet()) {
      Color color = PALETTE[i % PALETTE.length];
      double shift = n == 1 ? 0 : (i - (n - 1) / 2.0) * 0.12;
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (double[] p : e.getValue()) {
        xs.add(p[0] + shift);
        ys.add(p[1]);
      }
      XYSeries s = chart.addSeries(e.getKey(), xs, ys);
      s.setMarkerColor(color);
      s.setMarker(SeriesMarkers.DIAMOND);
      int b = 0;
      for (double[] p : e.getValue()) {
        if (Double.isNaN(p[2])) {
          continue; // an exact fraction (every execution counted): no sampling interval
        }
        XYSeries w = chart.addSeries("ci " + e.getKey() + " " + b++,
            new double[] {p[0] + shift, p[0] + shift}, new double[] {p[2], p[3]});
        w.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        w.setLineColor(color);
        w.setMarker(SeriesMarkers.NONE);
        w.setShowInLegend(false);
      }
      i++;
    }
    double top = Math.max(0.01, Math.min(1.0, maxY * 1.25));
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(top);
    chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    for (var l : labels.entrySet()) {
      String text = strategyLabel(l.getValue(), exact.contains(l.getKey()));
      chart.addAnnotation(new AnnotationText(text, l.getKey(), top * 0.95, false));
    }
    return chart;
  }

  /** Left and right of a category chart's plot when the legend is under it (measured). */
  static final int PLOT_SIDES = 110;

  /** The plot width XChart lays out in a chart {@code width} wide with the legend under it. */
  static double estimatedPlotWidth(int width) {
    return width - PLOT_SIDES;
  }

  private static final java.awt.font.FontRenderContext FRC =
      new java.awt.font.FontRenderContext(null, true, true);

  /** The width of the widest of {@code labels} in {@code font}, in pixels. */
  static double widest(List<String> labels, Font font) {
    double w = 0;
    for (String l : labels) {
      w = Math.max(w, font.getStringBounds(l, FRC).getWidth());
    }
    return w;
  }

  /** The height of a line of {@code font}, in pixels. */
  static double lineHeight(Font font) {
    return font.getLineMetrics("Xg", FRC).getHeight();
  }

  /**
   * The rotation, in degrees, that keeps category labels from overlapping when each has
   * {@code slot} pixels: 0 when the widest fits with a margin, else the smallest of 30, 45, 60,
   * 90 at which neighbouring labels (parallel lines {@code slot · sin θ} apart) clear each other.
   */
  static int labelRotation(List<String> labels, Font font, double slot) {
    if (widest(labels, font) + 12 <= slot) {
      return 0;
    }
    for (int deg : new int[] {30, 45, 60}) {
      if (slot * Math.sin(Math.toRadians(deg)) >= 1.4 * lineHeight(font)) {
        return deg;
      }
    }
    return 90;
  }

  /** The label over a strategy's points: its text, and "exact" when its rows have no interval. */
  static String strategyLabel(String strategy, boolean exact) {
    return !exact ? strategy
        : strategy.equals("dpor") ? "dpor (every trace, exact)" : strategy + " (exact)";
  }

  /**
   * Writes {@code chart} as PNG or SVG, chosen by the file's extension.
   *
   * @throws IllegalArgumentException for another extension
   */
  public static void write(Chart<?, ?> chart, Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (name.endsWith(".png")) {
      try (var out = Files.newOutputStream(file)) {
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      }
    } else if (name.endsWith(".svg")) {
      try (var out = Files.newOutputStream(file)) {
        VectorGraphicsEncoder.saveVectorGraphic(chart, out,
            VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
      }
    } else {
      throw new IllegalArgumentException("chart file " + file + ": extension must be .png or .svg");
    }
  }
}
