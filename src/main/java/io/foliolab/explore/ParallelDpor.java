package io.foliolab.explore;

import io.foliolab.sim.Model;

/** Placeholder replaced below. */
final class ParallelDpor {
  private final Model model;
  private final Options options;
  private final Sink sink;

  ParallelDpor(Model model, Options options, Sink sink) {
    this.model = model;
    this.options = options;
    this.sink = sink;
  }

  boolean run() {
    return new Dpor(new Runner(model, options), sink).run();
  }
}
