package io.foliolab.explore;

import io.foliolab.sim.Model;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the sampling strategies on several workers. Execution {@code i} depends only on the seed
 * and {@code i}; workers take chunks of consecutive indices and an ordered merge hands the
 * records to the sink in index order, so the output is the same as with one worker. A worker does
 * not run more than a few chunks ahead of the merge, which keeps memory bounded.
 */
final class ParallelSampling {
  private static final int CHUNK = 64;

  private final Sink sink;
  private final long n;
  private final int window;
  private final Map<Long, Execution[]> done = new HashMap<>();
  private long nextChunk;
  private long emitChunk;
  private boolean stop;
  private boolean finished = true;

  private ParallelSampling(Sink sink, long n, int workers) {
    this.sink = sink;
    this.n = n;
    this.window = workers * 2;
  }

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
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    if (error[0] != null) {
      throw error[0];
    }
    return p.finished;
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
        out[i] = s.run(from + i);
      }
      synchronized (this) {
        done.put(chunk, out);
        Execution[] head;
        while (!stop && (head = done.remove(emitChunk)) != null) {
          for (int i = 0; i < head.length && !stop; i++) {
            if (!sink.accept(head[i])) {
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

  private void waitQuietly() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop = true;
    }
  }
}
