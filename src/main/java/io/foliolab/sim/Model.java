package io.foliolab.sim;

/**
 * Builds one execution's initial state on a fresh {@link Machine}: creates the shared cells (in
 * the same order every time, so that locations are numbered the same), adds the CPUs with their
 * step programs, and registers any invariant checks. Called once per execution; it must be
 * deterministic.
 */
@FunctionalInterface
public interface Model {
  /** Creates the state and CPUs on {@code machine}, which has just been reset. */
  void setUp(Machine machine);
}
