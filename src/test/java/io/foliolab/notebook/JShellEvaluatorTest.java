package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JShellEvaluatorTest {
  private static JShellEvaluator shell;
  private static final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> classpath = Arrays.asList(cp.split(File.pathSeparator));
    shell = new JShellEvaluator(classpath, FolioLabKernel.defaultImports(classpath), new PrintStream(warnings, true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void close() {
    shell.close();
  }

  @AfterEach
  void lowerFlag() {
    Interrupts.clear();
  }

  private static Object value(String code) throws CellFailure {
    JShellEvaluator.CellValue v = shell.eval(code);
    assertTrue(v.present, "no value for " + code);
    return v.value;
  }

  @Test
  void cellValueIsTheObjectItself() throws CellFailure {
    assertSame(EvaluatorFixture.SHARED, value("io.foliolab.notebook.EvaluatorFixture.SHARED"));
    assertSame(EvaluatorFixture.SHARED, value("var same = io.foliolab.notebook.EvaluatorFixture.SHARED;\nsame"));
  }

  @Test
  void cellsHoldSeveralSnippetsAndTheLastExpressionIsTheValue() throws CellFailure {
    assertEquals(8, value("int a = 2;\nint b = a * 3;\na + b"));
    assertFalse(shell.eval("int c = 5;").present);
    assertFalse(shell.eval("c = 6").present, "an assignment is no value to show");
    assertEquals(6, value("c"));
    assertFalse(shell.eval("// only a comment\n").present);
  }

  @Test
  void defaultImportsAreInScope() throws CellFailure {
    assertEquals("t: 0 rows \u00d7 1 column", Renderers.render(value("Table.create(\"t\", IntColumn.create(\"x\"))")).get("text/plain").lines().findFirst().orElseThrow());
    assertTrue(value("new XYChartBuilder().build()") instanceof org.knowm.xchart.XYChart);
    assertTrue(value("Progress.start(3)") instanceof Progress);
    assertEquals(List.of(1, 2), value("List.of(1, 2)"));
  }

  @Test
  void compileErrorNamesTheCellLine() {
    CellFailure f = assertThrows(CellFailure.class, () -> shell.eval("int ok = 1;\n\nString s = 5;"));
    assertEquals("CompilationException", f.ename());
    assertTrue(f.evalue().contains("incompatible types"), f.evalue());
    assertTrue(f.traceback().contains("line 3: " + f.traceback().get(1).substring("line 3: ".length())), f.traceback().toString());
    assertEquals("    String s = 5;", f.traceback().get(2));
  }

  @Test
  void exceptionFramesNameCellAndLine() {
    CellFailure f =
        assertThrows(
            CellFailure.class,
            () -> shell.eval("// set up\nvoid fails() {\n  throw new IllegalStateException(\"bad state\");\n}\nfails()", "In[7]"));
    assertEquals("java.lang.IllegalStateException", f.ename());
    assertEquals("bad state", f.evalue());
    assertEquals("java.lang.IllegalStateException: bad state", f.traceback().get(0));
    assertTrue(f.traceback().contains("    at fails (In[7] line 3)"), f.traceback().toString());
  }

  @Test
  void errorsBecomeFailuresAndTheShellGoesOn() throws CellFailure {
    CellFailure f = assertThrows(CellFailure.class, () -> shell.eval("int deep(int n) { return deep(n + 1) + 1; }\ndeep(0)"));
    assertEquals("java.lang.StackOverflowError", f.ename());
    assertTrue(f.traceback().size() < JShellEvaluator.MAX_FRAMES + 5, "repeated frames are folded: " + f.traceback().size());
    shell.eval("class Unloadable { static final int V = Integer.parseInt(\"x\"); }");
    assertEquals("java.lang.ExceptionInInitializerError", assertThrows(CellFailure.class, () -> shell.eval("Unloadable.V")).ename());
    assertEquals("java.lang.NoClassDefFoundError", assertThrows(CellFailure.class, () -> shell.eval("Unloadable.V")).ename());
    assertEquals(2, value("1 + 1"));
  }

  @Test
  void cooperativeInterruptEndsTheCell() throws Exception {
    shell.eval("long spins = 0;");
    System.clearProperty("foliolab.test.looping");
    CompletableFuture<CellFailure> failure = runAsync("while (true) { Interrupts.checkInterrupted();"
        + " spins++; System.setProperty(\"foliolab.test.looping\", \"1\"); }");
    awaitLooping();
    shell.interrupt();
    CellFailure f = failure.get(5, TimeUnit.SECONDS);
    assertEquals(CellInterruptedException.class.getName(), f.ename());
    Interrupts.clear();
    assertTrue((Long) value("spins") > 0);
  }

  @Test
  void busyLoopIsStoppedByForce() throws Exception {
    System.clearProperty("foliolab.test.looping");
    CompletableFuture<CellFailure> failure =
        runAsync("while (true) { System.setProperty(\"foliolab.test.looping\", \"1\"); }");
    awaitLooping();
    assertEquals(1, shell.stopBusyThreads());
    CellFailure f = failure.get(5, TimeUnit.SECONDS);
    assertEquals(CellInterruptedException.class.getName(), f.ename());
    assertEquals(0, shell.stopBusyThreads());
    assertEquals(3, value("1 + 2"));
  }

  @Test
  void interruptedExplorationEndsTheCellWithCellInterruptedException() throws Exception {
    // A dpor search of far more than a minute, on all cores (parallel workers when there are
    // several), interrupted the kernel's way: the flag, then every thread the cell started.
    CompletableFuture<CellFailure> failure = runAsync("Lab.scenario(\"split-wrong-slot\")"
        + ".param(\"order\", 6).param(\"index\", \"0x7640\").explore(\"dpor\")");
    awaitRunning();
    if (Runtime.getRuntime().availableProcessors() > 1) {
      assertTrue(LabInterruptTest.await(() -> !LabInterruptTest.explorerThreads().isEmpty(), 20),
          "the exploration's workers did not start");
    }
    Thread.sleep(300);
    assertTrue(shell.isRunning(), "the exploration ended before the interrupt");
    shell.interrupt();
    CellFailure f = failure.get(20, TimeUnit.SECONDS);
    assertEquals(CellInterruptedException.class.getName(), f.ename(), f.traceback().toString());
    assertEquals("interrupted by the user", f.evalue());
    // The next cell lowers the flag; the kernel goes on, the old search does not.
    Interrupts.clear();
    assertTrue(LabInterruptTest.await(() -> LabInterruptTest.explorerThreads().isEmpty(), 5),
        "the interrupted search still runs: " + LabInterruptTest.explorerThreads());
    assertEquals(3, value("1 + 2"));
    long expected = io.foliolab.explore.Explorer.explore(
        Lab.scenario("willy-1499").variant("reload-canonical").model(),
        new io.foliolab.explore.Strategy.Dpor(), io.foliolab.explore.Options.defaults(),
        io.foliolab.explore.ExecutionListener.NONE).executions();
    assertEquals((int) expected, value("Lab.scenario(\"willy-1499\")"
        + ".variant(\"reload-canonical\").explore(\"dpor\").table().rowCount()"));
  }

  @Test
  void anInterruptTheCellTranslatedIsStillAnInterrupt() throws Exception {
    System.clearProperty("foliolab.test.looping");
    CompletableFuture<CellFailure> failure = runAsync("try { System.setProperty("
        + "\"foliolab.test.looping\", \"1\"); Thread.sleep(60_000); }"
        + " catch (InterruptedException e) { throw new IllegalStateException(\"interrupted\", e); }");
    awaitLooping();
    shell.interrupt();
    CellFailure f = failure.get(5, TimeUnit.SECONDS);
    assertEquals(CellInterruptedException.class.getName(), f.ename(), f.traceback().toString());
    assertEquals("interrupted by the user", f.evalue());
    assertTrue(f.traceback().contains(
        "(the cell ended with java.lang.IllegalStateException: interrupted)"),
        f.traceback().toString());
    Interrupts.clear();
    assertEquals(3, value("1 + 2"));
  }

  @Test
  void withoutAnInterruptAnExceptionKeepsItsName() {
    CellFailure f = assertThrows(CellFailure.class, () -> shell.eval(
        "throw new IllegalStateException(\"interrupted\", new InterruptedException())"));
    assertEquals("java.lang.IllegalStateException", f.ename());
  }

  /**
   * Waits until the cell's loop has really started (the snippet sets a system property from inside
   * it; JShell runs in this JVM), so that a loaded machine cannot interrupt it before it begins.
   */
  private static void awaitLooping() throws InterruptedException {
    awaitRunning();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.getProperty("foliolab.test.looping") == null) {
      assertTrue(System.nanoTime() < deadline, "the cell's loop did not start within 20 s");
      Thread.sleep(5);
    }
  }

  /** Waits (compiling may take a while on a busy machine) until a snippet runs. */
  private static void awaitRunning() throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!shell.isRunning()) {
      assertTrue(System.nanoTime() < deadline, "the cell did not start running within 20 s");
      Thread.sleep(10);
    }
  }

  private static CompletableFuture<CellFailure> runAsync(String code) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        shell.eval(code);
        return null;
      } catch (CellFailure f) {
        return f;
      }
    });
  }

  @Test
  void isCompleteAnswers() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      assertEquals("complete", shell.isComplete("1 + 1"));
      assertEquals("complete", shell.isComplete("int x = 3;\nint y = x"));
      assertEquals("    ", shell.isComplete("for (int i = 0; i < 3; i++) {"));
      assertEquals("        ", shell.isComplete("void f() {\n  if (true) {"));
      assertEquals("invalid", shell.isComplete("1 +)"));
      assertEquals("complete", shell.isComplete(""));
    });
  }

  @Test
  void completionWorksInTheSnippetUnderTheCursor() throws CellFailure {
    JShellEvaluator.Completion c = shell.complete("Math.ab", 7);
    assertTrue(c.matches.contains("abs("), c.matches.toString());
    assertEquals(5, c.start);
    assertEquals(7, c.end);
    shell.eval("int completeMe = 1;");
    String code = "int other = 2;\ncompleteM";
    c = shell.complete(code, code.length());
    assertEquals(List.of("completeMe"), c.matches);
    assertEquals(code.length() - "completeM".length(), c.start);
  }

  @Test
  void inspectionShowsSignaturesAndTypes() throws CellFailure {
    String doc = shell.inspect("Math.max(", 9, false);
    assertTrue(doc.contains("int Math.max(int a, int b)"), doc);
    shell.eval("String greeting = \"hi\";");
    doc = shell.inspect("greeting", 8, false);
    assertEquals("greeting:java.lang.String", doc);
    assertEquals(null, shell.inspect("", 0, false));
  }

  @Test
  void unresolvedDeclarationWarns() throws CellFailure {
    shell.eval("int usesMissing() { return missingThing(); }");
    assertTrue(warnings.toString(StandardCharsets.UTF_8).contains("usesMissing is defined but cannot be used until method missingThing() is declared"), warnings.toString(StandardCharsets.UTF_8));
    CellFailure f = assertThrows(CellFailure.class, () -> shell.eval("usesMissing()"));
    assertEquals("UnresolvedReferenceException", f.ename());
  }
}
