package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Model;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The same model, strategy and options give the same records with 1, 2 and 3 workers. */
class DeterminismTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("dpor", Toys.lostUpdate(4)),
        Arguments.of("dpor", Toys.ops("w:x r:y w:z r:x", "r:x w:y r:z w:x", "w:z r:y w:x")),
        Arguments.of("dpor", Toys.allocations()),
        Arguments.of("dpor", Toys.rwsem(false)),
        Arguments.of("dpor", Toys.folioLock(3, true)),
        Arguments.of("bounded:2", Toys.lostUpdate(3)),
        Arguments.of("random:500", Toys.lostUpdate(3)),
        Arguments.of("pct:300:3", Toys.allocations()));
  }

  private static List<Execution> run(String strategy, Model model, int workers) {
    List<Execution> out = new ArrayList<>();
    Summary s = Explorer.explore(model, Strategy.parse(strategy),
        Options.defaults().withWorkers(workers).withSeed(11).withPressure(0.3), out::add);
    assertTrue(s.complete(), s.toString());
    assertEquals(s.executions(), out.size());
    for (int i = 0; i < out.size(); i++) {
      assertEquals(i, out.get(i).id());
    }
    return out;
  }

  @ParameterizedTest(name = "{0} #{index}")
  @MethodSource("cases")
  void workersDoNotChangeTheResults(String strategy, Model model) {
    List<Execution> one = run(strategy, model, 1);
    assertEquals(one, run(strategy, model, 2));
    assertEquals(one, run(strategy, model, 3));
  }

  @ParameterizedTest(name = "{0} #{index}")
  @MethodSource("cases")
  void budgetTruncatesTheSameSequence(String strategy, Model model) {
    List<Execution> one = run(strategy, model, 1);
    int n = Math.max(1, one.size() / 2);
    List<Execution> part = new ArrayList<>();
    Summary s = Explorer.explore(model, Strategy.parse(strategy), Options.defaults()
        .withWorkers(2).withSeed(11).withPressure(0.3).withMaxExecutions(n), part::add);
    assertEquals(one.subList(0, n), part);
    assertEquals(n < one.size() ? "executions" : "", s.stoppedBy());
  }
}
