package io.foliolab.notebook;

import com.google.common.collect.ImmutableList;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Evaluates notebook cells as Java through JShell, in this JVM ({@link CellExecutionControl}). A
 * cell may hold several snippets (declarations, statements, expressions); they run in order and
 * the cell's value is the last snippet's if that is an expression. Also answers completion,
 * inspection and is-complete questions. Not thread-safe: call from one thread, except {@link
 * #interrupt()} and {@link #stop()}, which any thread may call.
 */
final class JShellEvaluator implements AutoCloseable {
  /** Tracebacks show at most this many frames per exception. */
  static final int MAX_FRAMES = 40;

  private final JShell shell;
  private final CellExecutionControl control;
  private final SourceCodeAnalysis analysis;
  private final PrintStream warnings;
  /** Where each snippet's text came from, by JShell snippet id, for tracebacks. */
  private final Map<String, Location> locations = new java.util.HashMap<>();

  private static final class Location {
    final String cell;
    final int firstLine;

    Location(String cell, int firstLine) {
      this.cell = cell;
      this.firstLine = firstLine;
    }
  }

  /** A cell's value: {@code present} is false when the last snippet was no expression. */
  static final class CellValue {
    static final CellValue NONE = new CellValue(false, null);
    final boolean present;
    final Object value;

    CellValue(boolean present, Object value) {
      this.present = present;
      this.value = value;
    }
  }

  /** Completion candidates replacing {@code code[start, end)}. */
  static final class Completion {
    final List<String> matches;
    final int start;
    final int end;

    Completion(List<String> matches, int start, int end) {
      this.matches = matches;
      this.start = start;
      this.end = end;
    }
  }

  /** One snippet of a cell: its source for JShell and where its text starts in the cell. */
  private static final class Piece {
    final String source;
    final int offset;
    final int length;
    final Completeness completeness;

    Piece(String source, int offset, int length, Completeness completeness) {
      this.source = source;
      this.offset = offset;
      this.length = length;
      this.completeness = completeness;
    }
  }

  /**
   * Starts JShell with {@code classpath} visible to snippets and runs {@code imports} (each a full
   * import statement).
   *
   * @param warnings where notes such as "defined but unresolved" go (the cell's stderr)
   */
  JShellEvaluator(List<String> classpath, List<String> imports, PrintStream warnings) {
    this.control = new CellExecutionControl();
    this.warnings = warnings;
    this.shell =
        JShell.builder()
            .executionEngine(new CellExecutionControl.Provider(control), Map.of())
            .out(warnings)
            .err(warnings)
            .build();
    for (String entry : classpath) {
      shell.addToClasspath(entry);
    }
    this.analysis = shell.sourceCodeAnalysis();
    for (String imp : imports) {
      for (SnippetEvent e : shell.eval(imp)) {
        if (e.status() == Snippet.Status.REJECTED) {
          throw new IllegalStateException("default import failed: " + imp + ": " + diagnostics(e.snippet()));
        }
      }
    }
  }

  /** Compiles and runs a throwaway expression so the first user cell finds javac warm. */
  void warmUp() {
    for (SnippetEvent e : shell.eval("String $foliolabWarmUp = String.valueOf(1 + 1);")) {
      control.clearResults();
      shell.drop(e.snippet());
    }
  }

  /**
   * Runs the cell's snippets in order, stopping at the first failure.
   *
   * @return the last snippet's value if it is an expression
   * @throws CellFailure for a compile error, an exception or error thrown by the cell, a stopped or
   *     interrupted cell
   */
  CellValue eval(String code) throws CellFailure {
    return eval(code, "cell");
  }

  /**
   * As {@link #eval(String)}; tracebacks name frames in this cell's code {@code cellLabel line N}.
   */
  CellValue eval(String code, String cellLabel) throws CellFailure {
    CellValue last = CellValue.NONE;
    for (Piece piece : split(code)) {
      if (Interrupts.isInterruptRequested()) {
        throw interrupted();
      }
      last = evalPiece(code, piece, cellLabel);
    }
    if (Interrupts.isInterruptRequested()) {
      throw interrupted();
    }
    return last;
  }

  private CellValue evalPiece(String code, Piece piece, String cellLabel) throws CellFailure {
    List<SnippetEvent> events;
    try {
      events = shell.eval(piece.source);
    } catch (IllegalStateException e) {
      throw new CellFailure("EngineStopped", "the Java engine has stopped: " + e.getMessage(), List.of(e.toString()));
    }
    CellValue value = CellValue.NONE;
    try {
      for (SnippetEvent e : events) {
        if (e.causeSnippet() != null) {
          continue;
        }
        Snippet s = e.snippet();
        int firstLine = (int) code.substring(0, piece.offset).chars().filter(ch -> ch == '\n').count() + 1;
        locations.put(s.id(), new Location(cellLabel, firstLine));
        if (control.takeStopped()) {
          throw interrupted();
        }
        if (e.exception() != null) {
          throw failure(e.exception());
        }
        if (e.status() == Snippet.Status.REJECTED) {
          throw compileFailure(code, piece, s);
        }
        if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
          warnUnresolved(s);
        }
        Object result = e.value() == null ? null : control.takeResult(e.value());
        if (isExpression(s)) {
          value = new CellValue(true, result);
        }
      }
    } finally {
      control.clearResults();
    }
    return value;
  }

  private static boolean isExpression(Snippet s) {
    return s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
        || s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND;
  }

  private void warnUnresolved(Snippet s) {
    if (s instanceof jdk.jshell.DeclarationSnippet) {
      List<String> missing = shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) s).collect(Collectors.toList());
      warnings.println(
          "note: " + ((jdk.jshell.DeclarationSnippet) s).name() + " is defined but cannot be used until "
              + String.join(", ", missing) + " " + (missing.size() == 1 ? "is" : "are") + " declared");
    }
  }

  static CellFailure interrupted() {
    return new CellFailure(
        CellInterruptedException.class.getName(),
        "interrupted by the user",
        List.of(CellInterruptedException.class.getName() + ": interrupted by the user"));
  }

  /**
   * The failure to report for an exception a snippet threw. While the user's interrupt is
   * pending, any exception is the cell unwinding from it, however the code it ran translated
   * the interrupt (an {@link InterruptedException}, an {@link IllegalStateException} wrapping
   * one, a {@link java.util.concurrent.CancellationException}, ...): the cell is reported as
   * interrupted, the exception it ended with named in the traceback.
   */
  private CellFailure failure(JShellException ex) {
    if (ex instanceof EvalException) {
      EvalException ee = (EvalException) ex;
      if (CellInterruptedException.class.getName().equals(ee.getExceptionClassName())) {
        return interrupted();
      }
      if (Interrupts.isInterruptRequested()) {
        List<String> lines = new ArrayList<>(interrupted().traceback());
        String msg = ee.getMessage();
        lines.add("(the cell ended with " + ee.getExceptionClassName()
            + (msg == null || msg.isEmpty() ? "" : ": " + msg) + ")");
        return new CellFailure(CellInterruptedException.class.getName(),
            "interrupted by the user", lines);
      }
      List<String> lines = new ArrayList<>();
      appendTrace(lines, ee, "");
      return new CellFailure(ee.getExceptionClassName(), ee.getMessage(), lines);
    }
    if (ex instanceof UnresolvedReferenceException) {
      jdk.jshell.DeclarationSnippet s = ((UnresolvedReferenceException) ex).getSnippet();
      String missing = shell.unresolvedDependencies(s).collect(Collectors.joining(", "));
      String msg = s.name() + " cannot be used until " + missing + " is declared";
      return new CellFailure("UnresolvedReferenceException", msg, List.of("UnresolvedReferenceException: " + msg));
    }
    return new CellFailure(ex.getClass().getName(), ex.getMessage(), List.of(ex.toString()));
  }

  /** Appends {@code name: message}, the frames (repeats folded, cut at MAX_FRAMES) and causes. */
  private void appendTrace(List<String> lines, Throwable t, String prefix) {
    String name = t instanceof EvalException ? ((EvalException) t).getExceptionClassName() : t.getClass().getName();
    String msg = t.getMessage();
    lines.add(prefix + name + (msg == null || msg.isEmpty() ? "" : ": " + msg));
    StackTraceElement[] frames = t.getStackTrace();
    int shown = 0;
    for (int i = 0; i < frames.length && shown < MAX_FRAMES; ) {
      int j = i;
      while (j + 1 < frames.length && frames[j + 1].equals(frames[i])) {
        j++;
      }
      lines.add("    at " + frame(frames[i]));
      shown++;
      if (j > i) {
        lines.add("    ... the same frame " + (j - i) + " more times");
      }
      i = j + 1;
      if (i < frames.length && shown == MAX_FRAMES) {
        lines.add("    ... " + (frames.length - i) + " more frames");
      }
    }
    if (t.getCause() != null && t.getCause() != t) {
      appendTrace(lines, t.getCause(), "Caused by: ");
    }
  }

  /**
   * A frame as text; frames in cell code (JShell names their file {@code #id}) name the cell and
   * the line within it instead of JShell's snippet id.
   */
  private String frame(StackTraceElement f) {
    String file = f.getFileName();
    if (file != null && file.startsWith("#")) {
      String where = file + ":" + f.getLineNumber();
      Location loc = locations.get(file.substring(1));
      if (loc != null) {
        where = loc.cell + " line " + (loc.firstLine + f.getLineNumber() - 1);
      }
      String cls = f.getClassName();
      String method = f.getMethodName();
      String name = cls.isEmpty() ? method : cls + "." + method;
      return (name.isEmpty() ? "" : name + " ") + "(" + where + ")";
    }
    return f.toString();
  }

  private CellFailure compileFailure(String code, Piece piece, Snippet s) {
    List<String> lines = new ArrayList<>();
    String first = null;
    for (Diag d : (Iterable<Diag>) shell.diagnostics(s)::iterator) {
      if (!d.isError()) {
        continue;
      }
      String message = d.getMessage(Locale.ROOT);
      if (first == null) {
        first = message.lines().findFirst().orElse(message);
      }
      long pos = d.getStartPosition() < 0 ? d.getPosition() : d.getStartPosition();
      int at = piece.offset + (int) Math.max(0, Math.min(pos, piece.length));
      at = Math.min(at, code.length());
      int lineStart = code.lastIndexOf('\n', at - 1) + 1;
      int lineEnd = code.indexOf('\n', at);
      if (lineEnd < 0) {
        lineEnd = code.length();
      }
      int lineNo = (int) code.substring(0, lineStart).chars().filter(c -> c == '\n').count() + 1;
      lines.add("line " + lineNo + ": " + message.replace("\n", "\n    "));
      lines.add("    " + code.substring(lineStart, lineEnd));
      lines.add("    " + " ".repeat(Math.max(0, at - lineStart)) + "^");
    }
    if (first == null) {
      first = "the snippet was rejected";
      lines.add(first + ": " + piece.source);
    }
    List<String> all = new ArrayList<>();
    all.add("CompilationException: " + first);
    all.addAll(lines);
    return new CellFailure("CompilationException", first, all);
  }

  private String diagnostics(Snippet s) {
    return shell.diagnostics(s).map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("; "));
  }

  /** Splits a cell into snippets; an incomplete or unparsable tail becomes one last piece. */
  private List<Piece> split(String code) {
    List<Piece> pieces = new ArrayList<>();
    int offset = 0;
    String rest = code;
    while (!rest.isBlank()) {
      CompletionInfo info = analysis.analyzeCompletion(rest);
      Completeness c = info.completeness();
      if (c == Completeness.EMPTY) {
        break;
      }
      if (!c.isComplete() || info.source() == null) {
        int lead = codeStart(rest);
        pieces.add(new Piece(rest.substring(lead), offset + lead, rest.length() - lead, c));
        break;
      }
      int consumed = rest.length() - info.remaining().length();
      if (consumed <= 0) {
        int lead = codeStart(rest);
        pieces.add(new Piece(rest.substring(lead), offset + lead, rest.length() - lead, c));
        break;
      }
      // JShell numbers a snippet's lines from its first line only when it starts with code.
      int lead = Math.min(codeStart(info.source()), consumed);
      pieces.add(new Piece(info.source().substring(lead), offset + lead, consumed - lead, c));
      offset += consumed;
      rest = info.remaining();
    }
    return pieces;
  }

  /** Index of the first character of {@code s} that is neither whitespace nor in a comment. */
  static int codeStart(String s) {
    int i = 0;
    while (i < s.length()) {
      if (Character.isWhitespace(s.charAt(i))) {
        i++;
      } else if (s.startsWith("//", i)) {
        int eol = s.indexOf('\n', i);
        i = eol < 0 ? s.length() : eol + 1;
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        if (end < 0) {
          return i;
        }
        i = end + 2;
      } else {
        return i;
      }
    }
    return s.length();
  }

  /** The piece holding {@code cursor} (the last piece if past them all), or null. */
  private Piece pieceAt(String code, int cursor) {
    Piece found = null;
    int offset = 0;
    String rest = code;
    while (!rest.isEmpty()) {
      CompletionInfo info = analysis.analyzeCompletion(rest);
      int consumed = info.completeness().isComplete() && info.source() != null
          ? rest.length() - info.remaining().length()
          : rest.length();
      if (consumed <= 0) {
        consumed = rest.length();
      }
      found = new Piece(code.substring(offset, offset + consumed), offset, consumed, info.completeness());
      if (cursor <= offset + consumed) {
        return found;
      }
      offset += consumed;
      rest = code.substring(offset);
    }
    return found;
  }

  /** Completion at {@code cursor}: JShell's suggestions, type-matching ones first, no repeats. */
  Completion complete(String code, int cursor) {
    cursor = Math.max(0, Math.min(cursor, code.length()));
    Piece piece = pieceAt(code, cursor);
    if (piece == null) {
      return new Completion(List.of(), cursor, cursor);
    }
    String text = code.substring(piece.offset, cursor);
    int[] anchor = new int[1];
    List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(text, text.length(), anchor);
    Set<String> matches = new LinkedHashSet<>();
    suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
    suggestions.forEach(s -> matches.add(s.continuation()));
    return new Completion(ImmutableList.copyOf(matches), piece.offset + anchor[0], cursor);
  }

  /**
   * Documentation at {@code cursor}: method signatures (and Javadoc when the JDK sources are
   * available) for the call around the cursor, else the type of the expression before it; null if
   * nothing is known.
   */
  String inspect(String code, int cursor, boolean detail) {
    cursor = Math.max(0, Math.min(cursor, code.length()));
    Piece piece = pieceAt(code, cursor);
    if (piece == null) {
      return null;
    }
    String text = code.substring(piece.offset, cursor);
    List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(text, text.length(), detail);
    if (docs.isEmpty() && !text.endsWith("(")) {
      docs = analysis.documentation(text + "(", text.length() + 1, detail);
    }
    if (!docs.isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (SourceCodeAnalysis.Documentation d : docs) {
        b.append(d.signature()).append('\n');
        if (d.javadoc() != null && !d.javadoc().isBlank()) {
          b.append(d.javadoc().strip()).append("\n\n");
        }
      }
      return b.toString().strip();
    }
    String expression = trailingExpression(text);
    if (!expression.isEmpty()) {
      String type = analysis.analyzeType(expression, expression.length());
      if (type != null) {
        return expression + " : " + type;
      }
    }
    return null;
  }

  private static String trailingExpression(String text) {
    int i = text.length();
    while (i > 0 && (Character.isJavaIdentifierPart(text.charAt(i - 1)) || text.charAt(i - 1) == '.')) {
      i--;
    }
    return text.substring(i);
  }

  /**
   * Jupyter's is_complete answer: {@code "complete"}, {@code "invalid"}, or the indent to continue
   * an incomplete cell with (4 spaces per open brace or parenthesis, at least 4).
   */
  String isComplete(String code) {
    String rest = code;
    while (!rest.isBlank()) {
      CompletionInfo info = analysis.analyzeCompletion(rest);
      Completeness c = info.completeness();
      switch (c) {
        case EMPTY:
          return "complete";
        case DEFINITELY_INCOMPLETE:
        case CONSIDERED_INCOMPLETE:
          return " ".repeat(4 * Math.max(1, openBrackets(code)));
        case UNKNOWN:
          return "invalid";
        default:
          if (info.remaining().length() >= rest.length()) {
            return "complete";
          }
          rest = info.remaining();
      }
    }
    return "complete";
  }

  private static int openBrackets(String code) {
    int depth = 0;
    for (int i = 0; i < code.length(); i++) {
      char ch = code.charAt(i);
      if (ch == '{' || ch == '(' || ch == '[') {
        depth++;
      } else if ((ch == '}' || ch == ')' || ch == ']') && depth > 0) {
        depth--;
      }
    }
    return depth;
  }

  /** Asks the running cell to stop: raises the interrupt flag and interrupts cell threads. */
  void interrupt() {
    Interrupts.request();
    control.interruptThreads();
  }

  /**
   * Stops the running snippet and every busy thread cells started (ThreadDeath); returns how many
   * were stopped (0: nothing left to stop).
   */
  int stopBusyThreads() {
    return control.stopBusyThreads();
  }

  /** The threads cells have started that are alive now. */
  java.util.Set<Thread> liveCellThreads() {
    return control.liveThreads();
  }

  /** Stops the busy threads among {@code among} (see {@link CellExecutionControl}). */
  int stopBusyThreads(java.util.Set<Thread> among) {
    return control.stopBusyThreads(among);
  }

  /** Stops the running cell's threads forcibly (ThreadDeath). */
  void stop() {
    control.stop();
  }

  /** True while a snippet runs. */
  boolean isRunning() {
    return control.isRunning();
  }

  @Override
  public void close() {
    shell.close();
  }
}
