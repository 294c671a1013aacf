package io.foliolab.sim;

import java.util.Objects;

/**
 * One line of an execution trace: which CPU took which step, what it accessed and how the value
 * changed. Recorded only when tracing is on.
 *
 * @param index position in the execution, from 0
 * @param cpu the CPU that took the step
 * @param label {@code "function:pc"} of the step
 * @param action what was done ({@code "read"}, {@code "atomic_add_unless_zero"}, {@code "publish"},
 *     {@code "choose"}, {@code "retry"}, ...)
 * @param location the location's name, or empty for a step without one
 * @param before the value before, as text (empty if none)
 * @param after the value after, as text (empty if none)
 */
public record TraceStep(
    int index, int cpu, String label, String action, String location, String before, String after) {
  public TraceStep {
    Objects.requireNonNull(label);
    Objects.requireNonNull(action);
    Objects.requireNonNull(location);
    Objects.requireNonNull(before);
    Objects.requireNonNull(after);
  }

  @Override
  public String toString() {
    String change = before.equals(after) ? before : before + " -> " + after;
    return String.format("%4d  CPU%d  %-40s %-24s %s%s", index, cpu, label, action, location,
        location.isEmpty() ? "" : " " + change);
  }
}
