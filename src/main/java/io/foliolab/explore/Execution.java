package io.foliolab.explore;

import com.google.common.primitives.ImmutableIntArray;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Subject;
import java.util.Objects;

/**
 * The record of one explored execution: everything a results table needs, and the schedule that
 * reproduces it ({@link Explorer#replay}). Immutable.
 *
 * @param id position in the exploration's output order, from 0
 * @param schedule the schedule, as printed by {@link Schedule#toString}
 * @param steps number of steps (events)
 * @param preemptions context switches away from a CPU that could still have run
 * @param contextSwitches changes of the running CPU
 * @param outcome how it ended
 * @param message the failure message ("" for OK)
 * @param failingCpu the CPU that failed, or -1
 * @param failingLabel the label of the failing step ("" if none)
 * @param subject the object the failure is about, or null
 * @param retries retries (returns to a retry label) per CPU
 * @param choices the alternative taken at each choice point, as a string of 0s and 1s
 */
public record Execution(
    long id,
    String schedule,
    int steps,
    int preemptions,
    int contextSwitches,
    Outcome outcome,
    String message,
    int failingCpu,
    String failingLabel,
    Subject subject,
    ImmutableIntArray retries,
    String choices) {
  public Execution {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(failingLabel, "failingLabel");
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(choices, "choices");
  }

  /** Whether the execution failed (outcome other than OK). */
  public boolean failed() {
    return outcome.failed();
  }

  /** Total retries over all CPUs. */
  public int totalRetries() {
    int t = 0;
    for (int i = 0; i < retries.length(); i++) {
      t += retries.get(i);
    }
    return t;
  }

  /** The same record with another id. */
  Execution withId(long newId) {
    return new Execution(newId, schedule, steps, preemptions, contextSwitches, outcome, message,
        failingCpu, failingLabel, subject, retries, choices);
  }

  @Override
  public String toString() {
    return "#" + id + " " + outcome + (message.isEmpty() ? "" : " " + message)
        + (failingCpu >= 0 ? " (CPU " + failingCpu + " at " + failingLabel + ")" : "")
        + " steps=" + steps + " preemptions=" + preemptions + " schedule=" + schedule;
  }
}
