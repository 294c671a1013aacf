package io.foliolab.notebook;

import com.google.common.html.HtmlEscapers;
import io.foliolab.analysis.PageIndices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.AxesChartSeriesCategory;
import org.knowm.xchart.internal.series.Series;
import tech.tablesaw.table.Relation;

/**
 * The renderers the kernel ships: Tablesaw tables, XChart charts, SVG strings. Registered by name
 * in {@link RendererRegistry#withBuiltIns()}, so Tablesaw and XChart classes load only when such a
 * value is shown.
 */
final class BuiltInRenderers {
  /** Tables show at most this many rows; a line says how many more there are. */
  static final int MAX_TABLE_ROWS = 50;

  /** Text cells wider than this are cut with an ellipsis in the text/plain table. */
  static final int MAX_TEXT_CELL = 40;

  private BuiltInRenderers() {}

  /** True if {@code s}, after an optional XML prolog, comments and whitespace, starts an svg element. */
  static boolean looksLikeSvg(CharSequence s) {
    String head = s.length() > 4096 ? s.subSequence(0, 4096).toString() : s.toString();
    int i = 0;
    while (true) {
      while (i < head.length() && Character.isWhitespace(head.charAt(i))) {
        i++;
      }
      if (head.startsWith("<?", i)) {
        int end = head.indexOf("?>", i);
        if (end < 0) {
          return false;
        }
        i = end + 2;
      } else if (head.startsWith("<!--", i)) {
        int end = head.indexOf("-->", i);
        if (end < 0) {
          return false;
        }
        i = end + 3;
      } else if (head.startsWith("<!DOCTYPE", i)) {
        int end = head.indexOf('>', i);
        if (end < 0) {
          return false;
        }
        i = end + 1;
      } else {
        return head.startsWith("<svg", i)
            && head.length() > i + 4
            && (Character.isWhitespace(head.charAt(i + 4)) || head.charAt(i + 4) == '>');
      }
    }
  }

  /** Strings: SVG markup as image/svg+xml (plus a short text), anything else as itself. */
  static Map<String, String> charSequence(Object value) {
    CharSequence s = (CharSequence) value;
    if (looksLikeSvg(s)) {
      return MimeBundle.builder().svg(s.toString()).text("SVG image (" + s.length() + " chars)").build();
    }
    return MimeBundle.text(s.toString());
  }

  /**
   * Tablesaw tables and slices: HTML and aligned text, both capped at {@link #MAX_TABLE_ROWS}.
   * Page indices ({@link PageIndices}: {@code folio_index}, {@code lookup_index}) show in hex.
   */
  static Map<String, String> table(Object value) {
    Relation t = (Relation) value;
    return MimeBundle.builder().text(tableText(t, MAX_TABLE_ROWS)).html(tableHtml(t, MAX_TABLE_ROWS)).build();
  }

  static String tableCaption(Relation t) {
    String name = t.name() == null ? "" : t.name();
    return (name.isEmpty() ? "" : name + ": ")
        + t.rowCount() + (t.rowCount() == 1 ? " row" : " rows")
        + " \u00d7 " + t.columnCount() + (t.columnCount() == 1 ? " column" : " columns");
  }

  static String moreRows(int hidden) {
    return "\u2026 " + hidden + " more " + (hidden == 1 ? "row" : "rows");
  }

