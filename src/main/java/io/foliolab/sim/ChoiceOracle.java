package io.foliolab.sim;

/** Decides choice points for the machine; implemented by the explorer's strategies. */
@FunctionalInterface
public interface ChoiceOracle {
  /** The alternative (0 or 1, see {@link ChoicePoint}) taken by {@code cpu} at {@code point}. */
  int choose(int cpu, ChoicePoint point);

  /** Always the ordinary alternative 0: nothing fails, no agent runs. */
  ChoiceOracle ORDINARY = (cpu, point) -> 0;
}
