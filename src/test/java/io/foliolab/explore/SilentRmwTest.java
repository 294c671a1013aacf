package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Atomic;
import io.foliolab.sim.Cpu;
import io.foliolab.sim.Flags;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A read-modify-write that leaves its location as it was (a failed cmpxchg or add-unless-zero, a
 * test_and_set or trylock of a set bit, a set_bit of a set bit) is recorded as a read: such steps
 * commute with each other and with reads, and still race with every write. Checked on programs
 * whose exit check prints the final memory and a digest of every value each CPU observed, so two
 * executions differing in what any CPU saw are two results: dpor and the stateful strategy must
 * reach exactly the results brute-force enumeration reaches.
 */
class SilentRmwTest {
  @Test
  void failedGetsOfAFrozenCountFormOneTrace() {
    // Count 0 (frozen): three folio_try_get fail, whatever the order; as writes they would be
    // 3! = 6 traces.
    Model model = programs(0, 0, "g", "g", "g");
    BruteForce brute = BruteForce.enumerate(model);
    assertEquals(1, brute.traces.size());
    assertEquals(1, dpor(model).executions());
  }

  @Test
  void trylocksOfAHeldBitFormOneTrace() {
    // Bit 0 set: three trylocks fail and a test_bit of it reads it; one trace.
    Model model = programs(0, 1, "L", "L", "L", "t");
    assertEquals(1, BruteForce.enumerate(model).traces.size());
    assertEquals(1, dpor(model).executions());
  }

  @Test
  void aFailedGetStillRacesTheWriteThatWouldMakeItSucceed() {
    // Count 0: CPU 0 unfreezes (set 2), CPUs 1 and 2 try_get. Each get fails before the unfreeze
    // and succeeds after it: 4 results, and no failed get may be reported for a get that could
    // have succeeded.
    Model model = programs(0, 0, "u", "g", "g");
    BruteForce brute = BruteForce.enumerate(model);
    assertEquals(4, brute.results.size(), brute.results.toString());
    assertSameResults(model, new Strategy.Dpor());
  }

  @Test
  void aFailedCmpxchgStillRacesTheStoreThatWouldMakeItSucceed() {
    // Count 3: CPU 0 freezes (cmpxchg 2 -> 0, fails at 3), CPU 1 puts (3 -> 2). Put first: the
    // freeze succeeds; freeze first: it fails. Both results must be reached.
    Model model = programs(3, 0, "f", "p");
    assertEquals(2, BruteForce.enumerate(model).results.size());
    assertSameResults(model, new Strategy.Dpor());
  }

  static Stream<Arguments> randomPrograms() {
    return IntStream.range(0, 24).mapToObj(seed -> Arguments.of(seed, randomProgram(seed)));
  }

  @ParameterizedTest(name = "program {0}")
  @MethodSource("randomPrograms")
  void dporReachesEveryResultOfRandomRmwPrograms(int seed, Model model) {
    assertSameResults(model, new Strategy.Dpor());
  }

  @ParameterizedTest(name = "program {0}")
  @MethodSource("randomPrograms")
  void statefulReachesEveryResultOfRandomRmwPrograms(int seed, Model model) {
    assertSameResults(model, new Strategy.StatefulDpor());
  }

  private static Summary dpor(Model model) {
    Summary s = Explorer.explore(model, new Strategy.Dpor(), Options.defaults(), e -> { });
    assertTrue(s.complete(), s.toString());
    return s;
  }

  private static void assertSameResults(Model model, Strategy strategy) {
    BruteForce brute = BruteForce.enumerate(model);
    Set<String> results = new HashSet<>();
    Summary s = Explorer.explore(model, strategy, Options.defaults(),
        e -> results.add(e.outcome() + "|" + e.message() + "|" + e.failingLabel()));
    assertTrue(s.complete(), s.toString());
    assertEquals(brute.results, results, s.toString());
    assertTrue(s.executions() <= brute.traces.size(), s + " vs " + brute.traces.size());
  }

