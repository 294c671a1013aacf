package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.html.HtmlEscapers;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A progress bar for long work, shown in the running cell and updated in place. Nothing is shown
 * for work that ends within a second; after that the bar appears and is redrawn at most five times
 * a second. Every {@link #step()} also checks for a user interrupt ({@link
 * Interrupts#checkInterrupted()}), so a loop that reports progress is interruptible for free.
 * Outside a kernel it shows nothing. Thread-safe: parallel workers may share one instance.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("schedules", n)) {
 *   for (...) { ...; p.step(); }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {
  static final long SHOW_AFTER_NANOS = 1_000_000_000L;
  static final long REDRAW_EVERY_NANOS = 200_000_000L;

  /** Receives the bar: first {@code show} once, then {@code update}s with the same id. */
  interface View {
    void show(String displayId, Map<String, String> bundle);

    void update(String displayId, Map<String, String> bundle);
  }

  private final String label;
  private final long total;
  private final LongSupplier nanoTime;
  private final View view;
  private final long startNanos;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong nextDrawNanos;
  private String displayId;
  private boolean closed;

  Progress(String label, long total, LongSupplier nanoTime, View view) {
    checkArgument(total >= 0, "total must be >= 0, got %s", total);
    this.label = label == null ? "" : label;
    this.total = total;
    this.nanoTime = nanoTime;
    this.view = view;
    this.startNanos = nanoTime.getAsLong();
    this.nextDrawNanos = new AtomicLong(startNanos + SHOW_AFTER_NANOS);
  }

  /** Starts tracking {@code total} units of work (0 if unknown: the bar then shows a count). */
  public static Progress start(long total) {
    return start("", total);
  }

  /** Starts tracking {@code total} units of work under a label. */
  public static Progress start(String label, long total) {
    return new Progress(label, total, System::nanoTime, kernelView());
  }

  private static View kernelView() {
    return new View() {
      @Override
      public void show(String displayId, Map<String, String> bundle) {
        Notebook.Output o = outputOrNull();
        if (o != null) {
          o.display(bundle, displayId);
        }
      }

      @Override
      public void update(String displayId, Map<String, String> bundle) {
        Notebook.Output o = outputOrNull();
        if (o != null) {
          o.update(displayId, bundle);
        }
      }
    };
  }

  private static Notebook.Output outputOrNull() {
    return Notebook.output();
  }

  /** Records one unit of work done; throws {@link CellInterruptedException} if interrupted. */
  public void step() {
    advance(1);
  }

  /** Records {@code n >= 0} units done; throws {@link CellInterruptedException} if interrupted. */
  public void advance(long n) {
    checkArgument(n >= 0, "progress can only advance, got %s", n);
    done.addAndGet(n);
    Interrupts.checkInterrupted();
    maybeDraw();
  }

  /** Units done so far. */
  public long done() {
    return done.get();
  }

  private void maybeDraw() {
    long now = nanoTime.getAsLong();
    long next = nextDrawNanos.get();
    if (now < next || !nextDrawNanos.compareAndSet(next, now + REDRAW_EVERY_NANOS)) {
      return;
    }
    draw(now, false);
  }

  private synchronized void draw(long now, boolean finished) {
    if (closed) {
      return;
    }
    Map<String, String> bundle = bundle(done.get(), now - startNanos, finished);
    if (displayId == null) {
      displayId = "foliolab-progress-" + Long.toHexString(System.identityHashCode(this)) + "-" + startNanos;
      view.show(displayId, bundle);
    } else {
      view.update(displayId, bundle);
    }
  }

  /** Ends the bar: if it was shown, it is redrawn once more as finished. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed || displayId == null) {
        closed = true;
        return;
      }
    }
    draw(nanoTime.getAsLong(), true);
    synchronized (this) {
      closed = true;
    }
  }

  /** The text and HTML of the bar for {@code done} units after {@code elapsedNanos}. */
  Map<String, String> bundle(long doneUnits, long elapsedNanos, boolean finished) {
    String seconds = String.format(Locale.ROOT, "%.1f s", elapsedNanos / 1e9);
    String prefix = label.isEmpty() ? "" : label + " ";
    String text;
    String html;
    if (total > 0) {
      long shown = Math.min(doneUnits, total);
      int percent = (int) (100 * shown / total);
      int filled = (int) (30 * shown / total);
      text = prefix + "[" + "#".repeat(filled) + ".".repeat(30 - filled) + "] " + percent + "% ("
          + doneUnits + "/" + total + ") " + seconds + (finished ? " done" : "");
      html = "<div class=\"foliolab-progress\"><progress value=\"" + shown + "\" max=\"" + total
          + "\" style=\"width:30em\"></progress> " + HtmlEscapers.htmlEscaper().escape(prefix) + percent + "% ("
          + doneUnits + "/" + total + ") " + seconds + (finished ? " done" : "") + "</div>";
    } else {
      text = prefix + doneUnits + " done " + seconds + (finished ? " (finished)" : "");
      html = "<div class=\"foliolab-progress\">" + HtmlEscapers.htmlEscaper().escape(text) + "</div>";
    }
    return MimeBundle.builder().text(text).html(html).build();
  }
}
