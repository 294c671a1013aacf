package io.foliolab.analysis;

import java.util.Locale;

/** A tiny SVG writer: elements appended as text, numbers printed the same on every machine. */
final class Svg {
  private final StringBuilder body = new StringBuilder();
  /** The rightmost x any text is estimated to reach. */
  double maxX;

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return b.toString();
  }

  static String n(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  Svg rect(double x, double y, double w, double h, String fill, String stroke, double sw,
      String extra) {
    body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
        .append(n(w)).append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill)
        .append('"');
    if (stroke != null) {
      body.append(" stroke=\"").append(stroke).append("\" stroke-width=\"").append(n(sw))
          .append('"');
    }
    if (extra != null && !extra.isEmpty()) {
      body.append(' ').append(extra);
    }
    body.append("/>\n");
    return this;
  }

  Svg line(double x1, double y1, double x2, double y2, String stroke, double sw, String extra) {
    body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"")
        .append(n(x2)).append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke)
        .append("\" stroke-width=\"").append(n(sw)).append('"');
    if (extra != null && !extra.isEmpty()) {
      body.append(' ').append(extra);
    }
    body.append("/>\n");
    return this;
  }

  Svg text(double x, double y, String text, String cls) {
    return text(x, y, text, cls, null);
  }

  Svg text(double x, double y, String text, String cls, String extra) {
    double charWidth = cls.equals("title") ? 9.0 : cls.equals("panel") ? 8.0
        : cls.equals("tick") ? 5.0 : 6.7;
    if (extra == null || !extra.contains("rotate")) {
      maxX = Math.max(maxX, x + text.length() * charWidth);
    }
    body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" class=\"")
        .append(cls).append('"');
    if (extra != null && !extra.isEmpty()) {
      body.append(' ').append(extra);
    }
    body.append('>').append(esc(text)).append("</text>\n");
    return this;
  }

  Svg raw(String s) {
    body.append(s).append('\n');
    return this;
  }

  String document(double width, double height, String title, String style) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + n(width) + "\" height=\""
        + n(height) + "\" viewBox=\"0 0 " + n(width) + " " + n(height) + "\">\n"
        + "<title>" + esc(title) + "</title>\n<style>\n" + style + "</style>\n"
        + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
  }
}
