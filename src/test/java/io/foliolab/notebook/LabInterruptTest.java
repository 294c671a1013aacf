package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.ExecutionListener;
import io.foliolab.explore.ExplorationInterruptedException;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A user interrupt of {@link Lab.Setup#explore} as the kernel delivers it (the interrupt flag
 * raised, then every thread the cell started interrupted): the cell ends with
 * {@link CellInterruptedException}, whether the explorer's workers or the cell's own thread
 * notices first, the workers stop with it, and the next exploration runs normally.
 */
class LabInterruptTest {
  /** Order 6 at 0x7640: a dpor search of far more than a minute, so it is surely interrupted. */
  static final Lab.Setup LONG = Lab.scenario("split-wrong-slot").param("order", 6)
      .param("index", "0x7640");

  @AfterEach
  void lowerFlag() {
    Interrupts.clear();
  }

  static List<Thread> explorerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("foliolab-dpor-")
            || t.getName().startsWith("foliolab-sample-"))
        .toList();
  }

  /** Waits up to {@code seconds} for {@code done}; false if it did not happen. */
  static boolean await(java.util.function.BooleanSupplier done, double seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /**
   * Runs {@code strategy} on {@link #LONG} in a thread, interrupts it as the kernel does; with
   * {@code cellThreadToo} false only the workers get Thread.interrupt (the kernel interrupts the
   * cell's threads in no particular order, so the workers may see it well before the cell's own
   * thread).
   */
  static Throwable interrupted(String strategy, boolean cellThreadToo)
      throws InterruptedException {
    return interrupted(strategy, true, cellThreadToo, true);
  }

  /**
   * As {@link #interrupted(String, boolean)}, choosing each part of the kernel's interrupt: the
   * flag, Thread.interrupt on the cell's thread, and on the explorer's workers.
   */
  static Throwable interrupted(String strategy, boolean flag, boolean cellThread, boolean workers)
      throws InterruptedException {
    assertTrue(explorerThreads().isEmpty(), "explorer threads left over: " + explorerThreads());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread cell = new Thread(() -> {
      try {
        LONG.explore(strategy);
      } catch (Throwable t) {
        thrown.set(t);
      }
    }, "test-cell");
    cell.start();
    if (LONG.options().workers() > 1) {
      assertTrue(await(() -> !explorerThreads().isEmpty(), 20), "no worker started");
    }
    Thread.sleep(300); // well into the search
    assertTrue(cell.isAlive(), "the exploration ended before the interrupt: " + thrown.get());
    // What FolioLabKernel.interruptCell does: the flag, then Thread.interrupt on every thread
    // the cell started (the cell's thread and the explorer's workers).
    if (flag) {
      Interrupts.request();
    }
    if (cellThread) {
      cell.interrupt();
    }
    if (workers) {
      explorerThreads().forEach(Thread::interrupt);
    }
    cell.join(20_000);
    assertFalse(cell.isAlive(), "the cell did not end within 20 s of the interrupt");
    // The explorer's workers ended before the call did: the old search cannot go on in the
    // background once the next cell lowers the flag.
    assertEquals(List.of(), explorerThreads(), "explorer threads still running after the cell"
        + " ended");
    Interrupts.clear();
    return thrown.get();
  }

  @Test
  void interruptedDporEndsTheCellWithCellInterruptedException() throws Exception {
    Throwable t = interrupted("dpor", true);
    assertTrue(t instanceof CellInterruptedException, "ended with " + t);
    assertEquals("interrupted by the user", t.getMessage());
    theNextExplorationRunsNormally();
  }

  @Test
  void interruptedWorkersDoNotPassForAFinishedSearch() throws Exception {
    // Workers interrupted in a wait stop the search without an error; the cell must not return
    // a cut-short run as if a budget had stopped it.
    Throwable t = interrupted("dpor", false);
    assertTrue(t instanceof CellInterruptedException, "ended with " + t);
    theNextExplorationRunsNormally();
  }

  @Test
  void interruptedSamplingEndsTheCellWithCellInterruptedException() throws Exception {
    Throwable t = interrupted("random:100000000", true);
    assertTrue(t instanceof CellInterruptedException, "ended with " + t);
    theNextExplorationRunsNormally();
  }

  @Test
  void anInterruptOfTheCellThreadAloneEndsTheCellToo() throws Exception {
    // Without the kernel's flag (a host that only interrupts the thread): the explorer's own
    // ExplorationInterruptedException becomes the cell's interrupt, kept as suppressed.
    Throwable t = interrupted("dpor", false, true, false);
    assertTrue(t instanceof CellInterruptedException, "ended with " + t);
    assertEquals(1, t.getSuppressed().length, java.util.Arrays.toString(t.getSuppressed()));
    assertTrue(t.getSuppressed()[0] instanceof ExplorationInterruptedException,
        String.valueOf(t.getSuppressed()[0]));
    assertTrue(t.getSuppressed()[0].getMessage().startsWith("dpor interrupted after "),
        t.getSuppressed()[0].getMessage());
    theNextExplorationRunsNormally();
  }

  private static void theNextExplorationRunsNormally() {
    Lab.Setup small = Lab.scenario("willy-1499").variant("reload-canonical");
    Lab.Run next = small.explore("dpor");
    long expected = Explorer.explore(small.model(), new Strategy.Dpor(), Options.defaults(),
        ExecutionListener.NONE).executions();
    assertTrue(next.complete());
    assertEquals(expected, next.executions());
    assertEquals(expected, next.table().rowCount());
  }
}
