package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step-program rule "no side effect before a step's first shared action" (sim package
 * documentation), checked on every scenario: a probe runs a CPU's steps up to its next action to
 * find out what it will do, at times chosen by the explorer. If a step changed its locals before
 * its action, a probe would leave that change behind and the execution would depend on when the
 * explorer probed. So: a schedule replayed with every CPU probed before every step must give the
 * same execution (labels, outcome, message) as the same schedule replayed without probes; and in
 * strict probe mode ({@link Machine#setStrictProbes}), which compares every routine's fields
 * before and after each abandoned step, no step of any scenario may change anything before its
 * action, under random schedules (every variant, default and other parameters) and under dpor
 * (every execution of the scenarios small enough to explore here).
 */
class ProbeIndependenceTest {
  /** Non-default parameters run as well (larger folios, more readers, a small shmem folio). */
  private static final String[][] OTHER_PARAMS = {
      {"split-wrong-slot", "order=3"},
      {"split-wrong-slot", "order=4"},
      {"willy-1499", "readers=2"},
      {"shmem-swapin-hang", "order=2", "index=1", "other=3"},
  };

  /** Every variant with default parameters, then with each of {@link #OTHER_PARAMS}. */
  static Stream<Arguments> variantsAndParams() {
    List<Arguments> out = new ArrayList<>();
    for (Scenario s : Scenarios.all()) {
      for (String v : s.variants()) {
        out.add(Arguments.of(s.name(), v, new String[0]));
      }
    }
    for (String[] p : OTHER_PARAMS) {
      for (String v : Scenarios.get(p[0]).variants()) {
        out.add(Arguments.of(p[0], v, Arrays.copyOfRange(p, 1, p.length)));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("variantsAndParams")
  void probesDoNotChangeExecutions(String scenario, String variant, String[] params) {
    Model model = ScenarioRuns.model(scenario, variant, params);
    for (int run = 0; run < 30; run++) {
      SplittableRandom rnd = new SplittableRandom(run * 31L + 7);
      List<Integer> choices = new ArrayList<>();
      List<Integer> schedule = new ArrayList<>();
      Machine m = new Machine();
      m.setStrictProbes(true);
      m.setOracle((cpu, point) -> {
        int c = rnd.nextInt(2);
        choices.add(c);
        return c;
      });
      m.start(model);
      while (!m.over()) {
        List<Integer> en = new ArrayList<>();
        for (int i = 0; i < m.cpus(); i++) {
          if (m.enabled(i)) {
            en.add(i);
          }
        }
        int c = en.get(rnd.nextInt(en.size()));
        if (m.step(c)) {
          schedule.add(c);
        }
      }
      String probed = describe(m);
      Machine plain = new Machine();
      plain.setStrictProbes(true);
      int[] next = {0};
      plain.setOracle((cpu, point) -> choices.get(next[0]++));
      plain.start(model);
      StringBuilder stuck = new StringBuilder();
      for (int k = 0; k < schedule.size(); k++) {
        if (!plain.step(schedule.get(k))) {
          stuck.append("step ").append(k).append(" of CPU ").append(schedule.get(k))
              .append(" could not run (").append(plain.cpu(schedule.get(k))).append(")");
          break;
        }
      }
      plain.over();
      assertEquals(probed, stuck.length() > 0 ? stuck.toString() : describe(plain),
          scenario + " " + variant + " " + Arrays.toString(params) + ", run " + run);
    }
  }

  /**
   * Scenarios whose exhaustive dpor takes a few seconds in strict mode (the others are run with
   * {@code -Dfoliolab.strictProbes=true} from the command line).
   */
  static Stream<Arguments> smallVariants() {
    List<Arguments> out = new ArrayList<>();
    for (String name : List.of("willy-1499", "dirty-sibling-tag", "add-folio-stale-nodes",
        "khugepaged-reuse", "split-wrong-slot")) {
      for (String v : Scenarios.get(name).variants()) {
        out.add(Arguments.of(name, v));
      }
    }
    return out.stream();
  }

  /**
   * dpor in strict probe mode: no step is flagged, and the exploration (executions, outcomes,
   * first failure) is the one without strict mode.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("smallVariants")
  void dporInStrictModeFlagsNothingAndExploresTheSame(String scenario, String variant) {
    Model model = ScenarioRuns.model(scenario, variant);
    Model strict = m -> {
      m.setStrictProbes(true);
      model.setUp(m);
    };
    Summary plain = ScenarioRuns.dpor(model);
    Summary checked = ScenarioRuns.dpor(strict);
    assertTrue(plain.complete(), plain.toString());
    assertEquals(plain.executions(), checked.executions());
    assertEquals(plain.outcomes(), checked.outcomes());
    assertEquals(plain.firstFailure() == null ? null : plain.firstFailure().schedule(),
        checked.firstFailure() == null ? null : checked.firstFailure().schedule());
  }

  /**
   * The execution the stateful strategy found in shmem-swapin-hang v6.17 (order 2): CPU 0's
   * __read_swap_cache_async finds the other CPU's folio in the swap cache after its own
   * swapcache_prepare failed, and returns it from put_and_return, whose action (dropping its own
   * new folio) came after it had cleared the found folio. A probe stopping at that action lost the
   * found folio and its reference (CORRUPTION at exit, reached only when the CPU was probed
   * there). Replayed with and without probes, the schedule must now give the same execution.
   */
  @org.junit.jupiter.api.Test
  void swapCacheHitAfterFailedPrepareDoesNotDependOnProbes() {
    Model model = ScenarioRuns.model("shmem-swapin-hang", "v6.17", "order=2", "index=1",
        "other=3");
    io.foliolab.explore.Schedule s = io.foliolab.explore.Schedule.parse(
        "0x25.1x16.0.1x6.0x6.1x16.0x7.1x17.0x5.1x5.0x5.1x10.0x29.1x11.0x41.1.0x29.1/1");
    String[] runs = new String[2];
    for (int probe = 0; probe < 2; probe++) {
      Machine m = new Machine();
      int[] next = {0};
      m.setOracle((cpu, point) -> s.choice(next[0]++));
      m.start(model);
      StringBuilder stuck = new StringBuilder();
      for (int k = 0; k < s.length(); k++) {
        if (probe == 1) {
          for (int i = 0; i < m.cpus(); i++) {
            m.enabled(i);
          }
        }
        if (m.over() || !m.step(s.cpu(k))) {
          stuck.append(" stopped at step ").append(k);
          break;
        }
      }
      m.over();
      runs[probe] = describe(m) + stuck;
    }
    assertEquals(runs[0], runs[1]);
    org.junit.jupiter.api.Assertions.assertFalse(runs[1].contains("leaked or lost"), runs[1]);
  }

  private static String describe(Machine m) {
    StringBuilder sb = new StringBuilder();
    for (int e = 0; e < m.events(); e++) {
      sb.append(m.eventCpu(e)).append(':').append(m.eventLabel(e)).append(' ');
    }
    return sb.append("=> ").append(m.outcome()).append(' ').append(m.failureMessage()).toString();
  }
}
