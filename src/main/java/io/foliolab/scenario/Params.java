package io.foliolab.scenario;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableLongArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The resolved parameters of one scenario run: every declared parameter with its value (given or
 * default), checked against its range. Immutable; prints as {@code name=value,...} in declaration
 * order, the form used in tables and on the command line.
 */
public final class Params {
  private final ImmutableMap<String, ImmutableLongArray> values;

  private Params(Map<String, ImmutableLongArray> values) {
    this.values = ImmutableMap.copyOf(values);
  }

  /**
   * Resolves {@code given} (name -> text) against {@code declared}: unknown names, malformed
   * integers and values out of range are rejected with a message that lists what is valid.
   */
  public static Params resolve(String scenario, List<Param> declared, Map<String, String> given) {
    for (String name : given.keySet()) {
      checkArgument(declared.stream().anyMatch(p -> p.name().equals(name)),
          "scenario %s has no parameter '%s'; valid parameters: %s", scenario, name,
          declared.stream().map(Param::name).collect(Collectors.joining(", ")));
    }
    Map<String, ImmutableLongArray> v = new LinkedHashMap<>();
    for (Param p : declared) {
      String text = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue().apply(new Params(v));
      v.put(p.name(), parse(scenario, p, text));
    }
    return new Params(v);
  }

  private static ImmutableLongArray parse(String scenario, Param p, String text) {
    String[] parts = p.list() ? text.split(",", -1) : new String[] {text};
    ImmutableLongArray.Builder b = ImmutableLongArray.builder();
    for (String part : parts) {
      long x = parseLong(scenario, p.name(), part);
      checkArgument(x >= p.min() && x <= p.max(), "scenario %s: %s=%s is out of range; allowed %s..%s",
          scenario, p.name(), part.trim(), show(p.min()), show(p.max()));
      b.add(x);
    }
    return b.build();
  }

  /** Parses decimal or {@code 0x} hex; the message names the parameter and the bad text. */
  static long parseLong(String scenario, String name, String text) {
    String t = text.trim();
    try {
      return t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("scenario " + scenario + ": " + name + "='" + text
          + "' is not an integer (decimal, or hex with 0x)");
    }
  }

  /** The integer value of {@code name}. */
  public long get(String name) {
    ImmutableLongArray a = values.get(name);
    checkArgument(a != null, "no parameter '%s'; have %s", name, values.keySet());
    checkArgument(a.length() == 1, "parameter %s is a list", name);
    return a.get(0);
  }

  /** {@link #get} as an int, for counts and orders. */
  public int getInt(String name) {
    return Math.toIntExact(get(name));
  }

  /** The list value of {@code name}. */
  public ImmutableLongArray list(String name) {
    ImmutableLongArray a = values.get(name);
    checkArgument(a != null, "no parameter '%s'; have %s", name, values.keySet());
    return a;
  }

  /** Parameter names in declaration order. */
  public ImmutableList<String> names() {
    return values.keySet().asList();
  }

  /** Shows an integer the way kernel developers read it: hex from 0x100 up, decimal below. */
  public static String show(long v) {
    return v >= 0x100 ? "0x" + Long.toHexString(v) : Long.toString(v);
  }

  @Override
  public String toString() {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().stream()
        .mapToObj(Params::show).collect(Collectors.joining(","))).collect(Collectors.joining(" "));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Params && ((Params) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
