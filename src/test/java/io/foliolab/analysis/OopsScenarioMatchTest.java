package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.collect.ImmutableList;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's oops against the page-cache scenarios, explored exhaustively: the v6.18
 * split-wrong-slot failure must match it; nothing from the fixed split, the RFC retry, or the
 * willy-1499 control (v6.18 or the reload-canonical hypothesis) may.
 */
class OopsScenarioMatchTest {
  static OopsSignature oops;

  @BeforeAll
  static void load() throws IOException {
    oops = OopsSignature.read(OopsSignatureTest.SHIPPED);
  }

  record Explored(Summary summary, ImmutableList<OopsMatch.Ranked> ranking) {}

  static Explored explore(String scenario, String variant) {
    Scenario s = Scenarios.get(scenario);
    OopsMatch.Ranker r = new OopsMatch.Ranker(oops);
    Summary sum = Explorer.explore(s.model(variant, Params.resolve(scenario, s.params(),
        Map.of())), Strategy.parse("dpor"), Options.defaults().withMaxExecutions(200_000), r);
    return new Explored(sum, r.ranking());
  }

  static void assertNoMatch(String scenario, String variant) {
    Explored e = explore(scenario, variant);
    for (OopsMatch.Ranked r : e.ranking()) {
      assertTrue(r.match().verdict() != OopsMatch.Verdict.MATCH, scenario + " " + variant
          + " must not match the 6.18 oops: " + r.match().explain());
    }
  }

  @Test
  void fixedAndRfcVariantsDoNotMatch() {
    assertNoMatch("split-wrong-slot", "577a1f495fd7");
    assertNoMatch("split-wrong-slot", "rfc-2026-03");
  }

  @Test
  void willy1499DoesNotMatch() {
    assertNoMatch("willy-1499", "v6.18");
    assertNoMatch("willy-1499", "reload-canonical");
  }

  @Test
  void splitWrongSlotV618Matches() {
    Explored e = explore("split-wrong-slot", "v6.18");
    assumeTrue(e.summary().failures() > 0, "the split-wrong-slot model on this branch gives no"
        + " v6.18 failure yet (" + e.summary() + "); nothing to match");
    OopsMatch best = e.ranking().get(0).match();
    assertEquals(OopsMatch.Verdict.MATCH, best.verdict(), best.explain());
  }
}
