package io.foliolab.sim;

/**
 * A consistency check run by the machine in checking mode (see {@link Machine#addInvariant} and
 * {@link Machine#addPublicationCheck}).
 */
@FunctionalInterface
public interface Invariant {
  /** Returns null if the state is consistent, else a message saying what is wrong. */
  String check();
}
