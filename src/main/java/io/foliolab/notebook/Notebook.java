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

  /** Returns the bundle {@code value} displays as (empty for null). */
  public static Map<String, String> render(Object value) {
    return Renderers.render(value);
  }
}
