package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Cpu;
import io.foliolab.sim.Model;
import io.foliolab.sim.Routine;
import io.foliolab.sim.StepNames;
import io.foliolab.sim.Word;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stateful strategy reaches every result (outcome, message, failing label) that some
 * interleaving reaches, as brute-force enumeration finds them, though it reports far fewer
 * executions; and it is deterministic.
 */
class StatefulDporTest {
  static Stream<Arguments> toys() {
    return DporTest.models();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("toys")
  void reachesEveryResultOfTheToyModels(String name, Model model) {
    assertSameResults(model);
  }

  /**
   * Random straight-line programs whose exit check prints the final memory, including what every
   * CPU read (so every distinct read-from relation is a distinct result): the stateful strategy,
   * with its cut at known states and its invisible steps (read-only words, private words, words
   * written once), must reach exactly the final states brute force reaches.
   */
  static Stream<Arguments> randomPrograms() {
    return IntStream.range(0, 20).mapToObj(seed -> Arguments.of(seed, randomProgram(seed)));
  }

  @ParameterizedTest(name = "program {0}")
  @MethodSource("randomPrograms")
  void reachesEveryFinalStateOfRandomPrograms(int seed, Model model) {
    assertSameResults(model);
  }

  private static void assertSameResults(Model model) {
    BruteForce brute = BruteForce.enumerate(model);
    Set<String> results = new HashSet<>();
    List<String> schedules = new ArrayList<>();
    Summary s = Explorer.explore(model, new Strategy.StatefulDpor(), Options.defaults(), e -> {
      results.add(e.outcome() + "|" + e.message() + "|" + e.failingLabel());
      schedules.add(e.schedule());
    });
    assertTrue(s.complete(), s.toString());
    assertEquals(brute.results, results, s.toString());
    assertTrue(s.executions() <= brute.traces.size(), s.toString());
    List<String> again = new ArrayList<>();
    Summary s2 = Explorer.explore(model, new Strategy.StatefulDpor(), Options.defaults(),
        e -> again.add(e.schedule()));
    assertEquals(schedules, again, "same executions in the same order");
    assertEquals(s.states(), s2.states());
  }

  /**
   * 2 or 3 CPUs over words a..d: c is never written (its reads are invisible), each CPU has a
   * private word, d is written once by CPU 0 first; other ops read or write a or b, a written
   * value depending on what the CPU read so far. At exit, a CORRUPTION message lists every word.
   */
  static Model randomProgram(int seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 7919L + 13);
    int cpus = 2 + rnd.nextInt(2);
    List<String[]> programs = new ArrayList<>();
    for (int c = 0; c < cpus; c++) {
      int n = 2 + rnd.nextInt(3);
      List<String> ops = new ArrayList<>();
      if (c == 0 && rnd.nextBoolean()) {
        ops.add("w:d");
      }
      for (int k = 0; k < n; k++) {
        int pick = rnd.nextInt(10);
        String op;
        if (pick < 2) {
          op = "r:c";
        } else if (pick < 4) {
          op = (rnd.nextBoolean() ? "r:" : "w:") + "p" + c;
        } else if (pick < 5) {
          op = "r:d";
        } else {
          op = (rnd.nextBoolean() ? "r:" : "w:") + (rnd.nextBoolean() ? "a" : "b");
        }
        ops.add(op);
      }
      programs.add(ops.toArray(new String[0]));
    }
    return m -> {
      List<Word> all = new ArrayList<>();
      java.util.Map<String, Word> vars = new java.util.TreeMap<>();
      for (String v : new String[] {"a", "b", "c", "d"}) {
        vars.put(v, new Word(m, v, 0));
      }
      for (int c = 0; c < cpus; c++) {
        vars.put("p" + c, new Word(m, "p" + c, 0));
      }
      Word[] seen = new Word[cpus];
      for (int c = 0; c < cpus; c++) {
        seen[c] = new Word(m, "seen" + c, 0);
        m.addCpu(new Program(programs.get(c), vars, seen[c], c));
      }
      all.addAll(vars.values());
      all.addAll(List.of(seen));
      m.addExitCheck(() -> {
        StringBuilder sb = new StringBuilder("final:");
        for (Word w : all) {
          sb.append(' ').append(w.name()).append('=').append(w.peek());
        }
        return sb.toString();
      });
    };
  }

  /** Straight-line reads and writes; at the end, stores a digest of what it read. */
  static final class Program extends Routine<Program.Pc> {
    enum Pc { op, report }

    private static final StepNames<Pc> NAMES = StepNames.of("program", Pc.class);
    private final String[] ops;
    private final java.util.Map<String, Word> vars;
    private final Word seen;
    private final int id;
    private int i;
    private long digest = 1;

    Program(String[] ops, java.util.Map<String, Word> vars, Word seen, int id) {
      super(NAMES);
      this.ops = ops;
      this.vars = vars;
      this.seen = seen;
      this.id = id;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case op:
          Word w = vars.get(ops[i].substring(2));
          if (ops[i].startsWith("w:")) {
            cpu.write(w, digest % 97 * 10 + id + 1);
          } else {
            digest = digest * 31 + cpu.read(w);
          }
          if (++i == ops.length) {
            pc = Pc.report;
          }
          return;
        case report:
          cpu.write(seen, digest);
          cpu.ret();
          return;
      }
    }
  }
}
