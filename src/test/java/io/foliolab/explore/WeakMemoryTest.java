package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Model;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Weak memory mode: stores become visible out of program order unless a release orders them. */
class WeakMemoryTest {
  private static Summary dpor(Model model, List<Execution> out) {
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(), out::add);
    assertTrue(s.complete(), s.toString());
    return s;
  }

  @Test
  void messagePassingFailsWithoutReleaseAndHoldsWithIt() {
    List<Execution> plain = new ArrayList<>();
    Summary bad = dpor(Toys.weak(Toys.messagePassing(false), 2), plain);
    assertTrue(bad.count(Outcome.BUG) > 0, bad.toString());
    Execution e = bad.firstFailure();
    assertEquals("BUG_ON(data != 42): data = 0", e.message());
    assertEquals("consume:read_data", e.failingLabel());
    // The failing execution replays, and its trace shows the flag flushed before the data.
    Explorer.Replayed r = Explorer.replay(Toys.weak(Toys.messagePassing(false), 2),
        Schedule.parse(e.schedule()));
    assertEquals(e.withId(0), r.execution());
    assertTrue(r.trace().stream().anyMatch(t -> t.action().startsWith("flush")
        && t.location().equals("flag")), r.trace().toString());

    Summary good = dpor(Toys.weak(Toys.messagePassing(true), 2), new ArrayList<>());
    assertEquals(0, good.failures(), good.toString());
    // Sequential consistency: no failure even without the release.
    assertEquals(0, dpor(Toys.messagePassing(false), new ArrayList<>()).failures());
  }

  @Test
  void oneLaneKeepsStoresInOrder() {
    // With a single lane (a FIFO buffer, like x86-TSO) the plain stores stay in order.
    Summary fifo = dpor(Toys.weak(Toys.messagePassing(false), 1), new ArrayList<>());
    assertEquals(0, fifo.failures(), fifo.toString());
  }

  @Test
  void storeBufferingShowsBothLoadsSeeingZero() {
    // SB litmus: w:x r:y || w:y r:x. Under SC some load sees 1; with store buffers both may
    // read 0 (the CPUs' stores are still buffered).
    Model sb = Toys.ops("w:x r:y", "w:y r:x");
    Set<String> sc = new HashSet<>();
    Set<String> weak = new HashSet<>();
    for (Execution e : runAll(sb)) {
      sc.add(e.schedule());
    }
    List<Execution> w = runAll(Toys.weak(sb, 1));
    assertTrue(w.size() > sc.size(), w.size() + " vs " + sc.size());
    for (Execution e : w) {
      weak.add(e.schedule());
    }
    assertTrue(weak.stream().anyMatch(s -> s.startsWith("0.1")), weak.toString());
  }

  private static List<Execution> runAll(Model m) {
    List<Execution> out = new ArrayList<>();
    dpor(m, out);
    return out;
  }

  @Test
  void dporCountsMatchBruteForceInWeakMode() {
    for (Model model : List.of(Toys.weak(Toys.messagePassing(false), 2),
        Toys.weak(Toys.messagePassing(true), 2), Toys.weak(Toys.ops("w:x r:y", "w:y r:x"), 1),
        Toys.weak(Toys.lockedCounter(2), 1))) {
      BruteForce brute = BruteForce.enumerate(model);
      List<String> schedules = new ArrayList<>();
      Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(),
          e -> schedules.add(e.schedule()));
      Set<String> seen = new HashSet<>();
      for (String sched : schedules) {
        seen.add(BruteForce.canonicalOf(model, sched));
      }
      System.out.printf("weak: interleavings=%d traces=%d dpor=%d%n", brute.interleavings,
          brute.traces.size(), s.executions());
      assertEquals(brute.traces, seen);
      assertEquals(brute.traces.size(), s.executions());
      List<String> two = new ArrayList<>();
      Explorer.explore(model, new Strategy.Dpor(), Options.defaults().withWorkers(2),
          e -> two.add(e.schedule()));
      assertEquals(schedules, two);
    }
  }
}
