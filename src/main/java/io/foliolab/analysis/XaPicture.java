package io.foliolab.analysis;

import io.foliolab.analysis.XaSnapshot.Kind;
import io.foliolab.analysis.XaSnapshot.Node;
import io.foliolab.analysis.XaSnapshot.Slot;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * SVG pictures of an XArray ({@link XaSnapshot}): every node as a strip of its 64 slots, indented
 * under its parent, with the node's shift, offset, count and index range; entries coloured one
 * colour per entry, sibling slots in the colour of the entry they point to (faded); node pointers
 * dark; the three marks as ticks under each slot. Below each strip, one line per non-empty run
 * of slots (an entry and its siblings, with the order and indices it covers); runs of small
 * entries that did not change are gathered in one line, so an order-9 entry split to order 0
 * (512 slots in 8 nodes) stays readable.
 *
 * <p>Given a "before" and an "after" snapshot, both are drawn, one above the other, with every
 * slot and node field that differs outlined in red and the old value named; nodes that appear
 * or disappear are badged. Given a lookup index, the slot it falls in is marked at every level,
 * with an arrow from a sibling slot to the slot it points to: the path {@code xas_load} and
 * {@code xas_reload} take.
 */
public final class XaPicture {
  private XaPicture() {}

  static final int CELL = 12;
  static final int STRIP = 22;
  static final int INDENT = 26;
  static final int MARGIN = 20;
  static final int LINE = 14;
  static final String[] ENTRY_COLORS = {"#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442",
      "#0072B2", "#D55E00", "#999933", "#88CCEE", "#AA4499", "#44AA99", "#DDCC77"};
  static final String[] MARK_COLORS = {"#D55E00", "#0072B2", "#7B3294"};
  static final String CHANGED = "#D50000";

  private static final String STYLE = """
      text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 11px; fill: #222; }
      .title { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 15px; font-weight: bold; }
      .panel { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 13px; font-weight: bold; fill: #333; }
      .hdr { font-weight: bold; }
      .tick { font-size: 8px; fill: #777; }
      .changed { fill: #D50000; }
      .dup { fill: #B71C1C; font-weight: bold; }
      .badge { font-size: 10px; font-weight: bold; fill: white; }
      .legend { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 11px; }
      .small { font-size: 10px; fill: #555; }
      """;

  /** A picture of one snapshot. */
  public static String svg(XaSnapshot snap, String title, OptionalLong lookupIndex) {
    return render(null, snap, title, lookupIndex);
  }

  /**
   * A before/after picture: {@code before} above {@code after}, with what differs outlined in
   * red in both.
   */
  public static String svg(XaSnapshot before, XaSnapshot after, String title,
      OptionalLong lookupIndex) {
    Objects.requireNonNull(before, "before");
    return render(before, after, title, lookupIndex);
  }

  /** Formats an index: decimal below 4096, else hex. */
  static String idx(long i) {
    return i >= 0 && i < 4096 ? Long.toString(i) : "0x" + Long.toHexString(i);
  }

  private static String render(XaSnapshot before, XaSnapshot after, String title,
      OptionalLong lookup) {
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(title, "title");
    Map<Object, String> colors = new IdentityHashMap<>();
    for (XaSnapshot s : before == null ? List.of(after) : List.of(before, after)) {
      for (Node n : s.nodes()) {
        for (Slot sl : n.slots()) {
          if (sl.kind() == Kind.ENTRY && !colors.containsKey(sl.identity())) {
            colors.put(sl.identity(), ENTRY_COLORS[colors.size() % ENTRY_COLORS.length]);
          }
        }
      }
    }
    Svg svg = new Svg();
    int maxDepth = 0;
    for (XaSnapshot s : before == null ? List.of(after) : List.of(before, after)) {
      for (Node n : s.nodes()) {
        maxDepth = Math.max(maxDepth, n.depth());
      }
    }
    int chunk = 1 << after.chunkShift();
    double width = 2 * MARGIN + maxDepth * INDENT + chunk * CELL + 40;
    width = Math.max(width, 760);
    double y = MARGIN + 14;
    svg.text(MARGIN, y, title, "title");
    y += 10;
    if (before != null) {
      y = panel(svg, before, after, "before", y, colors, lookup);
      y += 10;
      svg.line(MARGIN, y, width - MARGIN, y, "#bbb", 1, "stroke-dasharray=\"4 3\"");
      y += 6;
      y = panel(svg, after, before, "after", y, colors, lookup);
    } else {
      y = panel(svg, after, null, "", y, colors, lookup);
    }
    y = legend(svg, y + 8, width, before != null, lookup.isPresent());
    return svg.document(Math.max(width, svg.maxX + MARGIN), y + MARGIN, title, STYLE);
  }

