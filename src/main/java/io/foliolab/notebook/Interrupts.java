package io.foliolab.notebook;

/**
 * The cooperative interrupt flag of the notebook kernel. When the user interrupts a cell the kernel
 * raises this flag, interrupts the cell's threads, and only if the cell has not returned half a
 * second later stops its threads forcibly. Long loops (explorations, sweeps) should therefore call
 * {@link #checkInterrupted()} every few milliseconds of work, from any thread, so that they unwind
 * cleanly: it costs one volatile read.
 *
 * <pre>{@code
 * for (Schedule s : schedules) {
 *   Interrupts.checkInterrupted();
 *   ...
 * }
 * }</pre>
 *
 * <p>Outside a kernel the flag is never raised unless a host (e.g. the CLI on SIGINT) calls {@link
 * #request()}. The kernel lowers it when the next cell starts.
 */
public final class Interrupts {
  private static volatile boolean requested;

  private Interrupts() {}

  /**
   * Throws {@link CellInterruptedException} if an interrupt was requested and not yet cleared;
   * otherwise returns at once. Callable from any thread, in any locking context.
   */
  public static void checkInterrupted() {
    if (requested) {
      throw new CellInterruptedException();
    }
  }

  /** Returns true if an interrupt was requested and not yet cleared. */
  public static boolean isInterruptRequested() {
    return requested;
  }

  /** Raises the flag: for hosts (the kernel, a CLI signal handler), not for model code. */
  public static void request() {
    requested = true;
  }

  /** Lowers the flag: the kernel calls it when a cell starts. */
  public static void clear() {
    requested = false;
  }
}
