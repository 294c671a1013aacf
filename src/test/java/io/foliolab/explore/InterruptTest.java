package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Model;
import io.foliolab.sim.toys.Toys;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An interrupted exploration ends with {@link ExplorationInterruptedException}, whatever the
 * strategy and the worker count: its workers have ended when it throws, the listener is called no
 * more, the calling thread's interrupt status is set, and the records it did receive are the first
 * ones of the uninterrupted exploration. The interrupts come from inside the listener at a given
 * record, so the tests do not depend on timing (only how many records get past the interrupt
 * does, with several workers).
 */
class InterruptTest {
  /** Seven CPUs incrementing a counter: 7!^2 (about 25 million) dpor executions. */
  static final Model BIG = Toys.lostUpdate(7);

  /** The record at which the listener interrupts. */
  static final int AT = 100;

  /** A call that does not end within this long after its interrupt hangs. */
  static final long HANG_MILLIS = 20_000;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("dpor", 1),
        Arguments.of("dpor", 2),
        Arguments.of("dpor", 3),
        Arguments.of("random:100000000", 1),
        Arguments.of("random:100000000", 2),
        Arguments.of("pct:100000000:3", 2),
        Arguments.of("bounded:4", 1),
        Arguments.of("bounded:4", 2));
  }

  static Stream<Arguments> allStrategies() {
    return Stream.concat(cases(), Stream.of(Arguments.of("stateful", 1),
        Arguments.of("replay:0", 1)));
  }

  /** Whom the listener interrupts at record {@link #AT}. */
  enum Target { CALLER, LISTENER_THREAD }

  /** What one interrupted call did. */
  record Interrupted(Throwable thrown, boolean flagAfter, List<Execution> seen, int lateRecords,
      List<String> workersAlive) {}

  /** Threads whose names start with "foliolab-" (the explorer's workers among them). */
  static Set<Thread> foliolabThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("foliolab-"))
        .collect(Collectors.toSet());
  }

  /**
   * Runs {@code strategy} on {@link #BIG} with {@code workers} workers on a fresh thread, whose
   * listener interrupts {@code target} at record {@link #AT}; returns what the call threw, its
   * interrupt status afterwards, the records seen by then, records seen after it had returned,
   * and the "foliolab-" threads it started that were still alive when it returned.
   */
  static Interrupted interruptAt(String strategy, int workers, Target target)
      throws InterruptedException {
    return interruptAt(BIG, strategy, workers, target);
  }

  /** {@link #interruptAt(String, int, Target)} on {@code model}. */
  static Interrupted interruptAt(Model model, String strategy, int workers, Target target)
      throws InterruptedException {
    AtomicReference<Interrupted> result = new AtomicReference<>();
    AtomicInteger late = new AtomicInteger();
    Object returned = new Object();
    AtomicReference<Object> state = new AtomicReference<>();
    List<Execution> seen = new ArrayList<>();
    Thread caller = new Thread(() -> {
      Set<Thread> before = foliolabThreads();
      Thread self = Thread.currentThread();
      ExecutionListener listener = e -> {
        if (state.get() == returned) {
          late.incrementAndGet();
          return;
        }
        synchronized (seen) {
          seen.add(e);
          if (seen.size() == AT) {
            (target == Target.CALLER ? self : Thread.currentThread()).interrupt();
          }
        }
      };
      Throwable thrown = null;
      try {
        Explorer.explore(model, Strategy.parse(strategy),
            Options.defaults().withWorkers(workers).withSeed(3).withPressure(0.2), listener);
      } catch (Throwable t) {
        thrown = t;
      }
      boolean flag = Thread.currentThread().isInterrupted();
      state.set(returned);
      List<String> alive = foliolabThreads().stream().filter(t -> !before.contains(t))
          .map(Thread::getName).sorted().toList();
      List<Execution> copy;
      synchronized (seen) {
        copy = List.copyOf(seen);
      }
      result.set(new Interrupted(thrown, flag, copy, 0, alive));
    }, "interrupt-test-caller");
    caller.start();
    caller.join(HANG_MILLIS);
    assertFalse(caller.isAlive(), strategy + " on " + workers + " workers did not end within "
        + HANG_MILLIS + " ms of its interrupt");
    Interrupted r = result.get();
    // Anything still running would call the listener now: give it a moment to show.
    Thread.sleep(50);
    return new Interrupted(r.thrown(), r.flagAfter(), r.seen(), late.get(), r.workersAlive());
  }

  /** The first {@code n} records of the uninterrupted exploration (a budget stops it there). */
  static List<Execution> prefix(Model model, String strategy, long n) {
    List<Execution> out = new ArrayList<>();
    Summary s = Explorer.explore(model, Strategy.parse(strategy),
        Options.defaults().withSeed(3).withPressure(0.2).withMaxExecutions(n), out::add);
    assertEquals(n, s.executions());
    return out;
  }

  private static void assertInterruptedCleanly(String strategy, int workers, Interrupted r,
      boolean exactlyAt) {
    assertInterruptedCleanly(BIG, strategy, workers, r, exactlyAt ? AT : -1);
  }

  /**
   * Checks {@code r}: {@code exactly} records were seen (at least {@link #AT} if it is -1), and
   * the call ended as it should.
   */
  private static void assertInterruptedCleanly(Model model, String strategy, int workers,
      Interrupted r, int exactly) {
    String what = strategy + " on " + workers + " workers";
    assertTrue(r.thrown() instanceof ExplorationInterruptedException,
        what + " ended with " + r.thrown());
    ExplorationInterruptedException e = (ExplorationInterruptedException) r.thrown();
    assertTrue(r.flagAfter(), what + ": the interrupt status was not set after the call");
    assertEquals(List.of(), r.workersAlive(), what + ": workers alive after the call returned");
    assertEquals(0, r.lateRecords(), what + ": records reached the listener after the call");
    assertEquals(r.seen().size(), e.executions(), what + ": " + e.getMessage());
    assertEquals(strategy, e.strategy());
    assertEquals(strategy + " interrupted after " + r.seen().size() + " executions reported",
        e.getMessage());
    if (exactly >= 0) {
      assertEquals(exactly, r.seen().size(), what + ": records after the interrupt");
    } else {
      assertTrue(r.seen().size() >= AT, what + ": " + r.seen().size() + " records");
    }
    // The interrupt shortened the output; it did not change it.
    if (r.seen().size() > 0) {
      assertEquals(prefix(model, strategy, r.seen().size()), r.seen(), what);
    }
  }

  @ParameterizedTest(name = "{0} on {1} workers")
  @MethodSource("cases")
  void interruptingTheCallerEndsTheCallCleanly(String strategy, int workers) throws Exception {
    Interrupted r = interruptAt(strategy, workers, Target.CALLER);
    // On the caller's own thread the very next execution boundary notices it.
    boolean callerRunsTheListener = workers == 1 || strategy.startsWith("bounded");
    assertInterruptedCleanly(strategy, workers, r, callerRunsTheListener);
  }

  @ParameterizedTest(name = "{0} on {1} workers")
  @MethodSource("cases")
  void interruptingTheThreadThatReportsEndsTheCallCleanly(String strategy, int workers)
      throws Exception {
    // With several workers the listener runs on a worker: an interrupt that reaches only a
    // worker (as a notebook kernel interrupts every thread a cell started) ends the call too,
    // and is passed on to the caller's interrupt status.
    Interrupted r = interruptAt(strategy, workers, Target.LISTENER_THREAD);
    assertInterruptedCleanly(strategy, workers, r, true);
  }

  @Test
  void statefulStrategyEndsTheSameWay() throws Exception {
    // Stateful dpor reports a round's records when the round ends (270 here); the interrupt at
    // record AT stops the report there.
    Model model = Toys.folioLock(4, true);
    Interrupted r = interruptAt(model, "stateful", 1, Target.CALLER);
    assertInterruptedCleanly(model, "stateful", 1, r, AT);
  }

  /**
   * {@code model}, whose {@code at}-th set-up (counted over all threads) interrupts
   * {@code caller}, or the thread that runs it if {@code caller} is null: an interrupt in the
   * middle of an execution, however long since the last record.
   */
  static Model interruptingAtSetUp(Model model, int at, Thread caller) {
    AtomicInteger setUps = new AtomicInteger();
    return m -> {
      model.setUp(m);
      if (setUps.incrementAndGet() == at) {
        (caller == null ? Thread.currentThread() : caller).interrupt();
      }
    };
  }

  @Test
  void anInterruptWhileNoRecordFlowsEndsTheCall() throws Exception {
    // Stateful dpor of BIG reports its 7 records only after a round of some 300,000 executions
    // cut at known states; its 512 learning runs come first. Interrupts during the learning and
    // in the round end the call with nothing reported.
    for (int at : new int[] {100, 5000}) {
      Model model = interruptingAtSetUp(BIG, at, null);
      Interrupted r = interruptAt(model, "stateful", 1, Target.CALLER);
      assertEquals(List.of(), r.seen());
      assertInterruptedCleanly(model, "stateful", 1, r, 0);
    }
    // A worker interrupted while it runs an execution (not in the listener nor in a wait).
    for (String strategy : new String[] {"dpor", "random:100000000"}) {
      Model model = interruptingAtSetUp(BIG, 2000, null);
      Interrupted r = interruptAt(model, strategy, 2, Target.CALLER);
      String what = strategy + " interrupted in a set-up";
      assertTrue(r.thrown() instanceof ExplorationInterruptedException, what + ": " + r.thrown());
      assertTrue(r.flagAfter(), what);
      assertEquals(List.of(), r.workersAlive(), what);
      assertEquals(0, r.lateRecords(), what);
      assertEquals(r.seen().size(), ((ExplorationInterruptedException) r.thrown()).executions());
    }
  }

  @ParameterizedTest(name = "{0} on {1} workers")
  @MethodSource("allStrategies")
  void aCallMadeWhileInterruptedExploresNothing(String strategy, int workers) {
    List<Execution> seen = new ArrayList<>();
    Set<Thread> before = foliolabThreads();
    Thread.currentThread().interrupt();
    ExplorationInterruptedException e;
    try {
      e = assertThrows(ExplorationInterruptedException.class, () -> Explorer.explore(BIG,
          Strategy.parse(strategy), Options.defaults().withWorkers(workers), seen::add));
    } finally {
      // Clears the status for the next test, and checks that the call left it set.
      assertTrue(Thread.interrupted(), "the interrupt status was cleared");
    }
    assertEquals(0, e.executions());
    assertEquals(List.of(), seen);
    Set<Thread> after = foliolabThreads();
    after.removeAll(before);
    assertEquals(Set.of(), after);
  }

  @Test
  void aListenerFailureWinsOverAnInterruptNoticedWithIt() throws Exception {
    // A worker's exception is a bug to report, not something the interrupt explains away.
    for (int workers : new int[] {1, 2}) {
      Thread self = Thread.currentThread();
      IllegalStateException boom = new IllegalStateException("listener failed");
      AtomicInteger n = new AtomicInteger();
      Supplier<Summary> call = () -> Explorer.explore(BIG, new Strategy.Dpor(),
          Options.defaults().withWorkers(workers), e -> {
            if (n.incrementAndGet() == AT) {
              self.interrupt();
              throw boom;
            }
          });
      IllegalStateException thrown;
      try {
        thrown = assertThrows(IllegalStateException.class, call::get);
      } finally {
        Thread.interrupted();
      }
      assertTrue(thrown == boom, "workers " + workers + ": " + thrown);
      assertEquals(AT, n.get(), "workers " + workers + ": records after the failure");
    }
  }

  @Test
  void minimizeEndsTheSameWay() {
    Execution failing = Explorer.explore(Toys.lostUpdate(3), new Strategy.Dpor(),
        Options.defaults(), e -> { }).firstFailure();
    assertNotNull(failing);
    Thread.currentThread().interrupt();
    try {
      ExplorationInterruptedException e = assertThrows(ExplorationInterruptedException.class,
          () -> Explorer.minimize(Toys.lostUpdate(3), failing, Options.defaults()));
      assertEquals(0, e.executions());
    } finally {
      assertTrue(Thread.interrupted());
    }
    // Without the interrupt the same call works.
    assertTrue(Explorer.minimize(Toys.lostUpdate(3), failing, Options.defaults())
        .execution().failed());
  }

  @Test
  void theExceptionChecksItsCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ExplorationInterruptedException("dpor", -1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }
}
