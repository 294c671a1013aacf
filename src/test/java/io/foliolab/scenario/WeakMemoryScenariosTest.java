package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.MemoryModel;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The file-backed races under store buffers (x86-TSO-like {@code tso}, and {@code pso:2}, where
 * plain stores to different locations become visible out of order): exhaustive dpor at the
 * default parameters. What the kernel history says, and what the tests expect: memory ordering
 * is not needed for any of these failures (each buggy variant fails under store buffers as it
 * does under sequential consistency, with the same assertion), and no fix breaks under store
 * buffers. Before peeks inside a step saw their CPU's own buffered stores, the split's
 * bookkeeping read memory past its own buffer and these runs reported failures of the model.
 * (The shmem scenarios are left out: their store-buffer trees are above a million executions.)
 */
class WeakMemoryScenariosTest {
  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
      "split-wrong-slot, 577a1f495fd7, tso",
      "split-wrong-slot, 577a1f495fd7, pso:2",
      "willy-1499, v6.18, tso",
      "willy-1499, v6.18, pso:2",
      "dirty-sibling-tag, 2a0774c2886d, tso",
      "dirty-sibling-tag, 2a0774c2886d, pso:2",
      "add-folio-stale-nodes, 6758c1128ceb, tso",
      "khugepaged-reuse, 033b5d775511, tso",
      "khugepaged-reuse, v5.8-numa, pso:2",
  })
  void fixesHoldUnderStoreBuffers(String scenario, String variant, String memory) {
    Summary s = dpor(ScenarioRuns.model(scenario, variant), MemoryModel.parse(memory));
    assertEquals(0, s.failures(), s.toString());
    assertTrue(s.executions() > 1, s.toString());
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
      "split-wrong-slot, v6.18, tso, BUG, filemap_fault:folio_contains",
      "willy-1499, reload-canonical, tso, BUG, filemap_fault:folio_contains",
      "dirty-sibling-tag, c010d47f107f, tso, OOPS, find_get_entry:folio_try_get",
      "add-folio-stale-nodes, v6.9, pso:2, CORRUPTION, __filemap_add_folio:locked",
      "khugepaged-reuse, v5.8-nonuma, tso, BUG, filemap_fault:page_to_pgoff",
  })
  void bugsStillFailUnderStoreBuffersAndReplay(String scenario, String variant, String memory,
      Outcome kind, String label) {
    Model model = ScenarioRuns.model(scenario, variant);
    MemoryModel mm = MemoryModel.parse(memory);
    Summary s = dpor(model, mm);
    Execution f = s.firstFailure();
    assertTrue(f != null, s.toString());
    assertEquals(kind, f.outcome(), f.toString());
    assertEquals(label, f.failingLabel(), f.toString());
    assertTrue(f.schedule().endsWith("@" + memory), f.schedule());
    Execution r = Explorer.replay(model, Schedule.parse(f.schedule())).execution();
    assertEquals(f.schedule(), r.schedule());
    assertEquals(f.outcome() + " " + f.failingLabel() + " " + f.message(),
        r.outcome() + " " + r.failingLabel() + " " + r.message());
  }

  private static Summary dpor(Model model, MemoryModel memory) {
    Summary s = Explorer.explore(model, Strategy.parse("dpor"), Options.defaults().withWorkers(2)
        .withMemory(memory).withMaxExecutions(500_000).withMaxSeconds(120), e -> { });
    assertTrue(s.complete(), s.toString());
    return s;
  }
}
