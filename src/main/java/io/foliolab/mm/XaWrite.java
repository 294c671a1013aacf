package io.foliolab.mm;

import io.foliolab.sim.Cpu;

/**
 * TEMPORARY adapter, to be replaced by the simulated machine's XArray integration (issue 3): runs
 * a write-side XArray operation of a step program ({@code xas_try_split}, {@code xas_split},
 * {@code __xa_store}, ...) on the XArray model. With the integration the operation's stores are
 * recorded and published to RCU readers one store per step; until it lands this adapter simply
 * runs the operation within the calling step, so its stores become visible at once. It is the
 * only place where the page-cache paths write the XArray.
 */
final class XaWrite {
  private XaWrite() {}

  /** Runs {@code op} (which must only call XArray write-side functions) for {@code cpu}. */
  static void run(Cpu cpu, AddressSpace mapping, Runnable op) {
    op.run();
  }
}
