package io.foliolab.notebook;

/**
 * Thrown by {@link Interrupts#checkInterrupted()} when the user interrupted the running cell. It
 * unwinds FolioLab's loops like any runtime exception; do not catch it without rethrowing.
 */
public final class CellInterruptedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CellInterruptedException() {
    super("interrupted by the user");
  }
}
