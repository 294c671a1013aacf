package io.foliolab.scenario;

import com.google.common.collect.ImmutableList;
import io.foliolab.sim.Model;

/**
 * A named race to explore: an initial page-cache state plus CPUs each running a kernel path,
 * in named variants (kernel versions or commits). Adding a scenario means adding one class and
 * one line in {@link Scenarios}.
 *
 * <p>A scenario never states its expected outcome: what happens comes only from exploring the
 * {@link Model} it builds. Expectations live in the tests.
 */
public interface Scenario {
  /** The registry name, e.g. {@code "split-wrong-slot"}. */
  String name();

  /** The seed thread this scenario comes from, e.g. {@code "000"} (see shared/seeds). */
  String seed();

  /** One paragraph: which paths race, on what state. */
  String description();

  /**
   * How the memory-pressure level p in [0, 1] acts on this scenario: which allocations may fail
   * with what probability, which agents (reclaim, compaction, truncation) it wakes and how often.
   */
  String pressure();

  /** The parameters, in the order they are resolved (a default may use earlier ones). */
  ImmutableList<Param> params();

  /** The variant names; the first is the default. Each is a kernel version or commit. */
  ImmutableList<String> variants();

  /** What each variant models: the kernel version or commit and what differs. */
  String variantDescription(String variant);

  /**
   * Builds the model for {@code variant} with {@code params}.
   *
   * @throws IllegalArgumentException for an unknown variant (the message lists the valid ones)
   *     or parameters that do not fit together
   */
  Model model(String variant, Params params);

  /** Checks {@code variant} and returns it, or throws naming the valid variants. */
  default String checkVariant(String variant) {
    if (!variants().contains(variant)) {
      throw new IllegalArgumentException("scenario " + name() + " has no variant '" + variant
          + "'; valid variants: " + String.join(", ", variants()));
    }
    return variant;
  }
}
