package io.foliolab.mm;

import io.foliolab.sim.Invariant;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaState;
import java.util.IdentityHashMap;
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
}
