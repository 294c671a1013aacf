package io.foliolab.sim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The labels of one routine's steps: the kernel function's name and, for each program counter
 * (a constant of the routine's enum), {@code "function:constant"}, e.g.
 * {@code "filemap_get_entry:repeat"}. Built once per routine class and shared by its frames.
 *
 * @param <P> the routine's enum of program counters; its first constant is the entry point
 */
public final class StepNames<P extends Enum<P>> {
  private final String function;
  private final String[] labels;
  private final P entry;

  private StepNames(String function, Class<P> pcs) {
    P[] constants = pcs.getEnumConstants();
    checkArgument(constants.length > 0, "enum %s has no constants; the first one is the entry", pcs);
    checkArgument(!function.isEmpty() && function.indexOf(':') < 0,
        "function name '%s' must be non-empty and contain no ':'", function);
    this.function = function;
    this.entry = constants[0];
    this.labels = new String[constants.length];
    for (P p : constants) {
      labels[p.ordinal()] = function + ":" + p.name();
    }
  }

  /** Labels for {@code function}, one per constant of {@code pcs}. */
  public static <P extends Enum<P>> StepNames<P> of(String function, Class<P> pcs) {
    return new StepNames<>(function, pcs);
  }

  /** The kernel function's name. */
  public String function() {
    return function;
  }

  /** {@code "function:pc"}. */
  public String label(P pc) {
    return labels[pc.ordinal()];
  }

  /** The first constant, where a call starts. */
  public P entry() {
    return entry;
  }
}
