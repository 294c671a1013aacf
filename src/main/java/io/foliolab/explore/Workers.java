package io.foliolab.explore;

/** Joining a parallel exploration's worker threads. */
final class Workers {
  private Workers() {}

  /**
   * Waits until every thread in {@code threads} has ended. An interrupt of the waiting thread
   * runs {@code onInterrupt} (which must tell the workers to stop) and the wait goes on; the
   * thread's interrupt status is set again before returning.
   */
  static void joinAll(Thread[] threads, Runnable onInterrupt) {
    boolean interrupted = false;
    for (Thread t : threads) {
      for (;;) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          onInterrupt.run();
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
