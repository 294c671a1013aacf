package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkNotNull;

import io.foliolab.sim.Invariant;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaNode;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaState;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consistency checks of a page cache when every CPU has finished (an exit check, see
 * {@link io.foliolab.sim.Machine#addExitCheck}): the kernel's own invariants, not expected
 * outcomes. A failure gives {@code CORRUPTION}.
 *
 * <ul>
 *   <li>the XArray is structurally valid ({@link XArray#validateStructure()});
 *   <li>every folio reachable at an index of [first, last] contains that index and belongs to the
 *       mapping;
 *   <li>with no CPU running, every such folio is unlocked and holds exactly the page cache's
 *       references ({@code folio_nr_pages}, +1 with {@code PG_private}): no reference leaked or
 *       lost.
 * </ul>
 *
 * And {@link #reachableSlots}: every slot reachable from the root holds an entry the page cache
 * may hold there, a check that may also run after every step ({@link #reachable}).
 */
public final class PageCacheCheck {
  private PageCacheCheck() {}

  /** The exit check for indices [first, last] of {@code mapping}. */
  public static Invariant atExit(AddressSpace mapping, long first, long last) {
    return () -> check(mapping, first, last);
  }

  static String check(AddressSpace mapping, long first, long last) {
    XArray xa = mapping.iPages();
    XaObserver o = xa.observer();
    xa.setObserver(null);
    try {
      Optional<String> bad = xa.validateStructure();
      if (bad.isPresent()) {
        return "i_pages: " + bad.get();
      }
      Map<Folio, Boolean> seen = new IdentityHashMap<>();
      for (long i = first; Long.compareUnsigned(i, last) <= 0; i++) {
        Object e = new XaState(xa, i).load();
        if (e instanceof Folio) {
          Folio f = (Folio) e;
          if (!f.peekContains(i)) {
            return "page cache index 0x" + Long.toHexString(i) + " holds " + f + " (index 0x"
                + Long.toHexString(f.peekIndex()) + ", order " + f.peekOrder()
                + "), which does not contain it";
          }
          if (f.peekMapping() != mapping) {
            return f + " at index 0x" + Long.toHexString(i) + " has mapping "
                + f.peekMapping();
          }
          if (seen.put(f, Boolean.TRUE) == null) {
            long want = f.peekNrPages() + (f.peekFlag(PageFlags.PG_private) ? 1 : 0);
            if (f.peekRefcount() != want) {
              return f + " has refcount " + f.peekRefcount() + " at exit; the page cache holds "
                  + want + " (a reference was leaked or lost)";
            }
            if (f.peekFlag(PageFlags.PG_locked)) {
              return f + " is still locked at exit";
            }
          }
        } else if (e != null && !XaEntry.isValue(e)) {
          return "page cache index 0x" + Long.toHexString(i) + " holds "
              + XaEntry.describe(e);
        }
        if (i == last) {
          break;
        }
      }
      return null;
    } finally {
      xa.setObserver(o);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reachable slots (added for add-folio-stale-nodes): a check that may run after every step.

  /**
   * An invariant for {@link io.foliolab.sim.Machine#addInvariant} and exit checks:
   * {@link #reachableSlots(AddressSpace)}.
   */
  public static Invariant reachable(AddressSpace mapping) {
    return () -> reachableSlots(mapping);
  }

  /**
   * Checks the slots of {@code mapping->i_pages} (not kernel code: the kernel has no such check,
   * its debug builds only catch the consequences). Every slot reachable from the root must hold
   *
   * <ul>
   *   <li>NULL or a value entry (a workingset shadow or a swap entry: any value is accepted, so a
   *       stale shadow is not flagged);
   *   <li>a sibling entry naming an earlier slot of the same node;
   *   <li>a node (checked recursively);
   *   <li>or a live folio of this mapping that covers the slot: {@code folio->mapping} is the
   *       mapping and {@code [folio->index, folio->index + folio_nr_pages)} contains every index
   *       the slot stands for.
   * </ul>
   *
   * Anything else (a folio that was removed from the cache or freed, whose {@code mapping} is NULL
   * or another file's; a folio stored where it does not belong; a retry or zero entry) is reported.
   * Reads are raw ({@code peek}): the check runs between steps and reports no access.
   *
   * <p>A folio being split is legitimately stored in slots its shrinking order no longer covers
   * (until the split stores the new pieces), so this check is meant for scenarios in which no
   * folio is split, or for states where no split is in progress.
   *
   * @return null if every reachable slot is acceptable; otherwise a message naming the first bad
   *     entry and every index (ascending) at which that same entry is reachable
   */
  public static String reachableSlots(AddressSpace mapping) {
    checkNotNull(mapping, "mapping");
    XArray xa = mapping.iPages();
    Map<Object, List<String>> bad = new LinkedHashMap<>();
    Map<Object, String> why = new LinkedHashMap<>();
    Object head = xa.peekHead();
    if (head instanceof XaNode) {
      walk(mapping, (XaNode) head, 0, bad, why);
    } else if (head != null) {
      String w = judge(mapping, head, 0, 0, -1, 0);
      if (w != null) {
        bad.computeIfAbsent(head, k -> new ArrayList<>()).add("0x0 (head)");
        why.putIfAbsent(head, w);
      }
    }
    if (bad.isEmpty()) {
      return null;
    }
    Map.Entry<Object, List<String>> first = bad.entrySet().iterator().next();
    Object e = first.getKey();
    return mapping.name() + ".i_pages: " + why.get(e) + "; " + describe(e) + " is reachable at "
        + (first.getValue().size() == 1 ? "index " : "indices ")
        + String.join(", ", first.getValue());
  }

  private static void walk(AddressSpace mapping, XaNode node, long base, Map<Object,
      List<String>> bad, Map<Object, String> why) {
    int shift = node.peekShift();
    int chunk = node.chunkSize();
    for (int i = 0; i < chunk; i++) {
      Object e = node.peekSlot(i);
      long first = base + ((long) i << shift);
      if (e instanceof XaNode) {
        walk(mapping, (XaNode) e, first, bad, why);
        continue;
      }
      String w = judge(mapping, e, first, shift, i, chunk);
      if (w != null) {
        bad.computeIfAbsent(e, k -> new ArrayList<>())
            .add("0x" + Long.toHexString(first) + " (" + node + " slot " + i + ")");
        why.putIfAbsent(e, w);
      }
    }
  }

  /** Null if {@code e} may stand at slot {@code slot} (first index {@code first}), else why not. */
  private static String judge(AddressSpace mapping, Object e, long first, int shift, int slot,
      int chunk) {
    if (e == null || XaEntry.isValue(e)) {
      return null;
    }
    if (XaEntry.isSibling(e)) {
      int k = XaEntry.toSibling(e);
      return slot >= 0 && k < slot ? null
          : "a sibling of slot " + k + " stands at slot " + slot + " (not an earlier slot)";
    }
    if (e instanceof Folio) {
      Folio f = (Folio) e;
      AddressSpace m = f.peekMapping();
      if (m != mapping) {
        return "stale " + f.name() + " (mapping " + (m == null ? "NULL" : m.name())
            + ", refcount " + f.peekRefcount() + ") is not a live folio of " + mapping.name();
      }
      long last = first + (1L << shift) - 1;
      long fi = f.peekIndex();
      long fl = fi + f.peekNrPages() - 1;
      if (Long.compareUnsigned(first, fi) < 0 || Long.compareUnsigned(last, fl) > 0) {
        return f.name() + " (index 0x" + Long.toHexString(fi) + ", order " + f.peekOrder()
            + ") does not cover the slot's indices 0x" + Long.toHexString(first) + "..0x"
            + Long.toHexString(last);
      }
      return null;
    }
    return XaEntry.describe(e) + " is not an entry the page cache stores";
  }

  private static String describe(Object e) {
    return e instanceof Folio ? ((Folio) e).name() : XaEntry.describe(e);
  }
}