  static String tableHtml(Relation t, int maxRows) {
    StringBuilder b = new StringBuilder("<div class=\"foliolab-table\">\n<table>\n<caption>");
    b.append(escape(tableCaption(t))).append("</caption>\n<thead><tr>");
    for (String name : t.columnNames()) {
      b.append("<th>").append(escape(name)).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    int shown = Math.min(maxRows, t.rowCount());
    for (int row = 0; row < shown; row++) {
      b.append("<tr>");
      for (int col = 0; col < t.columnCount(); col++) {
        b.append("<td>").append(escape(PageIndices.text(t.column(col), row))).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (t.rowCount() > shown) {
      b.append("<p>").append(escape(moreRows(t.rowCount() - shown))).append("</p>\n");
    }
    return b.append("</div>").toString();
  }

  static String tableText(Relation t, int maxRows) {
    int cols = t.columnCount();
    int shown = Math.min(maxRows, t.rowCount());
    List<String[]> lines = new ArrayList<>();
    String[] header = new String[cols];
    int[] width = new int[cols];
    for (int col = 0; col < cols; col++) {
      header[col] = clip(t.column(col).name());
      width[col] = header[col].length();
    }
    for (int row = 0; row < shown; row++) {
      String[] line = new String[cols];
      for (int col = 0; col < cols; col++) {
        line[col] = clip(PageIndices.text(t.column(col), row));
        width[col] = Math.max(width[col], line[col].length());
      }
      lines.add(line);
    }
    StringBuilder b = new StringBuilder(tableCaption(t)).append('\n');
    appendRow(b, header, width);
    for (int col = 0; col < cols; col++) {
      b.append(col == 0 ? "" : "-+-").append("-".repeat(width[col]));
    }
    b.append('\n');
    for (String[] line : lines) {
      appendRow(b, line, width);
    }
    if (t.rowCount() > shown) {
      b.append(moreRows(t.rowCount() - shown)).append('\n');
    }
    return b.toString();
  }

  private static void appendRow(StringBuilder b, String[] cells, int[] width) {
    StringBuilder line = new StringBuilder();
    for (int col = 0; col < cells.length; col++) {
      line.append(col == 0 ? "" : " | ").append(cells[col]).append(" ".repeat(width[col] - cells[col].length()));
    }
    b.append(line.toString().stripTrailing()).append('\n');
  }

  private static String clip(String s) {
    String one = s == null ? "" : s.replace('\n', ' ');
    return one.length() <= MAX_TEXT_CELL ? one : one.substring(0, MAX_TEXT_CELL - 1) + "\u2026";
  }

  private static String escape(String s) {
    return HtmlEscapers.htmlEscaper().escape(s == null ? "" : s);
  }

  /** XChart charts: a PNG of the chart and a one-paragraph text summary. */
  static Map<String, String> chart(Object value) {
    Chart<?, ?> chart = (Chart<?, ?>) value;
    byte[] png;
    try {
      png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return MimeBundle.builder().png(png).text(chartSummary(chart)).build();
  }

  /**
   * E.g. {@code XYChart "failures vs pressure" 600x400: 2 series: buggy (11 points), fixed (11
   * points); x: pressure, y: failure rate}.
   */
  static String chartSummary(Chart<?, ?> chart) {
    StringBuilder b = new StringBuilder(xchartKind(chart.getClass()));
    String title = chart.getTitle();
    if (title != null && !title.isEmpty()) {
      b.append(" \"").append(title).append('"');
    }
    b.append(' ').append(chart.getWidth()).append('x').append(chart.getHeight());
    Map<String, ? extends Series> series = chart.getSeriesMap();
    b.append(": ").append(series.size()).append(" series");
    String sep = ": ";
    for (Map.Entry<String, ? extends Series> e : series.entrySet()) {
      b.append(sep).append(e.getKey());
      int points = points(e.getValue());
      if (points >= 0) {
        b.append(" (").append(points).append(points == 1 ? " point)" : " points)");
      }
      sep = ", ";
    }
    String x = chart.getXAxisTitle();
    String y = chart.getYAxisTitle();
    if (x != null && !x.isEmpty()) {
      b.append("; x: ").append(x);
    }
    if (y != null && !y.isEmpty()) {
      b.append("; y: ").append(y);
    }
    return b.toString();
  }

  /** The XChart class a chart is or extends ({@code XYChart} for a FolioLab subclass of it). */
  static String xchartKind(Class<?> c) {
    Class<?> k = c;
    while (k.getSuperclass() != null && !k.getName().startsWith("org.knowm.xchart.")) {
      k = k.getSuperclass();
    }
    return k.getName().startsWith("org.knowm.xchart.") ? k.getSimpleName() : c.getSimpleName();
  }

  private static int points(Series s) {
    if (s instanceof XYSeries) {
      return ((XYSeries) s).getXData().length;
    }
    if (s instanceof AxesChartSeriesCategory) {
      return ((AxesChartSeriesCategory) s).getXData().size();
    }
    return -1;
  }
}
