package io.foliolab.explore;

import io.foliolab.sim.Model;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the sampling strategies on several workers. Execution {@code i} depends only on the seed
 * and {@code i}; workers take chunks of consecutive indices and an ordered merge hands the
 * records to the sink in index order, so the output is the same as with one worker. A worker does
 * not run more than a few chunks ahead of the merge, which keeps memory bounded.
 *
 * <p>Stopping: a spent budget, a failure on a worker or an interrupt (of the joining thread or of
 * a worker) sets {@link #stop}; every worker notices it before its next execution and ends, and
 * no record reaches the sink after it is set. An interrupt is recorded in the sink
 * ({@link Sink#interrupted()}).
 */
final class ParallelSampling {
  private static final int CHUNK = 64;

  private final Sink sink;
  private final long n;
  private final int window;
  private final Map<Long, Execution[]> done = new HashMap<>();
  private long nextChunk;
  private long emitChunk;
  /** Set under the lock; read without it between executions. */
  private volatile boolean stop;
  private boolean finished = true;

  private ParallelSampling(Sink sink, long n, int workers) {
    this.sink = sink;
    this.n = n;
    this.window = workers * 2;
  }

  /**
   * Runs executions 0 to {@code n - 1} on {@code options.workers()} threads; returns whether all
   * were reported. Returns only when every worker has ended. If the calling thread is interrupted
   * while it waits, the workers are told to stop, it goes on waiting for them, and then returns
   * (false) with its interrupt status set and the interrupt recorded in the sink.
   *
   * @throws RuntimeException the first failure of a worker (the model's or the listener's)
   */
  static boolean run(Model model, Options options, Sink sink, long n, int depth, int pctSteps) {
    ParallelSampling p = new ParallelSampling(sink, n, options.workers());
    Thread[] threads = new Thread[options.workers()];
    RuntimeException[] error = new RuntimeException[1];
    for (int w = 0; w < threads.length; w++) {
      threads[w] = new Thread(() -> {
        try {
          Sampling s = new Sampling(new Runner(model, options), options, depth, pctSteps);
          p.work(s);
        } catch (RuntimeException | Error e) {
          synchronized (p) {
            if (error[0] == null) {
              error[0] = e instanceof RuntimeException r ? r : new RuntimeException(e);
            }
            p.stop = true;
            p.notifyAll();
          }
        }
      }, "foliolab-sample-" + w);
      threads[w].start();
    }
    Workers.joinAll(threads, p::stopForInterrupt);
    if (error[0] != null) {
      throw error[0];
    }
    return p.finished && !sink.interrupted();
  }

  /** Records an interrupt in the sink and stops every worker before its next execution. */
  private synchronized void stopForInterrupt() {
    sink.interrupt();
    stop = true;
    notifyAll();
  }

  private void work(Sampling s) {
    for (;;) {
      long chunk;
      synchronized (this) {
        while (!stop && nextChunk * CHUNK < n && nextChunk - emitChunk >= window) {
          waitQuietly();
        }
        if (stop || nextChunk * CHUNK >= n) {
          return;
        }
        chunk = nextChunk++;
      }
      long from = chunk * CHUNK;
      int len = (int) Math.min(CHUNK, n - from);
      Execution[] out = new Execution[len];
      for (int i = 0; i < len; i++) {
        if (!stop && Thread.currentThread().isInterrupted()) {
          stopForInterrupt();
        }
        if (stop) {
          return;
        }
        out[i] = s.run(from + i);
      }
      synchronized (this) {
        done.put(chunk, out);
        Execution[] head;
        while (!stop && (head = done.remove(emitChunk)) != null) {
          for (int i = 0; i < head.length && !stop; i++) {
            if (!accept(head[i])) {
              stop = true;
              finished = emitChunk * CHUNK + i == n - 1;
            }
          }
          emitChunk++;
          if (!stop && sink.exhausted()) {
            stop = true;
            finished = emitChunk * CHUNK >= n;
          }
        }
        notifyAll();
      }
    }
  }

  /**
   * Hands {@code e} to the sink; call with the lock held. If the listener throws, the exploration
   * stops before the lock is released, so no other worker reports a record after the failure.
   */
  private boolean accept(Execution e) {
    try {
      return sink.accept(e);
    } catch (RuntimeException | Error x) {
      stop = true;
      throw x;
    }
  }

  /** Waits for a change; an interrupt of the waiting worker stops the exploration. */
  private void waitQuietly() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopForInterrupt();
    }
  }
}