  private static double panel(Svg svg, XaSnapshot s, XaSnapshot other, String name, double y,
      Map<Object, String> colors, OptionalLong lookup) {
    y += 18;
    String headText = "head " + s.head().label();
    if (!name.isEmpty()) {
      svg.text(MARGIN, y, name + ": " + s.name() + ", " + headText, "panel");
    } else {
      svg.text(MARGIN, y, s.name() + ", " + headText, "panel");
    }
    if (other != null && !other.head().sameAs(s.head())) {
      svg.text(MARGIN + 9 * (name.length() + s.name().length() + headText.length() + 4) * 0.92,
          y, "(changed; other: " + other.head().label() + ")", "changed");
    }
    y += 8;
    if (s.nodes().isEmpty()) {
      y += 16;
      svg.text(MARGIN + 10, y, s.head().kind() == Kind.EMPTY ? "(empty array)"
          : "(a single entry in the head: index 0 only)", "small");
      return y + 6;
    }
    Map<Integer, double[]> anchors = new java.util.HashMap<>();
    for (Node n : s.nodes()) {
      y = node(svg, s, n, other, name.equals("after"), y, colors, lookup, anchors);
    }
    return y;
  }

  private static double node(Svg svg, XaSnapshot s, Node n, XaSnapshot other, boolean isAfter,
      double y, Map<Object, String> colors, OptionalLong lookup, Map<Integer, double[]> anchors) {
    double x0 = MARGIN + n.depth() * INDENT;
    Node o = other == null ? null : other.node(n.id());
    y += 16;
    double headerY = y;
    String header = "node#" + n.id() + "  shift " + n.shift() + "  offset " + n.offset()
        + "  count " + n.count() + (n.nrValues() > 0 ? "  values " + n.nrValues() : "")
        + "  indices " + idx(n.first()) + "-" + idx(n.last(s.chunkShift()));
    svg.text(x0, y, header, "hdr");
    double after = x0 + header.length() * 6.7 + 8;
    if (other != null && o == null) {
      String badge = isAfter ? "new node" : "not in the tree after";
      svg.rect(after, y - 10, badge.length() * 6.2 + 8, 13, "#2E7D32", null, 0, "rx=\"3\"");
      svg.text(after + 4, y, badge, "badge");
    } else if (o != null) {
      List<String> diffs = new ArrayList<>();
      if (o.count() != n.count()) {
        diffs.add("count " + o.count());
      }
      if (o.shift() != n.shift()) {
        diffs.add("shift " + o.shift());
      }
      if (o.offset() != n.offset()) {
        diffs.add("offset " + o.offset());
      }
      if (o.parent() != n.parent()) {
        diffs.add("parent node#" + o.parent());
      }
      if (o.nrValues() != n.nrValues()) {
        diffs.add("values " + o.nrValues());
      }
      if (!diffs.isEmpty()) {
        svg.text(after, y, "(other: " + String.join(", ", diffs) + ")", "changed");
      }
    }
    // Connector from the parent's slot.
    double[] a = anchors.get(n.parent());
    if (a != null) {
      // Down from the slot, left to a rail beside the parent's labels, down to the child.
      double px = a[0] + CELL * n.offset() + CELL / 2.0;
      double py = a[1] + STRIP + 11;
      double rail = a[0] - 7;
      svg.raw("<path d=\"M" + Svg.n(px) + " " + Svg.n(a[1] + STRIP) + " V" + Svg.n(py) + " H"
          + Svg.n(rail) + " V" + Svg.n(headerY - 4) + " H" + Svg.n(x0 - 3)
          + "\" fill=\"none\" stroke=\"#455A64\" stroke-width=\"1\"/>");
    }
    y += 6;
    // Offset ruler.
    int chunk = n.slots().size();
    for (int i = 0; i < chunk; i += 8) {
      svg.text(x0 + i * CELL + 1, y + 6, Integer.toString(i), "tick");
    }
    y += 14;
    double stripY = y;
    anchors.put(n.id(), new double[] {x0, stripY});
    // The lookup path.
    int lookupSlot = -1;
    if (lookup.isPresent()) {
      long li = lookup.getAsLong();
      if (Long.compareUnsigned(li, n.first()) >= 0
          && Long.compareUnsigned(li, n.last(s.chunkShift())) <= 0) {
        lookupSlot = (int) ((li - n.first()) >>> n.shift()) & (chunk - 1);
      }
    }
    for (int i = 0; i < chunk; i++) {
      Slot sl = n.slots().get(i);
      double cx = x0 + i * CELL;
      String fill;
      String extra = "";
      switch (sl.kind()) {
        case EMPTY -> fill = "white";
        case ENTRY -> fill = colors.getOrDefault(sl.identity(), "#56B4E9");
        case SIBLING -> {
          Slot target = sl.sibling() >= 0 && sl.sibling() < chunk ? n.slots().get(sl.sibling())
              : null;
          fill = target != null && target.kind() == Kind.ENTRY
              ? colors.getOrDefault(target.identity(), "#ccc") : "#ddd";
          extra = "fill-opacity=\"0.45\"";
        }
        case NODE -> fill = "#455A64";
        case VALUE -> fill = "#B0BEC5";
        case RETRY -> fill = "#FF8A80";
        case ZERO -> fill = "#EEEEEE";
        default -> fill = "#9E9E9E";
      }
      svg.rect(cx, stripY, CELL, STRIP, fill, "#90A4AE", 0.6, extra);
      if (sl.kind() == Kind.SIBLING) {
        svg.line(cx + 2, stripY + STRIP - 2, cx + CELL - 2, stripY + 2, "#555", 0.8, null);
      } else if (sl.kind() == Kind.NODE) {
        svg.raw("<circle cx=\"" + Svg.n(cx + CELL / 2.0) + "\" cy=\"" + Svg.n(stripY + STRIP / 2.0)
            + "\" r=\"2.2\" fill=\"white\"/>");
      } else if (sl.kind() == Kind.RETRY) {
        svg.text(cx + 3, stripY + 15, "R", "small");
      }
      for (int m = 0; m < 3; m++) {
        if (n.marked(m, i)) {
          svg.rect(cx + 1, stripY + STRIP + 1 + m * 3.5, CELL - 2, 3, MARK_COLORS[m], null, 0,
              null);
        }
      }
    }
    // Changed slots: red outline.
    List<Integer> changed = new ArrayList<>();
    Node on = other == null ? null : other.node(n.id());
    if (other != null) {
      for (int i = 0; i < chunk; i++) {
        boolean diff = on == null || !on.slots().get(i).sameAs(n.slots().get(i));
        for (int m = 0; m < 3 && !diff; m++) {
          diff = on.marked(m, i) != n.marked(m, i);
        }
        if (diff && (on != null || n.slots().get(i).kind() != Kind.EMPTY)) {
          changed.add(i);
          svg.rect(x0 + i * CELL + 1, stripY + 1, CELL - 2, STRIP - 2, "none", CHANGED, 2.2,
              null);
        }
      }
    }
    if (lookupSlot >= 0) {
      double cx = x0 + lookupSlot * CELL + CELL / 2.0;
      svg.raw("<path d=\"M" + Svg.n(cx - 5) + " " + Svg.n(stripY - 9) + " L" + Svg.n(cx + 5) + " "
          + Svg.n(stripY - 9) + " L" + Svg.n(cx) + " " + Svg.n(stripY - 1) + " Z\" fill=\"black\"/>");
      Slot sl = n.slots().get(lookupSlot);
      if (sl.kind() == Kind.SIBLING && sl.sibling() >= 0 && sl.sibling() < chunk) {
        double tx = x0 + sl.sibling() * CELL + CELL / 2.0;
        double by = stripY + STRIP + 12;
        svg.raw("<path d=\"M" + Svg.n(cx) + " " + Svg.n(stripY + STRIP) + " C" + Svg.n(cx) + " "
            + Svg.n(by) + " " + Svg.n(tx) + " " + Svg.n(by) + " " + Svg.n(tx) + " "
            + Svg.n(stripY + STRIP + 2) + "\" fill=\"none\" stroke=\"black\" stroke-width=\"1.3\""
            + " marker-end=\"url(#arrow)\"/>");
      }
    }
    y = stripY + STRIP + 13;
    // Run labels.
    List<String[]> lines = runs(s, n, on, changed, lookup, lookupSlot, isAfter);
    for (String[] l : lines) {
      y += LINE;
      svg.text(x0 + 4, y, l[0], l[1]);
    }
    return y + 4;
  }

