package io.foliolab.explore;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The memory model an exploration runs the machine under: sequentially consistent ({@code sc},
 * the default), or with per-CPU store buffers ({@link io.foliolab.sim.Machine#setWeakMemory}):
 * {@code tso}, one FIFO buffer per CPU (x86-TSO: a CPU's plain stores become visible to the others
 * later but in program order, its loads read its own buffered stores, and fully ordered atomics,
 * locks, release stores and XArray write-side operations first drain the buffer), or
 * {@code pso:N}, N lanes per CPU (2 to 8), stores to different locations becoming visible out of
 * program order (SPARC PSO-like). Loads are never reordered, so neither model is as weak as arm64
 * or POWER. The buffers are flushed by extra schedulable agents, numbered after the model's CPUs:
 * a schedule from a store-buffer run names them, and carries its memory model (see
 * {@link Schedule}). Immutable.
 *
 * @param lanes store-buffer lanes per CPU; 0 for sequential consistency
 */
public record MemoryModel(int lanes) {
  /** Sequential consistency: every store is visible to every CPU at once. */
  public static final MemoryModel SC = new MemoryModel(0);
  /** One FIFO store buffer per CPU. */
  public static final MemoryModel TSO = new MemoryModel(1);

  public MemoryModel {
    checkArgument(lanes >= 0 && lanes <= 8, "store-buffer lanes %s must be in [0, 8]", lanes);
  }

  /**
   * Parses {@code sc}, {@code tso} or {@code pso:N} (N in [2, 8]).
   *
   * @throws IllegalArgumentException naming the bad text and the allowed forms
   */
  public static MemoryModel parse(String text) {
    checkArgument(text != null, "memory model must not be null; expected sc, tso or pso:N");
    String t = text.trim();
    if (t.equals("sc")) {
      return SC;
    }
    if (t.equals("tso")) {
      return TSO;
    }
    if (t.startsWith("pso:")) {
      String n = t.substring(4);
      checkArgument(n.length() == 1 && n.charAt(0) >= '2' && n.charAt(0) <= '8',
          "memory model '%s': pso lanes must be a number in [2, 8] (e.g. pso:2)", text);
      return new MemoryModel(n.charAt(0) - '0');
    }
    throw new IllegalArgumentException("memory model '" + text
        + "' is not one of sc, tso, pso:N (N in [2, 8])");
  }

  /** Whether this is sequential consistency. */
  public boolean sequentiallyConsistent() {
    return lanes == 0;
  }

  /** {@code sc}, {@code tso} or {@code pso:N}: what {@link #parse} reads. */
  @Override
  public String toString() {
    return lanes == 0 ? "sc" : lanes == 1 ? "tso" : "pso:" + lanes;
  }

  /**
   * {@code text} followed by {@code "@"} and this model, or {@code text} alone for sequential
   * consistency: how schedules and strategy texts of a store-buffer run are marked.
   */
  public String mark(String text) {
    return lanes == 0 ? text : text + "@" + this;
  }

  /** The memory model a text marked by {@link #mark} carries ({@link #SC} if unmarked). */
  public static MemoryModel of(String marked) {
    int at = marked.lastIndexOf('@');
    return at < 0 ? SC : parse(marked.substring(at + 1));
  }

  /** {@code marked} without its memory mark. */
  public static String unmarked(String marked) {
    int at = marked.lastIndexOf('@');
    return at < 0 ? marked : marked.substring(0, at);
  }
}
