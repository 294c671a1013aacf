package io.foliolab.notebook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's execution engine for the kernel: snippets run in this JVM (so the kernel renders the
 * very objects a cell returns, not their strings), each on a fresh thread in a fresh thread group
 * so that an interrupt can stop it and any threads it started.
 *
 * <p>Each invocation's value is kept under a key that JShell passes back as the snippet's "value";
 * {@link #takeResult(String)} turns the key back into the object.
 */
final class CellExecutionControl extends DirectExecutionControl {
  private final Map<String, Object> results = new HashMap<>();
  private final AtomicInteger cells = new AtomicInteger();
  /** Every snippet thread, and by inheritance every thread a cell starts, lives in this group. */
  private final ThreadGroup cellThreads = new ThreadGroup("foliolab-cells");
  private volatile Thread running;
  private volatile boolean stopped;

  /** Runs the snippet's do-it method on its own thread and waits for it. */
  @Override
  protected String invoke(Method doitMethod) throws Exception {
    AtomicReference<Object> value = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean returned = new AtomicBoolean();
    int n = cells.incrementAndGet();
    Thread thread =
        new Thread(
            cellThreads,
            () -> {
              try {
                value.set(doitMethod.invoke(null));
                returned.set(true);
              } catch (InvocationTargetException e) {
                failure.set(e.getCause());
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "foliolab-cell-" + n);
    thread.setUncaughtExceptionHandler((t, e) -> {});
    running = thread;
    try {
      thread.start();
      thread.join();
    } finally {
      running = null;
    }
    Throwable f = failure.get();
    if (f instanceof ThreadDeath || (f == null && !returned.get())) {
      stopped = true;
      throw new ExecutionControl.StoppedException();
    }
    if (f != null) {
      throw new InvocationTargetException(f);
    }
    String key = "foliolab-result-" + n;
    synchronized (results) {
      results.put(key, value.get());
    }
    return key;
  }

  /** Returns and forgets the value stored under {@code key} (null if none). */
  Object takeResult(String key) {
    synchronized (results) {
      return results.remove(key);
    }
  }

  /** Forgets all stored values. */
  void clearResults() {
    synchronized (results) {
      results.clear();
    }
  }

  /**
   * True if a snippet was stopped since the last call; clears the mark. (JShell reports a stopped
   * snippet as valid with no value, so the evaluator asks here.)
   */
  boolean takeStopped() {
    boolean s = stopped;
    stopped = false;
    return s;
  }

  /** True while a snippet runs. */
  boolean isRunning() {
    return running != null;
  }

  private Thread[] liveCellThreads() {
    Thread[] threads = new Thread[cellThreads.activeCount() + 16];
    int n = cellThreads.enumerate(threads, true);
    Thread[] live = new Thread[n];
    System.arraycopy(threads, 0, live, 0, n);
    return live;
  }

  /** Interrupts (Thread.interrupt) every live thread that cells started, idle ones included. */
  void interruptThreads() {
    for (Thread t : liveCellThreads()) {
      t.interrupt();
    }
  }

  /**
   * Stops with ThreadDeath the running snippet's thread and every other thread cells started that
   * is running (RUNNABLE); threads that wait (idle pool workers) are left alone. Returns how many
   * threads were stopped.
   */
  int stopBusyThreads() {
    return stopBusyThreads(null);
  }

  /** The threads cells have started that are alive now (a snapshot). */
  java.util.Set<Thread> liveThreads() {
    return java.util.Set.of(liveCellThreads());
  }

  /**
   * {@link #stopBusyThreads()} restricted to {@code among} (all when null): an interrupt's later
   * escalations stop only threads that existed when it was requested, never the next cell's.
   */
  @SuppressWarnings({"deprecation", "removal"})
  int stopBusyThreads(java.util.Set<Thread> among) {
    Thread snippet = running;
    int stoppedThreads = 0;
    for (Thread t : liveCellThreads()) {
      if (among != null && !among.contains(t)) {
        continue;
      }
      if (t == snippet || t.getState() == Thread.State.RUNNABLE) {
        t.stop();
        stoppedThreads++;
      }
    }
    return stoppedThreads;
  }

  /** Stops the running snippet's thread with ThreadDeath; no-op when idle. */
  @Override
  @SuppressWarnings({"deprecation", "removal"})
  public void stop() {
    Thread t = running;
    if (t != null) {
      t.stop();
    }
  }

  /** Hands one control instance to JShell. */
  static final class Provider implements ExecutionControlProvider {
    private final CellExecutionControl control;

    Provider(CellExecutionControl control) {
      this.control = control;
    }

    @Override
    public String name() {
      return "foliolab-local";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return control;
    }
  }
}
