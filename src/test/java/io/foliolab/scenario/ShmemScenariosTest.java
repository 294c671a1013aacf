package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.TraceStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The history of seed 002 (the 2025 shmem mTHP swap-in review), found by exhaustive dpor of the
 * two scenarios with their default parameters. Nothing here is read from the product: every
 * expectation is checked against what the exploration finds.
 */
class ShmemScenariosTest {
  record Run(Model model, Summary summary, List<Execution> executions) {}

  private static final Map<String, Run> RUNS = new HashMap<>();

  static synchronized Run explore(String scenario, String variant) {
    return RUNS.computeIfAbsent(scenario + " " + variant, k -> {
      Scenario s = Scenarios.get(scenario);
      Model model = s.model(variant, Params.resolve(scenario, s.params(), Map.of()));
      List<Execution> all = new ArrayList<>();
      Summary sum = Explorer.explore(model, Strategy.parse("dpor"),
          Options.defaults().withMaxSeconds(120), all::add);
      System.out.println("OUTCOME " + scenario + " " + variant + " | " + sum);
      assertTrue(sum.complete(), scenario + " " + variant + ": " + sum);
      assertEquals(sum.executions(), all.size());
      return new Run(model, sum, all);
    });
  }

  /** The first failure replays to the same outcome, CPU, label, message and subject. */
  static Explorer.Replayed replaysFirstFailure(Run run) {
    Execution f = run.summary().firstFailure();
    assertNotNull(f);
    Explorer.Replayed r = Explorer.replay(run.model(), Schedule.parse(f.schedule()));
    assertEquals(f.outcome(), r.execution().outcome());
    assertEquals(f.failingCpu(), r.execution().failingCpu());
    assertEquals(f.failingLabel(), r.execution().failingLabel());
    assertEquals(f.message(), r.execution().message());
    assertEquals(f.subject().fields(), r.execution().subject().fields());
    assertEquals(f.subject().dump(), r.execution().subject().dump());
    return r;
  }

  static long transientRetriesOfCpu0(Run run) {
    return run.executions().stream()
        .filter(e -> e.outcome() == Outcome.OK && e.retries().get(0) > 0).count();
  }

  // ---------------------------------------------------------------------------------------------
  // shmem-swapin-hang

  @Test
  void v616HangsForGoodInTheEexistRetry() {
    Run run = explore("shmem-swapin-hang", "v6.16");
    Summary s = run.summary();
    assertTrue(s.count(Outcome.HANG) > 0, "expected the hang: " + s);
    assertEquals(s.count(Outcome.HANG), s.failures(), "only hangs: " + s);
    for (Execution e : run.executions()) {
      if (!e.failed()) {
        continue;
      }
      assertEquals(0, e.failingCpu(), e.toString());
      assertEquals("shmem_get_folio_gfp:repeat", e.failingLabel());
      assertTrue(e.message().startsWith("CPU 0 loops at shmem_get_folio_gfp:repeat and nothing"
          + " it reads can change: "), e.message());
      assertFalse(e.message().contains("; CPU 1"), "CPU 1 has finished: " + e.message());
      // What every iteration sees: the order-0 entry and the order-4 folio in the swap cache.
      assertTrue(e.message().contains("the mapping holds swp_entry(0, 0x15) of order 0"),
          e.message());
      assertTrue(e.message().contains(" of order 4 (folio->swap swp_entry(0, 0x10))"),
          e.message());
      Map<String, Object> seen = e.subject().fields();
      assertEquals("shmem_swapin", e.subject().kind());
      assertEquals(5L, seen.get("lookupIndex"));
      assertEquals(0, seen.get("entryOrder"));
      assertEquals(4, seen.get("order"));
      assertEquals("swp_entry(0, 0x10)", seen.get("folioSwap"));
      assertTrue(((String) seen.get("flags")).contains("owner_priv_1"), "in the swap cache");
      assertTrue(e.retries().get(0) >= 1);
    }
    Explorer.Replayed r = replaysFirstFailure(run);
    // The replay's trace ends with CPU 0's iteration that saw it and its retry.
    List<TraceStep> t = r.trace();
    assertTrue(t.stream().anyMatch(x -> x.cpu() == 0 && x.action().equals("retry")
        && x.label().equals("shmem_get_folio_gfp:repeat")));
    TraceStep lastCpu0 = t.stream().filter(x -> x.cpu() == 0).reduce((a, b) -> b).orElseThrow();
    assertEquals("shmem_swapin_folio:folio_put", lastCpu0.label(), lastCpu0.toString());
  }

