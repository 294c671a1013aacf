package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;
import java.util.UUID;

/**
 * Display functions for notebook cells, IJava style; the kernel imports them statically into every
 * session, so a cell can write {@code display(table)} or {@code updateDisplay(id, chart)}. FolioLab
 * code may call them too: outside a kernel {@link #display(Object)} prints the value's plain text
 * to {@code System.out}.
 */
public final class Notebook {
  /** Where displays go; installed by the kernel. */
  interface Output {
    void display(Map<String, String> bundle, String displayId);

    void update(String displayId, Map<String, String> bundle);

    void clear(boolean wait);
  }

  private static volatile Output output;

  private Notebook() {}

  static void attach(Output o) {
    output = o;
  }

  static void detach(Output o) {
    if (output == o) {
      output = null;
    }
  }

  static Output output() {
    return output;
  }

  /** True inside a running FolioLab kernel, where displays reach the notebook. */
  public static boolean inKernel() {
    return output != null;
  }

  /**
   * Shows {@code value} in the output of the running cell, rendered by the global {@link
   * Renderers}, and returns the display id for {@link #updateDisplay(String, Object)}.
   */
  public static String display(Object value) {
    String id = "foliolab-" + UUID.randomUUID();
    Map<String, String> bundle = value == null ? MimeBundle.text("null") : Renderers.render(value);
    Output o = output;
    if (o != null) {
      o.display(bundle, id);
    } else {
      System.out.println(bundle.get(MimeBundle.TEXT));
    }
    return id;
  }

  /** Replaces, wherever it is shown, the display {@code displayId} by {@code value}. */
  public static void updateDisplay(String displayId, Object value) {
    checkArgument(displayId != null && !displayId.isEmpty(), "display id must be non-empty, got '%s'", displayId);
    Map<String, String> bundle = value == null ? MimeBundle.text("null") : Renderers.render(value);
    Output o = output;
    if (o != null) {
      o.update(displayId, bundle);
    } else {
      System.out.println(bundle.get(MimeBundle.TEXT));
    }
  }

  /**
   * Clears the running cell's output; with {@code wait}, only when the next output arrives (for
   * flicker-free redraws). Outside a kernel it does nothing.
   */
  public static void clearOutput(boolean wait) {
    Output o = output;
    if (o != null) {
      o.clear(wait);
    }
  }

  /** Clears the running cell's output now. */
  public static void clearOutput() {
    clearOutput(false);
  }

  /**
   * Returns {@code value} as an HTML fragment, for renderers that compose several values into one
   * display (a summary, its table and its chart): its {@code text/html} if it has one, else its
   * PNG as an inline image, else its SVG inline, else its plain text in {@code <pre>}.
   */
  public static String toHtml(Object value) {
    Map<String, String> bundle = Renderers.render(value);
    if (bundle.containsKey(MimeBundle.HTML)) {
      return bundle.get(MimeBundle.HTML);
    }
    if (bundle.containsKey(MimeBundle.PNG)) {
      return "<img src=\"data:image/png;base64," + bundle.get(MimeBundle.PNG) + "\" alt=\""
          + com.google.common.html.HtmlEscapers.htmlEscaper().escape(bundle.getOrDefault(MimeBundle.TEXT, "")) + "\"/>";
    }
    if (bundle.containsKey(MimeBundle.SVG)) {
      return bundle.get(MimeBundle.SVG);
    }
    return "<pre>" + com.google.common.html.HtmlEscapers.htmlEscaper().escape(bundle.getOrDefault(MimeBundle.TEXT, "null")) + "</pre>";
  }

  /** Returns the bundle {@code value} displays as (empty for null). */
  public static Map<String, String> render(Object value) {
    return Renderers.render(value);
  }
}
