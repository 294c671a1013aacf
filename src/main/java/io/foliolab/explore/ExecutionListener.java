package io.foliolab.explore;

/**
 * Receives execution records as the exploration produces them, in the exploration's
 * deterministic order (ids 0, 1, 2, ...), on one thread at a time. Records are not kept by the
 * explorer, so memory stays bounded however many executions run.
 */
@FunctionalInterface
public interface ExecutionListener {
  /** Called once per execution. */
  void accept(Execution execution);

  /** Ignores every record. */
  ExecutionListener NONE = e -> { };
}
