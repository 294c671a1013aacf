package io.foliolab.xarray;

import java.util.IdentityHashMap;
import java.util.Map;

/** {@link XArray#dump()}: a deterministic text dump in the spirit of {@code xa_dump}. */
final class XaDump {
  private XaDump() {}

  static String dump(XArray xa) {
    StringBuilder sb = new StringBuilder();
    Object head = xa.head;
    sb.append("xarray ").append(xa.name()).append(": head ").append(XaEntry.describe(head))
        .append(" marks");
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      sb.append(' ').append(xa.markFlags >>> mark & 1);
    }
    sb.append('\n');
    if (head instanceof XaNode) {
      dumpNode(xa, sb, (XaNode) head, 0, 1, new IdentityHashMap<>());
    } else if (head != null) {
      sb.append("  0: ").append(XaEntry.describe(head)).append('\n');
    }
    return sb.toString();
  }

  private static void dumpNode(XArray xa, StringBuilder sb, XaNode n, long base, int depth,
      Map<XaNode, Boolean> seen) {
    indent(sb, depth);
    if (seen.put(n, Boolean.TRUE) != null) {
      sb.append(n).append(" (already dumped: cycle or shared node)\n");
      return;
    }
    int shift = n.shift;
    sb.append(n).append(' ').append(range(base, shift + xa.chunkShift))
        .append(" shift ").append(shift)
        .append(n.parent == null ? " max " : " offset ").append(n.offset)
        .append(" count ").append(n.count)
        .append(" values ").append(n.nrValues)
        .append(" parent ").append(XaEntry.describe(n.parent))
        .append(" array ").append(XaEntry.describe(n.array))
        .append(" marks");
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      sb.append(' ').append(Long.toHexString(n.marks[mark]));
    }
    if (n.state != XaNode.State.ALLOCATED) {
      sb.append(" [").append(n.state).append(']');
    }
    sb.append('\n');
    for (int i = 0; i < n.slots.length; i++) {
      Object e = n.slots[i];
      boolean marked = ((n.marks[0] | n.marks[1] | n.marks[2]) >>> i & 1) != 0;
      if (e == null && !marked) {
        continue;
      }
      long index = base + (shift >= 64 ? 0 : (long) i << shift);
      indent(sb, depth + 1);
      sb.append(i).append(' ').append(range(index, shift)).append(": ")
          .append(XaEntry.describe(e));
      if (marked) {
        sb.append(" [marks");
        for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
          if ((n.marks[mark] >>> i & 1) != 0) {
            sb.append(' ').append(mark);
          }
        }
        sb.append(']');
      }
      sb.append('\n');
      if (e instanceof XaNode && shift != 0) {
        dumpNode(xa, sb, (XaNode) e, index, depth + 2, seen);
      }
    }
  }

  /** {@code first-last} of a range of {@code 2^bits} indices (or a single index). */
  static String range(long first, int bits) {
    if (bits == 0) {
      return Long.toUnsignedString(first);
    }
    long last = bits >= 64 ? -1L : first + (1L << bits) - 1;
    return Long.toUnsignedString(first) + "-" + Long.toUnsignedString(last);
  }

  private static void indent(StringBuilder sb, int depth) {
    for (int i = 0; i < depth; i++) {
      sb.append("  ");
    }
  }
}
