package io.foliolab.notebook;

/** An object JShell cells can reach, to check that cell values are the objects themselves. */
public final class EvaluatorFixture {
  public static final Object SHARED = new Object();

  private EvaluatorFixture() {}
}
