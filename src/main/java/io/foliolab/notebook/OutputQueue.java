package io.foliolab.notebook;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.messages.ContentType;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes a cell's output (streams, displays) on IOPub from one thread of its own, in the order
 * it was queued. Cell threads never touch the socket, so an interrupt that stops a cell thread
 * with ThreadDeath cannot leave a half-sent multipart message on IOPub (which would swallow the
 * next message, possibly the idle status the client waits for).
 */
final class OutputQueue implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutputQueue.class.getName());

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "foliolab-iopub");
            t.setDaemon(true);
            return t;
          });

  /** Queues {@code content} for publication in {@code env}'s cell. */
  <T extends ContentType<T>> void publish(ShellReplyEnvironment env, T content) {
    thread.execute(
        () -> {
          try {
            env.publish(content);
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "publishing output failed", e);
          }
        });
  }

  /** Waits (up to 10 s) until everything queued so far is published. */
  void sync() {
    try {
      thread.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(Level.WARNING, "output queue did not drain", e);
    }
  }

  @Override
  public void close() {
    sync();
    thread.shutdownNow();
  }
}
