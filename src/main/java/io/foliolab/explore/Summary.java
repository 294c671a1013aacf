package io.foliolab.explore;

import com.google.common.collect.ImmutableMap;
import io.foliolab.sim.Outcome;
import java.util.Objects;

/**
 * The result of an exploration. Immutable.
 *
 * @param strategy the strategy, as text
 * @param executions executions reported
 * @param complete whether the strategy finished (exhaustive strategies: every execution covered)
 * @param stoppedBy "" if complete, else the budget that stopped it ("executions" or "seconds")
 * @param outcomes executions per outcome (every outcome present, OK included)
 * @param firstFailure the failing execution with the smallest id, or null
 * @param redundant (dpor) explorations abandoned because every enabled CPU was in the sleep set
 * @param states (stateful) distinct states stored, 0 for the other strategies
 * @param cacheHits (stateful) explorations cut because they reached a state explored before
 * @param rounds (stateful) explorations run, the last one reported (an earlier one is dropped
 *     when a fact its reduction relied on turned out wrong); 0 for the other strategies
 * @param seconds wall-clock time (the only field that varies between runs)
 */
public record Summary(
    String strategy,
    long executions,
    boolean complete,
    String stoppedBy,
    ImmutableMap<Outcome, Long> outcomes,
    Execution firstFailure,
    long redundant,
    long states,
    long cacheHits,
    int rounds,
    double seconds) {
  public Summary {
    Objects.requireNonNull(strategy);
    Objects.requireNonNull(stoppedBy);
    Objects.requireNonNull(outcomes);
  }

  /** Executions with outcome {@code o}. */
  public long count(Outcome o) {
    return outcomes.getOrDefault(o, 0L);
  }

  /** Executions that failed. */
  public long failures() {
    return executions - count(Outcome.OK);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(strategy).append(": ").append(executions).append(" executions, ")
        .append(complete ? "complete" : "stopped by " + stoppedBy + " budget");
    outcomes.forEach((k, v) -> {
      if (v > 0) {
        sb.append(", ").append(k).append('=').append(v);
      }
    });
    if (states > 0) {
      sb.append(", ").append(states).append(" states, ").append(cacheHits).append(" cut at a"
          + " known state, round ").append(rounds);
    }
    sb.append(String.format(", %.3f s", seconds));
    if (firstFailure != null) {
      sb.append("\n  first failure: ").append(firstFailure);
    }
    return sb.toString();
  }
}
