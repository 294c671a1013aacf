package io.foliolab.analysis;

import com.google.common.collect.ImmutableList;
import io.foliolab.mm.Folio;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaNode;
import io.foliolab.xarray.XaStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state of an {@link XArray} at one moment, for pictures: the head, and every node reachable
 * from it (pre-order) with its fields, slots and marks. Taken with raw reads ({@code peek*}), so
 * taking a snapshot is not an access of the simulated machine. The snapshot keeps the identity
 * of each entry (to tell a changed slot from one that prints the same) but copies everything it
 * shows; it is immutable except that it holds those identities.
 *
 * @param name the array's name
 * @param chunkShift {@code XA_CHUNK_SHIFT}
 * @param head the head entry
 * @param markFlags the three mark summary bits of {@code xa_flags}
 * @param nodes the reachable nodes in pre-order (parents before children, slots in order)
 */
public record XaSnapshot(String name, int chunkShift, Slot head, int markFlags,
    ImmutableList<Node> nodes) {
  /** What a slot holds. */
  public enum Kind { EMPTY, ENTRY, VALUE, SIBLING, NODE, RETRY, ZERO, OTHER }

  /**
   * One slot (or the head).
   *
   * @param kind what it holds
   * @param label {@link XaEntry#describe} of the entry at snapshot time
   * @param sibling for a sibling entry, the offset it points to; else -1
   * @param child for a node pointer, the child's id; else -1
   * @param identity the entry object (compared by identity only)
   * @param entryIndex for a folio ({@link io.foliolab.mm.Folio}), its index at snapshot time;
   *     else -1
   * @param entryOrder for a folio, its order at snapshot time; else -1
   */
  public record Slot(Kind kind, String label, int sibling, int child, Object identity,
      long entryIndex, int entryOrder) {
    Slot(Kind kind, String label, int sibling, int child, Object identity) {
      this(kind, label, sibling, child, identity, -1, -1);
    }

    /** Same entry object and same text. */
    public boolean sameAs(Slot o) {
      return o != null && identity == o.identity && label.equals(o.label) && kind == o.kind
          && entryIndex == o.entryIndex && entryOrder == o.entryOrder;
    }
  }

  /**
   * One node.
   *
   * @param id the node's id ({@code node#id})
   * @param depth 0 for the node under the head
   * @param parent the parent's id, or -1
   * @param shift {@code node->shift}
   * @param offset {@code node->offset}
   * @param count {@code node->count}
   * @param nrValues {@code node->nr_values}
   * @param first the first index the node covers
   * @param slots its {@code XA_CHUNK_SIZE} slots
   * @param marks its three mark bitmaps
   */
  public record Node(int id, int depth, int parent, int shift, int offset, int count,
      int nrValues, long first, ImmutableList<Slot> slots, ImmutableList<Long> marks) {
    /** The last index the node covers. */
    public long last(int chunkShift) {
      int bits = shift + chunkShift;
      return bits >= 64 ? -1L : first + (1L << bits) - 1;
    }

    /** Whether mark {@code mark} is set on slot {@code offset}. */
    public boolean marked(int mark, int offset) {
      return (marks.get(mark) >>> offset & 1) != 0;
    }
  }

  /** Snapshots {@code xa} now. */
  public static XaSnapshot of(XArray xa) {
    Objects.requireNonNull(xa, "xa");
    List<Node> nodes = new ArrayList<>();
    Map<XaNode, Boolean> seen = new IdentityHashMap<>();
    Object head = xa.peekHead();
    if (head instanceof XaNode n) {
      walk(xa, n, -1, 0, 0, nodes, seen);
    }
    int flags = 0;
    for (int m = 0; m < XArray.XA_MAX_MARKS; m++) {
      flags |= xa.peekFlagMark(m) ? 1 << m : 0;
    }
    return new XaSnapshot(xa.name(), xa.chunkShift(), slot(head), flags,
        ImmutableList.copyOf(nodes));
  }

  private static void walk(XArray xa, XaNode n, int parent, int depth, long first,
      List<Node> out, Map<XaNode, Boolean> seen) {
    if (seen.put(n, Boolean.TRUE) != null) {
      return; // a cycle or a shared node: drawn once
    }
    int shift = n.peekShift();
    ImmutableList.Builder<Slot> slots = ImmutableList.builder();
    for (int i = 0; i < n.chunkSize(); i++) {
      slots.add(slot(n.peekSlot(i)));
    }
    ImmutableList.Builder<Long> marks = ImmutableList.builder();
    for (int m = 0; m < XArray.XA_MAX_MARKS; m++) {
      marks.add(n.peekMarks(m));
    }
    out.add(new Node(n.id(), depth, parent, shift, n.peekOffset(), n.peekCount(),
        n.peekNrValues(), first, slots.build(), marks.build()));
    if (shift == 0) {
      return;
    }
    for (int i = 0; i < n.chunkSize(); i++) {
      if (n.peekSlot(i) instanceof XaNode c) {
        walk(xa, c, n.id(), depth + 1, first + ((long) i << shift), out, seen);
      }
    }
  }

  static Slot slot(Object e) {
    String label = XaEntry.describe(e);
    if (e == null) {
      return new Slot(Kind.EMPTY, label, -1, -1, null);
    }
    if (e instanceof XaNode n) {
      return new Slot(Kind.NODE, label, -1, n.id(), e);
    }
    if (XaEntry.isValue(e)) {
      return new Slot(Kind.VALUE, label, -1, -1, e);
    }
    if (XaEntry.isSibling(e)) {
      return new Slot(Kind.SIBLING, label, XaEntry.toSibling(e), -1, e);
    }
    if (XaEntry.isRetry(e)) {
      return new Slot(Kind.RETRY, label, -1, -1, e);
    }
    if (XaEntry.isZero(e)) {
      return new Slot(Kind.ZERO, label, -1, -1, e);
    }
    if (XaEntry.isInternal(e)) {
      return new Slot(Kind.OTHER, label, -1, -1, e);
    }
    if (e instanceof Folio f) {
      return new Slot(Kind.ENTRY, label, -1, -1, e, f.peekIndex(), f.peekOrder());
    }
    return new Slot(Kind.ENTRY, label, -1, -1, e);
  }

  /** The node with id {@code id}, or null. */
  public Node node(int id) {
    for (Node n : nodes) {
      if (n.id() == id) {
        return n;
      }
    }
    return null;
  }

  /**
   * Snapshots of {@code xa} before and after {@code stores} (a recorded write-side operation,
   * already applied): the stores are undone in reverse order for the "before" snapshot and then
   * redone, so {@code xa} ends as it was. Call with no CPU running on {@code xa}.
   */
  public static XaSnapshot[] beforeAfter(XArray xa, List<XaStore> stores) {
    XaSnapshot after = of(xa);
    for (int i = stores.size() - 1; i >= 0; i--) {
      stores.get(i).undo();
    }
    XaSnapshot before = of(xa);
    for (XaStore s : stores) {
      s.redo();
    }
    return new XaSnapshot[] {before, after};
  }
}
