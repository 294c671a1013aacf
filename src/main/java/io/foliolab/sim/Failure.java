package io.foliolab.sim;

/** Ends an execution: a modeled BUG, OOPS or CORRUPTION raised by a step program. */
final class Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final Outcome kind;
  final transient Subject subject;

  Failure(Outcome kind, String message, Subject subject) {
    super(message, null, false, false);
    this.kind = kind;
    this.subject = subject;
  }
}