  @Test
  void v616AlsoRetriesTransientlyWhenTheRaceResolves() {
    Run run = explore("shmem-swapin-hang", "v6.16");
    assertTrue(transientRetriesOfCpu0(run) > 0, "some -EEXIST retries of CPU 0 end in OK");
  }

  @Test
  void v617Completes() {
    Run run = explore("shmem-swapin-hang", "v6.17");
    Summary s = run.summary();
    assertEquals(s.executions(), s.count(Outcome.OK), s.toString());
    assertTrue(transientRetriesOfCpu0(run) > 0, "CPU 0 retries, then succeeds");
  }

  // ---------------------------------------------------------------------------------------------
  // shmem-anon-hijack

  static final String RSS = "BUG: Bad rss-counter state mm:ffff0000c1539640 type:MM_ANONPAGES"
      + " val:1\nBUG: Bad rss-counter state mm:ffff0000c1539640 type:MM_SHMEMPAGES val:-1";

  @Test
  void v5CorruptsTheAnonymousFolioAndItsProcessRss() {
    Run run = explore("shmem-anon-hijack", "v5");
    Summary s = run.summary();
    assertTrue(s.count(Outcome.CORRUPTION) > 0, "expected the corruption: " + s);
    assertEquals(s.count(Outcome.CORRUPTION), s.failures(), "only corruption: " + s);
    for (Execution e : run.executions()) {
      if (!e.failed()) {
        continue;
      }
      assertEquals(-1, e.failingCpu());
      assertEquals("(exit)", e.failingLabel());
      assertEquals(RSS, e.message());
      Map<String, Object> anon = e.subject().fields();
      assertEquals("NULL", anon.get("mapping"), "the anon_vma is gone");
      assertEquals(7L, anon.get("index"), "shmem_add_to_page_cache set the shmem index");
      assertTrue(((String) anon.get("flags")).contains("swapbacked"));
    }
    replaysFirstFailure(run);
  }

  @Test
  void v6DoesNotTouchTheAnonymousFolio() {
    Run run = explore("shmem-anon-hijack", "v6");
    Summary s = run.summary();
    assertEquals(s.executions(), s.count(Outcome.OK), s.toString());
    assertTrue(run.executions().stream().anyMatch(e -> e.totalRetries() > 0),
        "the readers did retry (-EEXIST after the slot changed hands)");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void badParametersAreRejectedNamingThem() {
    Scenario hang = Scenarios.get("shmem-swapin-hang");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> hang.model("v6.16", Params.resolve(hang.name(), hang.params(),
            Map.of("index", "16"))));
    assertTrue(e.getMessage().contains("index=16"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> hang.model("v6.18", Params.resolve(hang.name(), hang.params(), Map.of())));
    assertTrue(e.getMessage().contains("v6.16, v6.17"), e.getMessage());
    Scenario hijack = Scenarios.get("shmem-anon-hijack");
    e = assertThrows(IllegalArgumentException.class,
        () -> Params.resolve(hijack.name(), hijack.params(), Map.of("slot", "99")));
    assertTrue(e.getMessage().contains("slot=99"), e.getMessage());
  }

  @Test
  void scenariosAreRegisteredWithSeedAndVariants() {
    assertEquals("002", Scenarios.get("shmem-swapin-hang").seed());
    assertEquals(List.of("v6.16", "v6.17"), Scenarios.get("shmem-swapin-hang").variants());
    assertEquals("002", Scenarios.get("shmem-anon-hijack").seed());
    assertEquals(List.of("v5", "v6"), Scenarios.get("shmem-anon-hijack").variants());
    for (String n : List.of("shmem-swapin-hang", "shmem-anon-hijack")) {
      Scenario s = Scenarios.get(n);
      assertFalse(s.pressure().isEmpty());
      assertFalse(s.description().isEmpty());
      for (String v : s.variants()) {
        assertFalse(s.variantDescription(v).isEmpty());
      }
    }
  }
}
