package io.foliolab.analysis;

import io.foliolab.explore.Execution;
import io.foliolab.sim.Subject;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads the fields of a failing execution's {@link Subject} that tables, charts and oops matching
 * use. For a folio ({@code kind "folio"}) the page-cache model records {@code index},
 * {@code order}, {@code flags} and {@code refcount} (and optionally {@code mapcount}); the
 * failing path's lookup index is {@code lookup_index} (or {@code lookupIndex}). A field the
 * subject does not carry is empty. Values may be any {@link Number}; flags may be a String of
 * names or a number.
 */
public final class FailureFields {
  private FailureFields() {}

  /** The subject's field {@code name} as a long, if it is a number. */
  public static OptionalLong longField(Subject s, String name) {
    if (s == null) {
      return OptionalLong.empty();
    }
    Object v = s.fields().get(name);
    return v instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
  }

  private static boolean isFolio(Execution e) {
    return e.subject() != null && e.subject().kind().equals("folio");
  }

  /** The folio's index ({@code folio->index}), when the subject is a folio. */
  public static OptionalLong folioIndex(Execution e) {
    return isFolio(e) ? longField(e.subject(), "index") : OptionalLong.empty();
  }

  /** The folio's order, when the subject is a folio. */
  public static OptionalInt folioOrder(Execution e) {
    OptionalLong v = isFolio(e) ? longField(e.subject(), "order") : OptionalLong.empty();
    return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
  }

  /** The folio's refcount, when the subject is a folio. */
  public static OptionalInt folioRefcount(Execution e) {
    OptionalLong v = isFolio(e) ? longField(e.subject(), "refcount") : OptionalLong.empty();
    return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
  }

  /** The folio's flags as text ("" when absent): names as the model prints them. */
  public static String folioFlags(Execution e) {
    if (!isFolio(e)) {
      return "";
    }
    Object v = e.subject().fields().get("flags");
    return v == null ? "" : v.toString();
  }

  /** The index the failing path was looking up, if recorded (any subject kind). */
  public static OptionalLong lookupIndex(Execution e) {
    OptionalLong v = longField(e.subject(), "lookup_index");
    return v.isPresent() ? v : longField(e.subject(), "lookupIndex");
  }

  /** The kernel function of a step label {@code "function:pc"} (the label itself if no colon). */
  public static String function(String label) {
    int colon = label.indexOf(':');
    return colon < 0 ? label : label.substring(0, colon);
  }
}
