package io.foliolab.notebook;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.messages.publish.PublishStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code System.out} and {@code System.err} while the kernel runs: bytes are buffered and
 * published as {@code stream} messages to the most recent cell, at most every 50 ms (so a loop
 * printing a million lines sends few messages), and whenever the kernel flushes (before a display,
 * at the end of a cell), through the {@link OutputQueue}. Before any cell, output goes to the
 * kernel's own stderr.
 */
final class CellStreams implements AutoCloseable {
  private final Sink out;
  private final Sink err;
  final PrintStream stdout;
  final PrintStream stderr;
  private final Thread flusher;
  private volatile boolean running = true;
  private volatile ShellReplyEnvironment env;

  CellStreams(PrintStream fallback, OutputQueue queue) {
    this.out = new Sink(PublishStream.StreamType.OUT, fallback, queue);
    this.err = new Sink(PublishStream.StreamType.ERR, fallback, queue);
    this.stdout = new PrintStream(out, false, StandardCharsets.UTF_8);
    this.stderr = new PrintStream(err, false, StandardCharsets.UTF_8);
    this.flusher =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
                flush();
              }
            },
            "foliolab-stream-flusher");
    flusher.setDaemon(true);
    flusher.start();
  }

  /** Sends further output to the cell of {@code env}. */
  void attach(ShellReplyEnvironment env) {
    flush();
    this.env = env;
  }

  ShellReplyEnvironment env() {
    return env;
  }

  /** Queues everything buffered so far for publication, stdout first. */
  void flush() {
    stdout.flush();
    stderr.flush();
    out.publish(env);
    err.publish(env);
  }

  @Override
  public void close() {
    running = false;
    flusher.interrupt();
    flush();
  }

  private static final class Sink extends OutputStream {
    private final PublishStream.StreamType type;
    private final PrintStream fallback;
    private final OutputQueue queue;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    Sink(PublishStream.StreamType type, PrintStream fallback, OutputQueue queue) {
      this.type = type;
      this.fallback = fallback;
      this.queue = queue;
    }

    @Override
    public synchronized void write(int b) {
      buffer.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      buffer.write(b, off, len);
    }

    void publish(ShellReplyEnvironment env) {
      String text;
      synchronized (this) {
        if (buffer.size() == 0) {
          return;
        }
        text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
      }
      if (env == null) {
        fallback.print(text);
        fallback.flush();
      } else {
        queue.publish(env, new PublishStream(type, text));
      }
    }
  }
}
