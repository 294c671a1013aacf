package io.foliolab.cli;

import io.foliolab.explore.Execution;
import io.foliolab.sim.Subject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the command line shows of a failing execution's subject (usually a folio): its index,
 * order, flags and refcount, and the index the failing path was looking up. Fields a subject
 * does not carry are null.
 */
final class FailureView {
  private FailureView() {}

  /** The {@code folio} object of the JSON output, or null when the subject is not a folio. */
  static Map<String, Object> folio(Execution e) {
    Subject s = e.subject();
    if (s == null || !s.kind().equals("folio")) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", field(s, "index"));
    m.put("order", field(s, "order"));
    m.put("flags", field(s, "flags"));
    m.put("refcount", field(s, "refcount"));
    return m;
  }

  /** The lookup index recorded with the failure, or null. */
  static Object lookupIndex(Execution e) {
    Subject s = e.subject();
    if (s == null) {
      return null;
    }
    Object v = field(s, "lookup_index");
    return v != null ? v : field(s, "lookupIndex");
  }

  private static Object field(Subject s, String name) {
    return s.fields().get(name);
  }
}
