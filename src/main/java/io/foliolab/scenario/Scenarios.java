package io.foliolab.scenario;

import com.google.common.collect.ImmutableMap;
import java.util.Collection;

/** The registry of named scenarios, in the order the command line lists them. */
public final class Scenarios {
  private static final ImmutableMap<String, Scenario> ALL = index(
      // one line per scenario class
      new SplitWrongSlot(),
      new Willy1499(),
      new DirtySiblingTag(),
      new AddFolioStaleNodes(),
      new ShmemSwapinHang(),
      new ShmemAnonHijack(),
      new KhugepagedReuse());

  private Scenarios() {}

  private static ImmutableMap<String, Scenario> index(Scenario... scenarios) {
    ImmutableMap.Builder<String, Scenario> b = ImmutableMap.builder();
    for (Scenario s : scenarios) {
      b.put(s.name(), s);
    }
    return b.buildOrThrow();
  }

  /** Every registered scenario. */
  public static Collection<Scenario> all() {
    return ALL.values();
  }

  /** The scenario called {@code name}, or an exception listing the valid names. */
  public static Scenario get(String name) {
    Scenario s = ALL.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unknown scenario '" + name + "'; valid scenarios: "
          + String.join(", ", ALL.keySet()));
    }
    return s;
  }
}
