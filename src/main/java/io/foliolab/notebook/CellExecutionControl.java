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
  private volatile ThreadGroup running;
  private volatile boolean stopped;

  /** Runs the snippet's do-it method on its own thread and waits for it. */
  @Override
  protected String invoke(Method doitMethod) throws Exception {
    AtomicReference<Object> value = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean returned = new AtomicBoolean();
    int n = cells.incrementAndGet();
    ThreadGroup group = new ThreadGroup("foliolab-cell-" + n);
    Thread thread =
        new Thread(
            group,
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
    running = group;
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

  /** Interrupts (Thread.interrupt) every thread of the running snippet; no-op when idle. */
  void interruptThreads() {
    ThreadGroup g = running;
    if (g != null) {
      g.interrupt();
    }
  }

  /** Stops every thread of the running snippet with ThreadDeath; no-op when idle. */
  @Override
  @SuppressWarnings({"deprecation", "removal"})
  public void stop() {
    ThreadGroup g = running;
    if (g != null) {
      g.stop();
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
