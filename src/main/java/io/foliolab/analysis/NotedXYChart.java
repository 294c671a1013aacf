package io.foliolab.analysis;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * An XY chart with a note in a strip of its own under the chart: XChart lays out title, plot,
 * axes and legend in the height above the strip, so the note never covers the plot or the
 * legend (an XChart annotation is drawn over them). The note is wrapped to the chart's width
 * when painted, its first sentence up to a colon in bold. Painting keeps the chart's size.
 */
final class NotedXYChart extends XYChart {
  /** Inner padding of the note's box and its distance from the chart's edges, in pixels. */
  static final int PAD = 8;

  private final String note;
  private Rectangle2D noteBounds = new Rectangle2D.Double();

  /** A chart {@code width} × {@code height} pixels with {@code note} under it (none if empty). */
  NotedXYChart(int width, int height, String note) {
    super(width, height);
    this.note = note;
  }

  /** The note's text. */
  String note() {
    return note;
  }

  /** Where the note was drawn by the last paint (empty before, or without a note). */
  Rectangle2D noteBounds() {
    return (Rectangle2D) noteBounds.clone();
  }

  /** Where the plot (the axes' box) was drawn by the last paint. */
  Rectangle2D plotBounds() {
    return (Rectangle2D) plot.getBounds().clone();
  }

  /** Paints the chart in the top part of {@code width × height} and the note under it. */
  @Override
  public void paint(Graphics2D g, int width, int height) {
    if (note.isEmpty()) {
      super.paint(g, width, height);
      noteBounds = new Rectangle2D.Double();
      return;
    }
    Font font = getStyler().getAnnotationTextPanelFont();
    Font bold = font.deriveFont(Font.BOLD);
    FontMetrics fm = g.getFontMetrics(font);
    int textWidth = width - 4 * PAD;
    List<String> lines = wrap(note, fm, textWidth);
    int boxHeight = lines.size() * fm.getHeight() + 2 * PAD;
    int top = height - PAD - boxHeight;
    super.paint(g, width, top);
    setHeight(height); // super.paint took the height it was given as the chart's
    g.setColor(getStyler().getChartBackgroundColor());
    g.fillRect(0, top, width, height - top);
    noteBounds = new Rectangle2D.Double(PAD, top, width - 2 * PAD, boxHeight);
    g.setColor(Color.WHITE);
    g.fill(noteBounds);
    g.setColor(Color.LIGHT_GRAY);
    g.draw(noteBounds);
    g.setColor(getStyler().getChartFontColor());
    int colon = note.indexOf(':');
    int y = top + PAD + fm.getAscent();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int x = 2 * PAD;
      if (i == 0 && colon > 0 && colon < line.length()) {
        String head = line.substring(0, colon + 1);
        g.setFont(bold);
        g.drawString(head, x, y);
        x += g.getFontMetrics(bold).stringWidth(head);
        line = line.substring(colon + 1);
      }
      g.setFont(font);
      g.drawString(line, x, y);
      y += fm.getHeight();
    }
  }

  /** {@code text} in lines no wider than {@code width} pixels, broken between words. */
  static List<String> wrap(String text, FontMetrics fm, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String w : text.trim().split("\\s+")) {
      if (line.length() > 0 && fm.stringWidth(line + " " + w) > width) {
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
}
