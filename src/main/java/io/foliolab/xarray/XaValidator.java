package io.foliolab.xarray;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link XArray#validate()} and {@link XArray#validateStructure()}: structural invariants of the
 * tree, checked with raw reads (nothing is reported to the observer). The first violation is
 * returned, naming the node, the slot and the index range.
 */
final class XaValidator {
  private final XArray xa;
  private final boolean strict;
  private final Map<XaNode, Boolean> seen = new IdentityHashMap<>();

  private XaValidator(XArray xa, boolean strict) {
    this.xa = xa;
    this.strict = strict;
  }

  static Optional<String> validate(XArray xa, boolean strict) {
    return Optional.ofNullable(new XaValidator(xa, strict).check());
  }

  private String check() {
    Object head = xa.head;
    if (head == null) {
      for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
        if ((xa.markFlags >>> mark & 1) != 0) {
          return xa + ": xa_flags has mark " + mark + " set but the array is empty";
        }
      }
      return null;
    }
    if (!(head instanceof XaNode)) {
      if (XaEntry.isInternal(head)) {
        return xa + ": head holds " + XaEntry.describe(head)
            + " (only a pointer or a value may live in the head)";
      }
      return null;
    }
    XaNode root = (XaNode) head;
    if (root.shift % xa.chunkShift != 0 || root.shift >= 64) {
      return root + " (root): shift " + root.shift + " is not a multiple of "
          + xa.chunkShift + " below 64";
    }
    String v = checkNode(root, 0, null, -1, root.shift);
    if (v != null) {
      return v;
    }
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      boolean flag = (xa.markFlags >>> mark & 1) != 0;
      boolean any = root.marks[mark] != 0;
      if (flag != any) {
        return xa + ": xa_flags mark " + mark + " is " + (flag ? "set" : "clear")
            + " but the root " + root + " has " + (any ? "a" : "no") + " slot with that mark";
      }
    }
    if (strict && root.count == 1 && root.slots[0] != null
        && (root.slots[0] instanceof XaNode || root.shift == 0)) {
      return root + " (root) slot 0: tree is not minimal: the root has a single entry "
          + XaEntry.describe(root.slots[0]) + " in slot 0 and xas_shrink would remove it";
    }
    return null;
  }

  private String where(XaNode n, int slot, long base) {
    long index = base + (n.shift >= 64 ? 0 : (long) slot << n.shift);
    return n + " slot " + slot + " (index " + XaDump.range(index, n.shift) + ")";
  }

  private String checkNode(XaNode n, long base, XaNode parent, int parentOffset, int shift) {
    if (seen.put(n, Boolean.TRUE) != null) {
      return n + " (index " + XaDump.range(base, shift + xa.chunkShift)
          + "): reachable twice in the tree";
    }
    String at = n + " (index " + XaDump.range(base, shift + xa.chunkShift) + ")";
    if (n.state != XaNode.State.ALLOCATED) {
      return at + ": node in the tree is " + n.state;
    }
    if (n.array != xa) {
      return at + ": array is " + XaEntry.describe(n.array) + ", not " + xa;
    }
    if (n.slots.length != xa.chunkSize) {
      return at + ": has " + n.slots.length + " slots, the array uses " + xa.chunkSize;
    }
    if (n.parent != parent) {
      return at + ": parent is " + XaEntry.describe(n.parent) + ", expected "
          + XaEntry.describe(parent);
    }
    if (parent != null && n.offset != parentOffset) {
      return at + ": offset is " + n.offset + " but it sits in slot " + parentOffset + " of "
          + parent;
    }
    if (n.shift != shift) {
      return at + ": shift is " + n.shift + ", expected " + shift;
    }
    long validBits = xa.chunkSize == 64 ? -1L : (1L << xa.chunkSize) - 1;
    for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
      if ((n.marks[mark] & ~validBits) != 0) {
        return at + ": mark " + mark + " has bits beyond slot " + (xa.chunkSize - 1);
      }
    }

    int count = 0;
    int values = 0;
    for (int i = 0; i < xa.chunkSize; i++) {
      Object e = n.slots[i];
      boolean anyMark = ((n.marks[0] | n.marks[1] | n.marks[2]) >>> i & 1) != 0;
      if (e == null) {
        if (anyMark) {
          return where(n, i, base) + ": NULL slot carries a mark";
        }
        continue;
      }
      count++;
      if (xa.isSibling(e)) {
        int k = ((XaInternal) e).number;
        if (k >= i) {
          return where(n, i, base) + ": " + XaEntry.describe(e)
              + " does not point at an earlier slot";
        }
        Object canon = n.slots[k];
        if (canon == null || xa.isSibling(canon)) {
          return where(n, i, base) + ": " + XaEntry.describe(e) + " points at slot " + k
              + " which holds " + XaEntry.describe(canon) + ", not a canonical entry";
        }
        if (canon instanceof XaNode) {
          return where(n, i, base) + ": " + XaEntry.describe(e) + " is a sibling of node "
              + canon;
        }
        for (int j = k + 1; j < i; j++) {
          if (n.slots[j] != e) {
            return where(n, i, base) + ": " + XaEntry.describe(e) + " but slot " + j
                + " between it and its canonical slot holds " + XaEntry.describe(n.slots[j]);
          }
        }
        if (anyMark) {
          return where(n, i, base) + ": sibling slot carries a mark (marks belong on the "
              + "canonical slot " + k + ")";
        }
        if (canon instanceof XaValue) {
          values++;
        }
        continue;
      }
      if (e instanceof XaValue) {
        values++;
        continue;
      }
      if (e == XaEntry.XA_RETRY_ENTRY || e instanceof XaError) {
        return where(n, i, base) + ": " + XaEntry.describe(e) + " in a live tree";
      }
      if (e instanceof XaInternal && e != XaEntry.XA_ZERO_ENTRY) {
        return where(n, i, base) + ": unknown internal entry " + XaEntry.describe(e);
      }
      if (e instanceof XaNode) {
        if (shift == 0) {
          return where(n, i, base) + ": node pointer " + e + " in a leaf node";
        }
        XaNode child = (XaNode) e;
        long childBase = base + ((long) i << shift);
        String v = checkNode(child, childBase, n, i, shift - xa.chunkShift);
        if (v != null) {
          return v;
        }
        for (int mark = 0; mark < XArray.XA_MAX_MARKS; mark++) {
          boolean bit = (n.marks[mark] >>> i & 1) != 0;
          boolean below = child.marks[mark] != 0;
          if (bit != below) {
            return where(n, i, base) + ": mark " + mark + " is " + (bit ? "set" : "clear")
                + " but child " + child + " has " + (below ? "a" : "no")
                + " slot with that mark";
          }
        }
      }
    }
    if (n.count != count) {
      return at + ": count is " + n.count + " but " + count + " slots are non-NULL";
    }
    if (n.nrValues != values) {
      return at + ": nr_values is " + n.nrValues + " but " + values
          + " slots hold values or siblings of values";
    }
    if (strict && count == 0) {
      return at + ": empty node left in the tree";
    }
    return null;
  }
}
