package io.foliolab.sim;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * A point where the environment, not the schedule, decides: an allocation that can fail, an agent
 * (reclaim, compaction) that may or may not run. Alternative 0 is the ordinary outcome (the
 * allocation succeeds, the agent stays idle); alternative 1 is the memory-pressure event. The
 * {@code dpor} strategy explores both; sampling strategies pick alternative 1 with probability
 * {@code p}, the memory-pressure level.
 *
 * @param name what is decided, e.g. {@code "alloc:xa_node"}, {@code "agent:reclaim"}
 */
public record ChoicePoint(String name) {
  /** An allocation that fails under memory pressure. */
  public static ChoicePoint allocation(String what) {
    return new ChoicePoint("alloc:" + what);
  }

  /** An agent that runs under memory pressure. */
  public static ChoicePoint agent(String what) {
    return new ChoicePoint("agent:" + what);
  }

  public ChoicePoint {
    Objects.requireNonNull(name, "name");
    checkArgument(!name.isEmpty(), "choice point name must not be empty");
  }

  /** Number of alternatives: always 2 (ordinary, pressure). */
  public int arity() {
    return 2;
  }
}