  /**
   * 2 or 3 CPUs, 2 to 4 operations each, on one atomic (starting at 0, 1, 2 or 3) and one flags
   * word (starting with bit 0 clear or set), chosen so that many of them leave the value as it
   * was.
   */
  static Model randomProgram(int seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 6151L + 7);
    int cpus = 2 + rnd.nextInt(2);
    long count = rnd.nextInt(4);
    long flags = rnd.nextInt(2);
    String letters = "gpfuraLSCTt";
    String[] programs = new String[cpus];
    for (int c = 0; c < cpus; c++) {
      int n = 2 + rnd.nextInt(3);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < n; k++) {
        sb.append(letters.charAt(rnd.nextInt(letters.length())));
      }
      programs[c] = sb.toString();
    }
    return programs(count, flags, programs);
  }

  /**
   * CPUs running one letter per step on an atomic {@code ref} (initial {@code count}) and a flags
   * word (initial {@code flags}); at exit a check reports (as a CORRUPTION message) both and every CPU's
   * digest of the values it observed. Letters: {@code g} add unless zero, {@code p} sub and test,
   * {@code f} cmpxchg 2 -> 0, {@code u} set 2, {@code r} atomic read, {@code a} atomic add 1,
   * {@code L} trylock of bit 0 (released by {@code U} if taken), {@code S} set_bit 1,
   * {@code C} clear_bit 1, {@code T} test_and_set_bit 1, {@code t} test_bit 0.
   */
  static Model programs(long count, long flags, String... programs) {
    return m -> {
      Atomic ref = new Atomic(m, "ref", count);
      Flags f = new Flags(m, "flags", flags);
      Word[] seen = new Word[programs.length];
      for (int c = 0; c < programs.length; c++) {
        seen[c] = new Word(m, "seen" + c, 0);
        m.addCpu(new Ops(programs[c], ref, f, seen[c]));
      }
      m.addExitCheck(() -> {
        StringBuilder sb = new StringBuilder("final: ref=" + ref.peek() + " flags=" + f.peek());
        for (Word w : seen) {
          sb.append(' ').append(w.name()).append('=').append(w.peek());
        }
        return sb.toString();
      });
    };
  }

  /** One CPU's operations; a held trylock is released at the end; then the digest is stored. */
  static final class Ops extends Routine<Ops.Pc> {
    enum Pc { op, unlock, report }

    private static final StepNames<Pc> NAMES = StepNames.of("ops", Pc.class);
    private final String ops;
    private final Atomic ref;
    private final Flags flags;
    private final Word seen;
    private int i;
    private boolean held;
    private long digest = 1;

    Ops(String ops, Atomic ref, Flags flags, Word seen) {
      super(NAMES);
      this.ops = ops;
      this.ref = ref;
      this.flags = flags;
      this.seen = seen;
    }

    private void saw(long v) {
      digest = digest * 31 + v;
    }

    @Override
    protected void step(Cpu cpu) {
      switch (pc) {
        case op:
          switch (ops.charAt(i)) {
            case 'g' -> saw(cpu.atomicAddUnlessZero(ref, 1) ? 1 : 0);
            case 'p' -> saw(cpu.atomicSubAndTest(ref, 1) ? 1 : 0);
            case 'f' -> saw(cpu.atomicCmpxchg(ref, 2, 0));
            case 'u' -> cpu.atomicSetRelease(ref, 2);
            case 'r' -> saw(cpu.atomicRead(ref));
            case 'a' -> cpu.atomicAdd(ref, 1);
            case 'L' -> {
              if (held) {
                saw(cpu.testBit(flags, 0) ? 1 : 0);
              } else {
                held = cpu.trylockBit(flags, 0);
                saw(held ? 1 : 0);
              }
            }
            case 'S' -> cpu.setBit(flags, 1);
            case 'C' -> cpu.clearBit(flags, 1);
            case 'T' -> saw(cpu.testAndSetBit(flags, 1) ? 1 : 0);
            case 't' -> saw(cpu.testBit(flags, 0) ? 1 : 0);
            default -> throw new IllegalArgumentException("op " + ops.charAt(i));
          }
          if (++i == ops.length()) {
            pc = held ? Pc.unlock : Pc.report;
          }
          return;
        case unlock:
          cpu.unlockBit(flags, 0);
          held = false;
          pc = Pc.report;
          return;
        case report:
          cpu.write(seen, digest);
          cpu.ret();
          return;
      }
    }
  }
}
