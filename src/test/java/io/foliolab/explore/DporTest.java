package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Model;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** dpor reports exactly one execution per Mazurkiewicz trace, as brute force counts them. */
class DporTest {
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("lost update, 2 CPUs", Toys.lostUpdate(2)),
        Arguments.of("lost update, 3 CPUs", Toys.lostUpdate(3)),
        Arguments.of("locked counter, 2 CPUs", Toys.lockedCounter(2)),
        Arguments.of("locked counter, 3 CPUs", Toys.lockedCounter(3)),
        Arguments.of("store buffering", Toys.ops("w:x r:y", "w:y r:x")),
        Arguments.of("three CPUs mixed", Toys.ops("w:x r:y w:z", "r:x w:y", "r:z w:x r:y")),
        Arguments.of("independent", Toys.ops("w:a w:b", "w:c r:c", "r:d")),
        Arguments.of("spin until flag", Toys.spinUntilFlag(true)),
        Arguments.of("message passing", Toys.messagePassing()),
        Arguments.of("allocation choices", Toys.allocations()),
        Arguments.of("lookup vs replace", Toys.lookupAndReplace(true)),
        Arguments.of("lookup vs frozen", Toys.lookupAndReplace(false)),
        Arguments.of("flag bits atomic", Toys.flagBits(false, 3)),
        Arguments.of("flag bits non-atomic", Toys.flagBits(true, 2)),
        Arguments.of("ABBA locks", Toys.twoLocks(true)),
        Arguments.of("rwsem", Toys.rwsem(true)),
        Arguments.of("rwsem unlocked writer", Toys.rwsem(false)),
        Arguments.of("refs: gets and puts, room", Toys.refcounts(10, "gp", "gp", "gp")),
        Arguments.of("refs: gets and puts, read", Toys.refcounts(10, "gp", "gp", "r")),
        Arguments.of("refs: last put races gets", Toys.refcounts(1, "p", "gp", "gp")),
        Arguments.of("refs: tight room", Toys.refcounts(2, "gpp", "gp", "sa")),
        Arguments.of("refs: freeze and unfreeze", Toys.refcounts(2, "fu", "gp", "gp", "r")),
        Arguments.of("refs: incs and decs", Toys.refcounts(1, "as", "ss", "aa")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void dporExploresEachTraceOnce(String name, Model model) {
    BruteForce brute = BruteForce.enumerate(model);
    List<String> schedules = new ArrayList<>();
    Set<String> results = new HashSet<>();
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(), e -> {
      schedules.add(e.schedule());
      results.add(e.outcome() + "|" + e.message() + "|" + e.failingLabel());
    });
    assertTrue(s.complete(), s.toString());
    Set<String> seen = new HashSet<>();
    for (String sched : schedules) {
      seen.add(BruteForce.canonicalOf(model, sched));
    }
    System.out.printf("%-28s interleavings=%d traces=%d dpor=%d redundant=%d%n", name,
        brute.interleavings, brute.traces.size(), s.executions(), s.redundant());
    assertEquals(schedules.size(), seen.size(), "dpor reported two equivalent executions");
    assertEquals(brute.traces, seen, "dpor missed or invented traces");
    assertEquals(brute.traces.size(), s.executions());
    // Independently of the dependency relation: every outcome and message that some
    // interleaving reaches, dpor reaches too.
    assertEquals(brute.results, results);
    List<String> parallel = new ArrayList<>();
    Explorer.explore(model, new Strategy.Dpor(), Options.defaults().withWorkers(2),
        e -> parallel.add(e.schedule()));
    assertEquals(schedules, parallel, "2 workers give the same executions in the same order");
  }
}
