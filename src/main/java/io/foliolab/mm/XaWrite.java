package io.foliolab.mm;

import io.foliolab.sim.Cpu;

/**
 * How the page-cache paths run a write-side XArray operation ({@code xas_try_split},
 * {@code xas_split}, {@code __xa_store}, ...): as one step's action with {@link Cpu#xaWrite},
 * which records its stores and publishes them to RCU readers one store per step (see
 * {@link io.foliolab.sim.XaBinding}). The caller holds {@code xa_lock} (except for the unlocked
 * preallocation {@code xas_split_alloc} and {@code xas_destroy}, which touch only nodes nobody
 * else can reach).
 */
final class XaWrite {
  private XaWrite() {}

  /** Runs {@code op} as this step's write-side XArray operation. */
  static void run(Cpu cpu, AddressSpace mapping, Runnable op) {
    cpu.xaWrite(op);
  }

  /**
   * Runs {@code op} with every node allocation failing if {@code fail} (the outcome of an
   * allocation choice point taken in an earlier step).
   */
  static void run(Cpu cpu, AddressSpace mapping, boolean fail, Runnable op) {
    mapping.xaBinding().failAllocations(fail);
    try {
      cpu.xaWrite(op);
    } finally {
      mapping.xaBinding().failAllocations(false);
    }
  }
}
