package io.foliolab.sim;

import com.google.common.collect.ImmutableMap;
import java.util.Objects;

/**
 * An immutable snapshot of the object a failure is about (usually a folio): a kind, a dump in the
 * style of the kernel's {@code dump_page}, and named fields for tables.
 *
 * @param kind what the object is ({@code "folio"}, {@code "xa_node"}, ...)
 * @param dump a multi-line description
 * @param fields selected fields by name (values are Long, Integer, Boolean or String)
 */
public record Subject(String kind, String dump, ImmutableMap<String, Object> fields) {
  /** A model object that can describe itself for a failure report. */
  public interface Source {
    /** A snapshot of the object's current state. */
    Subject snapshot();
  }

  public Subject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dump, "dump");
    Objects.requireNonNull(fields, "fields");
  }

  /** A snapshot of {@code o}: its own if it is a {@link Source}, else its {@code toString}. */
  public static Subject of(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Source s) {
      return s.snapshot();
    }
    if (o instanceof Subject s) {
      return s;
    }
    return new Subject(o.getClass().getSimpleName(), String.valueOf(o), ImmutableMap.of());
  }
}
