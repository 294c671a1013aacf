package io.foliolab.analysis;

import io.foliolab.explore.Execution;
import io.foliolab.sim.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An execution's trace as an SVG timeline: one lane per CPU, time to the right, each step a box
 * in its CPU's lane labelled with its kernel label ({@code function:label}); consecutive steps of
 * one CPU with the same label form one box ({@code ×n}). Retry steps are amber; the failing step
 * is red, and the failure is named above the lanes. A thin vertical line marks every context
 * switch; step numbers run along the bottom. Optionally one step is outlined (the one a picture
 * of the XArray shows).
 */
public final class TimelinePicture {
  private TimelinePicture() {}

  static final int COL = 16;
  static final int LEFT = 70;
  static final int TOP = 56;

  private static final String STYLE = """
      text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 11px; fill: #222; }
      .title { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 15px; font-weight: bold; }
      .lane { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 13px; font-weight: bold; }
      .fail { fill: #B71C1C; font-weight: bold; }
      .failbox { fill: white; font-weight: bold; }
      .tick { font-size: 9px; fill: #666; }
      .legend { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 11px; }
      """;

  /** One box: steps [from, to) of one CPU with one label. */
  record Box(int cpu, int from, int to, String label, boolean retry, boolean failing) {}

  /**
   * The timeline of {@code trace}; {@code execution} (may be null) names the outcome and the
   * failing CPU; {@code mark} is a step index to outline, or -1.
   */
  public static String svg(List<TraceStep> trace, Execution execution, String title, int mark) {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(title, "title");
    TreeSet<Integer> cpus = new TreeSet<>();
    trace.forEach(t -> cpus.add(t.cpu()));
    if (execution != null) {
      for (int i = 0; i < execution.retries().length(); i++) {
        cpus.add(i);
      }
    }
    // A step may appear as several trace lines (one per access): group by step index first.
    List<TraceStep> steps = new ArrayList<>();
    List<Boolean> retries = new ArrayList<>();
    for (TraceStep t : trace) {
      if (!steps.isEmpty() && steps.get(steps.size() - 1).index() == t.index()) {
        int k = steps.size() - 1;
        retries.set(k, retries.get(k) || t.action().equals("retry"));
        continue;
      }
      steps.add(t);
      retries.add(t.action().equals("retry"));
    }
    int failingStep = execution != null && execution.failed() && !steps.isEmpty()
        && execution.failingCpu() >= 0 ? lastStepOf(steps, execution.failingCpu()) : -1;
    List<Box> boxes = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      TraceStep t = steps.get(i);
      boolean failing = i == failingStep;
      Box last = boxes.isEmpty() ? null : boxes.get(boxes.size() - 1);
      if (last != null && last.cpu() == t.cpu() && last.label().equals(t.label())
          && last.to() == i && !failing && !last.failing() && last.retry() == retries.get(i)
          && t.index() != mark && steps.get(last.from()).index() != mark) {
        boxes.set(boxes.size() - 1, new Box(last.cpu(), last.from(), i + 1, last.label(),
            last.retry(), false));
      } else {
        boxes.add(new Box(t.cpu(), i, i + 1, t.label(), retries.get(i), failing));
      }
    }
    List<Integer> lanes = new ArrayList<>(cpus);
    int longest = 10;
    for (Box b : boxes) {
      longest = Math.max(longest, b.label().length() + 4);
    }
    final int LANE = (int) Math.ceil(longest * 6.7) + 24;
    Svg svg = new Svg();
    double width = LEFT + Math.max(1, steps.size()) * COL + 40;
    svg.text(20, 24, title, "title");
    if (execution != null) {
      String what = execution.failed() ? execution.outcome() + " on CPU "
          + execution.failingCpu() + " at " + execution.failingLabel() + ": " + execution.message()
          : "OK: every CPU finished";
      svg.text(20, 44, what + "   (steps " + execution.steps() + ", preemptions "
          + execution.preemptions() + ", retries per CPU " + execution.retries() + ")",
          execution.failed() ? "fail" : "legend");
    }
    for (int l = 0; l < lanes.size(); l++) {
      double y = TOP + l * (LANE + 10);
      svg.rect(LEFT - 4, y, width - LEFT - 20, LANE, l % 2 == 0 ? "#F5F7FA" : "#EEF1F5", null, 0,
          null);
      svg.text(12, y + 20, "CPU " + lanes.get(l), "lane");
    }
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).cpu() != steps.get(i - 1).cpu()) {
        double x = LEFT + i * COL - 0.5;
        svg.line(x, TOP, x, TOP + lanes.size() * (LANE + 10) - 10, "#B0BEC5", 0.8,
            "stroke-dasharray=\"2 2\"");
      }
    }
    for (Box b : boxes) {
      int l = lanes.indexOf(b.cpu());
      double x = LEFT + b.from() * COL;
      double y = TOP + l * (LANE + 10) + 4;
      double w = (b.to() - b.from()) * COL - 2;
      String fill = b.failing() ? "#E53935" : b.retry() ? "#FFB300" : "#90CAF9";
      boolean marked = false;
      for (int k = b.from(); k < b.to(); k++) {
        marked |= steps.get(k).index() == mark;
      }
      svg.rect(x, y, w, LANE - 8, fill, marked ? "#000" : "#546E7A", marked ? 2.5 : 0.6,
          "rx=\"2\"");
      String label = b.label() + (b.to() - b.from() > 1 ? " \u00D7" + (b.to() - b.from()) : "");
      double tx = x + w / 2 - 2;
      double ty = y + 8;
      svg.text(tx, ty, label, b.failing() ? "failbox" : "",
          "transform=\"rotate(90 " + Svg.n(tx) + " " + Svg.n(ty) + ")\"");
    }
    double axisY = TOP + lanes.size() * (LANE + 10) + 4;
    for (int i = 0; i < steps.size(); i += 10) {
      svg.line(LEFT + i * COL, axisY - 4, LEFT + i * COL, axisY, "#666", 0.8, null);
      svg.text(LEFT + i * COL, axisY + 10, Integer.toString(steps.get(i).index()), "tick");
    }
    svg.text(LEFT, axisY + 26, "step (one shared-memory action each) \u2192", "legend");
    double ly = axisY + 46;
    Object[][] keys = {{"#90CAF9", "step (label: kernel function:label; \u00D7n = n steps)"},
        {"#FFB300", "retry (back to a retry label)"}, {"#E53935", "failing step"}};
    double x = LEFT;
    for (Object[] k : keys) {
      svg.rect(x, ly - 10, 12, 12, (String) k[0], "#546E7A", 0.6, null);
      svg.text(x + 16, ly, (String) k[1], "legend");
      x += 30 + ((String) k[1]).length() * 6.2;
    }
    if (mark >= 0) {
      svg.rect(x, ly - 10, 12, 12, "white", "#000", 2.5, null);
      svg.text(x + 16, ly, "step " + mark + " (pictured)", "legend");
      x += 30 + 20 * 6.2;
    }
    width = Math.max(Math.max(width, x + 20), svg.maxX + 20);
    return svg.document(width, ly + 16, title, STYLE);
  }

  private static int lastStepOf(List<TraceStep> steps, int cpu) {
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (steps.get(i).cpu() == cpu) {
        return i;
      }
    }
    return -1;
  }
}
