package io.foliolab.sim;

/** Unwinds a step that cannot go on: the CPU blocked, or a probe found its next action. */
final class Signal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final Signal BLOCKED = new Signal("blocked");
  static final Signal PROBED = new Signal("probed");

  private Signal(String what) {
    super(what, null, false, false);
  }
}
