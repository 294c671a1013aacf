package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Model;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Additive atomics (add unless zero, sub and test, add) commute while no order of them can reach
 * 0, and only then: trace counts derived by hand, checked against brute force and dpor.
 */
class CommutingAddsTest {
  private static long dporExecutions(Model model) {
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(), e -> { });
    assertTrue(s.complete(), s.toString());
    return s.executions();
  }

  @Test
  void getsAndPutsWithRoomFormOneTrace() {
    // Count 10, three CPUs each try_get then put: no order reaches 0, all six steps commute.
    Model model = Toys.refcounts(10, "gp", "gp", "gp");
    BruteForce brute = BruteForce.enumerate(model);
    assertEquals(90, brute.interleavings, "6! / (2! 2! 2!) interleavings");
    assertEquals(1, brute.traces.size());
    assertEquals(1, dporExecutions(model));
  }

  @Test
  void aReadOrdersEachAddAgainstIt() {
    // The read sees how many of the four adds came before it: per CPU, none, the get, or both.
    Model model = Toys.refcounts(10, "gp", "gp", "r");
    BruteForce brute = BruteForce.enumerate(model);
    assertEquals(9, brute.traces.size());
    assertEquals(9, dporExecutions(model));
  }

  @Test
  void putsThatCouldReachZeroDoNotCommute() {
    // Count 2, two CPUs put once each: whichever goes second frees. Two traces, each freeing
    // by a different CPU; as plain RMWs they would be two traces as well, so also check that
    // with room (count 3) the puts commute and nobody frees.
    Model tight = Toys.refcounts(2, "p", "p");
    BruteForce b = BruteForce.enumerate(tight);
    assertEquals(2, b.traces.size());
    assertEquals(2, dporExecutions(tight));
    Model room = Toys.refcounts(3, "p", "p");
    assertEquals(1, BruteForce.enumerate(room).traces.size());
    assertEquals(1, dporExecutions(room));
  }

  @Test
  void lastPutRacingGetsReachesEveryOutcome() {
    // Count 1: CPU 0 drops the last reference while CPUs 1 and 2 try to get one. Which CPU frees
    // depends on the order; dpor must find every CPU that can free, as brute force does.
    Model model = Toys.refcounts(1, "p", "gp", "gp");
    BruteForce brute = BruteForce.enumerate(model);
    List<String> schedules = new ArrayList<>();
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(),
        e -> schedules.add(e.schedule()));
    assertTrue(s.complete());
    Set<String> seen = new HashSet<>();
    for (String sched : schedules) {
      seen.add(BruteForce.canonicalOf(model, sched));
    }
    assertEquals(brute.traces, seen);
    assertTrue(brute.traces.size() > 1, brute.traces.toString());
  }
}