  /** The label lines of a node: {text, css class}. */
  static List<String[]> runs(XaSnapshot s, Node n, Node other, List<Integer> changed,
      OptionalLong lookup, int lookupSlot, boolean isAfter) {
    List<String[]> out = new ArrayList<>();
    int chunk = n.slots().size();
    Map<Object, List<String>> where = placements(s);
    if (lookupSlot >= 0) {
      Slot sl = n.slots().get(lookupSlot);
      String what = sl.kind() == Kind.SIBLING ? sl.label() + ": the entry is in slot "
          + sl.sibling() + " (" + n.slots().get(Math.min(chunk - 1, Math.max(0, sl.sibling())))
          .label() + ")" : sl.label();
      out.add(new String[] {"\u25BC index " + idx(lookup.getAsLong()) + " -> slot " + lookupSlot
          + ": " + what, "hdr"});
    }
    int i = 0;
    List<int[]> smallRun = new ArrayList<>();
    while (i < chunk) {
      Slot sl = n.slots().get(i);
      if (sl.kind() == Kind.EMPTY) {
        if (changed.contains(i)) {
          flush(out, smallRun, n, s);
          out.add(new String[] {"slot " + i + ": empty   [" + (isAfter ? "before: " : "after: ")
              + (other == null ? "no node" : other.slots().get(i).label()) + "]", "changed"});
        }
        i++;
        continue;
      }
      int j = i + 1;
      if (sl.kind() != Kind.SIBLING && sl.kind() != Kind.NODE) {
        while (j < chunk && n.slots().get(j).kind() == Kind.SIBLING
            && n.slots().get(j).sibling() == i) {
          j++;
        }
      }
      boolean anyChanged = false;
      for (int k = i; k < j; k++) {
        anyChanged |= changed.contains(k);
      }
      int span = j - i;
      List<String> also = sl.kind() == Kind.ENTRY ? new ArrayList<>(where.get(sl.identity()))
          : List.of();
      if (!also.isEmpty()) {
        also.remove("node#" + n.id() + " slot " + i);
      }
      boolean misplaced = false;
      String cover = "";
      if (sl.kind() == Kind.ENTRY && sl.entryIndex() >= 0 && sl.entryOrder() >= 0) {
        long fFirst = sl.entryIndex();
        long fLast = fFirst + (1L << sl.entryOrder()) - 1;
        long sFirst = n.first() + ((long) i << n.shift());
        long sLast = n.first() + ((long) j << n.shift()) - 1;
        misplaced = sFirst < fFirst || sLast > fLast;
        cover = "folio index " + idx(fFirst) + " order " + sl.entryOrder() + " covers "
            + idx(fFirst) + (fLast != fFirst ? "-" + idx(fLast) : "");
      }
      if (sl.kind() == Kind.ENTRY && span == 1 && !anyChanged && also.isEmpty() && !misplaced) {
        smallRun.add(new int[] {i});
        i = j;
        continue;
      }
      flush(out, smallRun, n, s);
      String range = span == 1 ? "slot " + i : "slots " + i + "-" + (j - 1);
      long first = n.first() + ((long) i << n.shift());
      long last = n.first() + ((long) j << n.shift()) - 1;
      String text;
      switch (sl.kind()) {
        case NODE -> text = range + ": " + sl.label() + " (indices " + idx(first) + "-"
            + idx(last) + ")";
        case SIBLING -> text = range + ": " + sl.label() + " -> slot " + sl.sibling()
            + (sl.sibling() < i ? "" : " (points forward!)");
        default -> {
          int order = n.shift() + Integer.numberOfTrailingZeros(span);
          String ord = Integer.bitCount(span) == 1 ? "order " + order : span + " slots";
          text = range + ": " + sl.label() + (span > 1 ? " + " + (span - 1) + " sibling"
              + (span > 2 ? "s" : "") : "") + ", " + ord + ", indices " + idx(first)
              + (last != first ? "-" + idx(last) : "");
        }
      }
      if (anyChanged && other != null) {
        text += "   [" + (isAfter ? "before: " : "after: ") + otherRuns(other, changed, i, j)
            + "]";
      } else if (anyChanged) {
        text += isAfter ? "   [new node]" : "   [node gone after]";
      }
      if (misplaced) {
        text += "   !! the folio does not contain these indices: " + cover;
      } else if (!cover.isEmpty() && sl.entryOrder() != n.shift()
          + Integer.numberOfTrailingZeros(span)) {
        text += "   (" + cover + ")";
      }
      if (!also.isEmpty()) {
        text += "   (also in " + String.join(", ", also) + ")";
      }
      out.add(new String[] {text, misplaced ? "dup" : anyChanged ? "changed" : ""});
      i = j;
    }
    flush(out, smallRun, n, s);
    return out;
  }

