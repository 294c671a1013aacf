package io.foliolab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Schedule;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Model;
import java.util.LinkedHashMap;
import java.util.Map;

/** Explores registered scenarios and replays their failures, for the scenario tests. */
final class ScenarioRuns {
  private ScenarioRuns() {}

  /** The model of {@code scenario}'s {@code variant} with {@code params} ("k=v" pairs). */
  static Model model(String scenario, String variant, String... params) {
    Scenario s = Scenarios.get(scenario);
    Map<String, String> given = new LinkedHashMap<>();
    for (String kv : params) {
      String[] p = kv.split("=", 2);
      given.put(p[0], p[1]);
    }
    return s.model(variant, Params.resolve(s.name(), s.params(), given));
  }

  /** Exhaustive dpor, with a budget far above what the defaults need (a runaway fails). */
  static Summary dpor(Model model) {
    return Explorer.explore(model, Strategy.parse("dpor"),
        Options.defaults().withMaxExecutions(200_000).withMaxSeconds(60), e -> { });
  }

  /** {@code strategy} ("random:N", ...) at pressure {@code p}, seed 1. */
  static Summary sample(Model model, String strategy, double p) {
    return Explorer.explore(model, Strategy.parse(strategy),
        Options.defaults().withSeed(1).withPressure(p), e -> { });
  }

  /** Replays the first failure of {@code s} and checks it fails the same way. */
  static Execution replayFirstFailure(Model model, Summary s) {
    Execution first = s.firstFailure();
    assertNotNull(first, "no failure to replay");
    Explorer.Replayed r = Explorer.replay(model, Schedule.parse(first.schedule()));
    Execution again = r.execution();
    assertEquals(first.outcome(), again.outcome());
    assertEquals(first.failingLabel(), again.failingLabel());
    assertEquals(first.message(), again.message());
    assertEquals(first.failingCpu(), again.failingCpu());
    assertEquals(first.steps(), again.steps());
    assertTrue(!r.trace().isEmpty(), "replay records a trace");
    return again;
  }
}
