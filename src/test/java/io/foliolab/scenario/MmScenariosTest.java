package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registration, parameters and determinism of the page-cache scenarios. */
class MmScenariosTest {
  @Test
  void registeredWithParamsVariantsAndTexts() {
    Scenario s = Scenarios.get("split-wrong-slot");
    assertEquals("000", s.seed());
    assertEquals(List.of("v6.18", "577a1f495fd7", "rfc-2026-03"), s.variants());
    Params p = Params.resolve(s.name(), s.params(), Map.of());
    assertEquals(2, p.get("order"));
    assertEquals(0x7650, p.get("index"));
    assertEquals(0x7653, p.get("split_at"));
    assertEquals(1, p.get("readers"));
    assertEquals(0x765f, Params.resolve(s.name(), s.params(), Map.of("order", "4"))
        .get("split_at"));
    Scenario w = Scenarios.get("willy-1499");
    assertEquals(List.of("v6.18", "reload-canonical"), w.variants());
    Params q = Params.resolve(w.name(), w.params(), Map.of());
    assertEquals(8, q.get("new_order"));
    assertEquals(List.of(1499L, 1030L, 1300L, 1100L, 1400L, 1535L),
        q.list("indices").asList());
    for (Scenario x : List.of(s, w)) {
      assertFalse(x.description().isEmpty());
      assertTrue(x.pressure().contains("p"));
      for (String v : x.variants()) {
        assertTrue(x.variantDescription(v).startsWith(v), v);
      }
    }
  }

  @Test
  void badVariantsAndParametersAreRejectedWithTheValidOnes() {
    Scenario s = Scenarios.get("split-wrong-slot");
    Params ok = Params.resolve(s.name(), s.params(), Map.of());
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
        () -> s.model("v6.17", ok));
    assertTrue(v.getMessage().contains("'v6.17'") && v.getMessage().contains("577a1f495fd7"));
    Params unaligned = Params.resolve(s.name(), s.params(), Map.of("index", "0x7651"));
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
        () -> s.model("v6.18", unaligned));
    assertTrue(a.getMessage().contains("0x7651"), a.getMessage());
    Params outside = Params.resolve(s.name(), s.params(), Map.of("split_at", "0x7660"));
    assertThrows(IllegalArgumentException.class, () -> s.model("v6.18", outside));
    Scenario w = Scenarios.get("willy-1499");
    Params tooMany = Params.resolve(w.name(), w.params(), Map.of("readers", "3",
        "indices", "1499,1030"));
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
        () -> w.model("v6.18", tooMany));
    assertTrue(r.getMessage().contains("readers=3"), r.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Params.resolve(w.name(), w.params(),
        Map.of("indices", "1499,2000")));
  }

  @Test
  void explorationIsDeterministic() {
    Scenario s = Scenarios.get("split-wrong-slot");
    List<List<String>> runs = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      List<String> out = new ArrayList<>();
      Explorer.explore(s.model("v6.18", Params.resolve(s.name(), s.params(), Map.of())),
          Strategy.parse("dpor"), Options.defaults(),
          (Execution e) -> out.add(e.schedule() + " " + e.outcome() + " " + e.message()));
      runs.add(out);
    }
    assertEquals(runs.get(0), runs.get(1));
  }
}