  /** Where each entry sits as a canonical (non-sibling) slot: "node#N slot K", in order. */
  static Map<Object, List<String>> placements(XaSnapshot s) {
    Map<Object, List<String>> m = new IdentityHashMap<>();
    for (Node n : s.nodes()) {
      for (int i = 0; i < n.slots().size(); i++) {
        Slot sl = n.slots().get(i);
        if (sl.kind() == Kind.ENTRY) {
          m.computeIfAbsent(sl.identity(), k -> new ArrayList<>()).add("node#" + n.id()
              + " slot " + i);
        }
      }
    }
    return m;
  }

  /** The other picture's labels of the changed slots in [i, j), equal neighbours as ranges. */
  static String otherRuns(Node other, List<Integer> changed, int i, int j) {
    StringBuilder w = new StringBuilder();
    int k = i;
    while (k < j) {
      if (!changed.contains(k)) {
        k++;
        continue;
      }
      Slot o = other.slots().get(k);
      String label = o.label() + (o.entryOrder() >= 0 ? " order " + o.entryOrder() : "");
      int e = k + 1;
      while (e < j && changed.contains(e) && other.slots().get(e).sameAs(o)) {
        e++;
      }
      w.append(w.length() == 0 ? "" : "; ").append(e - k == 1 ? "slot " + k
          : "slots " + k + "-" + (e - 1)).append(' ').append(label);
      k = e;
    }
    return w.toString();
  }

  /** Gathers unchanged single-slot entries: individually when few, else as one line. */
  private static void flush(List<String[]> out, List<int[]> run, Node n, XaSnapshot s) {
    if (run.isEmpty()) {
      return;
    }
    if (run.size() < 4) {
      for (int[] r : run) {
        long index = n.first() + ((long) r[0] << n.shift());
        out.add(new String[] {"slot " + r[0] + ": " + n.slots().get(r[0]).label() + ", order "
            + n.shift() + ", index " + idx(index), ""});
      }
    } else {
      int a = run.get(0)[0];
      int b = run.get(run.size() - 1)[0];
      boolean contiguous = b - a + 1 == run.size();
      out.add(new String[] {(contiguous ? "slots " + a + "-" + b : run.size() + " slots in "
          + a + "-" + b) + ": " + run.size() + " entries of order " + n.shift() + " ("
          + n.slots().get(a).label() + " ... " + n.slots().get(b).label() + ")", ""});
    }
    run.clear();
  }

  private static double legend(Svg svg, double y, double width, boolean diff, boolean lookup) {
    y += 14;
    double x = MARGIN;
    svg.raw("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\""
        + " markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5"
        + " L0 10 z\" fill=\"black\"/></marker></defs>");
    Object[][] keys = {{"#56B4E9", "", "entry (a colour per entry)"},
        {"#56B4E9", "fill-opacity=\"0.45\"", "sibling (faded colour of its entry)"},
        {"#455A64", "", "node pointer"}, {"#B0BEC5", "", "value (shadow) entry"},
        {"#FF8A80", "", "retry entry"}};
    for (Object[] k : keys) {
      if (x + ((String) k[2]).length() * 6.1 > width - MARGIN) {
        x = MARGIN;
        y += 18;
      }
      svg.rect(x, y - 10, CELL, 13, (String) k[0], "#90A4AE", 0.6, (String) k[1]);
      svg.text(x + CELL + 4, y, (String) k[2], "legend");
      x += CELL + 10 + ((String) k[2]).length() * 6.1;
    }
    y += 18;
    x = MARGIN;
    String[] marks = {"mark 0 (dirty)", "mark 1 (writeback)", "mark 2 (towrite)"};
    for (int m = 0; m < 3; m++) {
      svg.rect(x, y - 6, CELL - 2, 3, MARK_COLORS[m], null, 0, null);
      svg.text(x + CELL + 2, y, marks[m], "legend");
      x += CELL + 12 + marks[m].length() * 6.1;
    }
    if (diff) {
      if (x + 36 * 6.1 > width - MARGIN) {
        x = MARGIN;
        y += 18;
      }
      svg.rect(x, y - 10, CELL, 13, "none", CHANGED, 2.2, null);
      svg.text(x + CELL + 4, y, "differs between before and after", "legend");
      x += CELL + 14 + 32 * 6.1;
    }
    if (lookup) {
      if (x + 56 * 6.1 > width - MARGIN) {
        x = MARGIN;
        y += 18;
      }
      svg.raw("<path d=\"M" + Svg.n(x) + " " + Svg.n(y - 9) + " L" + Svg.n(x + 10) + " "
          + Svg.n(y - 9) + " L" + Svg.n(x + 5) + " " + Svg.n(y - 1) + " Z\" fill=\"black\"/>");
      svg.text(x + 14, y, "slot of the lookup index (arrow: sibling to its entry)", "legend");
    }
    return y + 4;
  }
}
