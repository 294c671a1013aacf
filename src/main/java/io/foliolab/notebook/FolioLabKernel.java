package io.foliolab.notebook;

import com.google.common.collect.ImmutableList;
import com.google.gson.JsonParser;
import io.github.spencerpark.jupyter.channels.JupyterInputStream;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.publish.PublishClearOutput;
import io.github.spencerpark.jupyter.messages.publish.PublishDisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishError;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteInput;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteResult;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;
import io.github.spencerpark.jupyter.messages.request.ExecuteRequest;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import io.github.spencerpark.jupyter.messages.request.ShutdownRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The FolioLab Jupyter kernel: Java cells through JShell in this JVM, values shown through the
 * {@link Renderers}, plus completion, inspection, is-complete, history, interrupt and shutdown.
 *
 * <p>Replies the basekernel gets wrong for the protocol checker (no {@code status} in kernel_info,
 * history, shutdown, interrupt and comm_info replies; no reply at all to history; Errors escaping
 * the execute handler; the exception's wrapper class as {@code ename}) are answered here instead.
 */
final class FolioLabKernel extends BaseKernel implements Notebook.Output {
  private static final Logger LOG = Logger.getLogger(FolioLabKernel.class.getName());

  static final String IMPLEMENTATION = "foliolab";
  static final String PROTOCOL_VERSION = Header.PROTOCOL_VERISON;

  /** Interrupt: wait this long for the cell to unwind by itself before stopping its threads. */
  static final long STOP_AFTER_MILLIS = 500;

  private final CellStreams streams;
  private final OutputQueue outputQueue;
  private final JupyterInputStream stdin = new JupyterInputStream(StandardCharsets.UTF_8);
  private final CellHistory history = new CellHistory();
  private final CompletableFuture<JShellEvaluator> evaluator;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "foliolab-interrupt-timer");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean cellRunning;
  private final java.util.Set<String> cellDisplayIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private KernelConnection connection;

  /**
   * Starts JShell in the background (the first cell waits for it) with {@code classpath} visible
   * and the {@link #defaultImports} run.
   */
  FolioLabKernel(List<String> classpath, CellStreams streams, OutputQueue output) {
    super(StandardCharsets.UTF_8);
    setShouldReplaceStdStreams(false);
    this.streams = streams;
    this.outputQueue = output;
    this.evaluator =
        CompletableFuture.supplyAsync(
            () -> {
              long t0 = System.nanoTime();
              JShellEvaluator e = new JShellEvaluator(classpath, defaultImports(classpath), streams.stderr);
              long t1 = System.nanoTime();
              e.warmUp();
              LOG.info(String.format(
                  "JShell ready: started with imports in %d ms, warmed up in %d ms",
                  (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000));
              return e;
            },
            r -> {
              Thread t = new Thread(r, "foliolab-jshell-init");
              t.setDaemon(true);
              t.start();
            });
    Notebook.attach(this);
  }

  /** The import statements every session starts with. */
  static List<String> defaultImports(List<String> classpath) {
    List<String> imports = new ArrayList<>();
    for (String p : List.of("java.util", "java.util.function", "java.util.stream", "java.io", "java.math", "java.nio.file")) {
      imports.add("import " + p + ".*;");
    }
    for (String p : ClasspathPackages.packagesUnder("io.foliolab", classpath)) {
      if (!p.equals("io.foliolab.cli")) {
        imports.add("import " + p + ".*;");
      }
    }
    imports.add("import tech.tablesaw.api.*;");
    imports.add("import org.knowm.xchart.*;");
    imports.add("import static io.foliolab.notebook.Notebook.*;");
    return ImmutableList.copyOf(imports);
  }

  /** System.in for cells: reads from the frontend when the request allows stdin. */
  InputStream stdin() {
    return stdin;
  }

  /** Installs the handlers on {@code c}, replacing the basekernel's where they fall short. */
  void attach(KernelConnection c) {
    this.connection = c;
    becomeHandlerForConnection(c);
    c.setHandler(MessageType.EXECUTE_REQUEST, this::execute);
    c.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, m) -> replyWithStatus(env, MessageType.KERNEL_INFO_REPLY, kernelInfo()));
    c.setHandler(MessageType.HISTORY_REQUEST, this::history);
    c.setHandler(MessageType.SHUTDOWN_REQUEST, this::shutdown);
    c.setHandler(MessageType.INTERRUPT_REQUEST, (env, m) -> {
      replyWithStatus(env, MessageType.INTERRUPT_REPLY, Map.of("status", "ok"));
      interruptCell();
    });
    c.setHandler(MessageType.COMM_INFO_REQUEST, (env, m) -> replyWithStatus(env, MessageType.COMM_INFO_REPLY, Map.of("status", "ok", "comms", Map.of())));
  }

  private JShellEvaluator evaluator() throws CellFailure {
    try {
      return evaluator.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      LOG.log(Level.SEVERE, "JShell failed to start", cause);
      throw new CellFailure("KernelStartupError", "JShell failed to start: " + cause, List.of(cause.toString()));
    }
  }

  /** The version in the jar's manifest, or "dev" when running from classes. */
  static String version() {
    String v = FolioLabKernel.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  Map<String, Object> kernelInfo() {
    Map<String, Object> language = new LinkedHashMap<>();
    language.put("name", "java");
    language.put("version", System.getProperty("java.version"));
    language.put("mimetype", "text/x-java-source");
    language.put("file_extension", ".jshell");
    language.put("pygments_lexer", "java");
    language.put("codemirror_mode", "text/x-java");
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("status", "ok");
    info.put("protocol_version", PROTOCOL_VERSION);
    info.put("implementation", IMPLEMENTATION);
    info.put("implementation_version", version());
    info.put("language_info", language);
    info.put("banner", getBanner());
    info.put("help_links", List.of());
    info.put("debugger", false);
    return info;
  }

  @Override
  public String getBanner() {
    return "FolioLab " + version() + " (Java " + System.getProperty("java.version") + ", JShell)";
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return new LanguageInfo.Builder("java")
        .version(System.getProperty("java.version"))
        .mimetype("text/x-java-source")
        .fileExtension(".jshell")
        .pygments("java")
        .codemirror("text/x-java")
        .build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void replyWithStatus(ShellReplyEnvironment env, MessageType type, Map<String, ?> content) {
    env.setStatusBusy();
    env.reply(new Message(env.getContext(), type, content));
    env.setStatusIdle();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void reply(ShellReplyEnvironment env, MessageType type, Map<String, ?> content) {
    env.reply(new Message(env.getContext(), type, content));
  }

  private void execute(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
    ExecuteRequest request = message.getContent();
    String code = request.getCode() == null ? "" : request.getCode();
    boolean silent = request.isSilent();
    boolean store = request.shouldStoreHistory() && !silent;
    int count = store ? executionCount.getAndIncrement() : executionCount.get() - 1;
    env.setStatusBusy();
    try {
      if (!silent) {
        env.publish(new PublishExecuteInput(code, count));
      }
      streams.attach(env);
      stdin.setEnv(env);
      stdin.setEnabled(request.isStdinEnabled());
      String output = "";
      Map<String, Object> reply;
      try {
        Map<String, String> bundle = runCell(code, "In[" + count + "]");
        Map<String, Object> userExpressions = userExpressions(request.getUserExpr());
        streams.flush();
        outputQueue.sync();
        if (!silent && !bundle.isEmpty()) {
          output = bundle.getOrDefault(MimeBundle.TEXT, "");
          env.publish(new PublishExecuteResult(count, displayData(bundle)));
        }
        reply = new LinkedHashMap<>();
        reply.put("status", "ok");
        reply.put("execution_count", count);
        reply.put("user_expressions", userExpressions);
        reply.put("payload", List.of());
      } catch (CellFailure f) {
        streams.flush();
        outputQueue.sync();
        if (!silent) {
          env.publish(new PublishError(f.ename(), f.evalue(), f.traceback()));
        }
        reply = errorContent(f);
        reply.put("execution_count", count);
      }
      if (store) {
        history.add(count, code, output);
      }
      reply(env, MessageType.EXECUTE_REPLY, reply);
    } catch (Throwable t) {
      LOG.log(Level.SEVERE, "execute failed inside the kernel", t);
      CellFailure f = new CellFailure("KernelError", String.valueOf(t), List.of("KernelError: " + t));
      Map<String, Object> reply = errorContent(f);
      reply.put("execution_count", count);
      reply(env, MessageType.EXECUTE_REPLY, reply);
    } finally {
      streams.flush();
      outputQueue.sync();
      env.setStatusIdle();
    }
  }

  /**
   * Runs a cell; returns the bundle of its value (empty if none, or if the value is the id that a
   * {@code display(x)} in this cell returned). Lets no Throwable out but CellFailure.
   */
  private Map<String, String> runCell(String code, String label) throws CellFailure {
    Interrupts.clear();
    cellDisplayIds.clear();
    cellRunning = true;
    try {
      long t0 = System.nanoTime();
      JShellEvaluator.CellValue value = evaluator().eval(code, label);
      LOG.fine(() -> label + " evaluated in " + (System.nanoTime() - t0) / 1000 + " us");
      streams.flush();
      if (!value.present || value.value == null || (value.value instanceof String && cellDisplayIds.contains(value.value))) {
        return Map.of();
      }
      return Renderers.render(value.value);
    } catch (CellFailure f) {
      throw f;
    } catch (VirtualMachineError | RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "cell failed outside user code", e);
      throw new CellFailure(e.getClass().getName(), String.valueOf(e.getMessage()), List.of(e.toString()));
    } finally {
      cellRunning = false;
      streams.flush();
    }
  }

  private Map<String, Object> userExpressions(Map<String, String> expressions) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (expressions == null) {
      return out;
    }
    for (Map.Entry<String, String> e : expressions.entrySet()) {
      try {
        JShellEvaluator.CellValue v = evaluator().eval(e.getValue());
        Map<String, String> bundle = v.present ? Renderers.render(v.value) : Map.of();
        out.put(e.getKey(), Map.of("status", "ok", "data", bundle.isEmpty() ? MimeBundle.text("null") : bundle, "metadata", Map.of()));
      } catch (CellFailure f) {
        out.put(e.getKey(), errorContent(f));
      }
    }
    return out;
  }

  private static Map<String, Object> errorContent(CellFailure f) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("status", "error");
    content.put("ename", f.ename());
    content.put("evalue", f.evalue());
    content.put("traceback", f.traceback());
    return content;
  }

  /** A Jupyter display bundle; JSON types are sent as JSON, not as strings. */
  static DisplayData displayData(Map<String, String> bundle) {
    DisplayData data = new DisplayData();
    for (Map.Entry<String, String> e : bundle.entrySet()) {
      String mime = e.getKey();
      if (mime.equals(MimeBundle.JSON) || mime.endsWith("+json")) {
        try {
          data.putData(mime, new JsonParser().parse(e.getValue()));
          continue;
        } catch (RuntimeException notJson) {
          // fall through: send the text
        }
      }
      data.putData(mime, e.getValue());
    }
    return data;
  }

  /** {@link Notebook.Output}: a display_data message in the current cell. */
  @Override
  public void display(Map<String, String> bundle, String displayId) {
    ShellReplyEnvironment env = streams.env();
    if (env == null) {
      return;
    }
    streams.flush();
    cellDisplayIds.add(displayId);
    DisplayData data = displayData(bundle);
    data.setDisplayId(displayId);
    outputQueue.publish(env, new PublishDisplayData(data));
  }

  /** {@link Notebook.Output}: an update_display_data message. */
  @Override
  public void update(String displayId, Map<String, String> bundle) {
    ShellReplyEnvironment env = streams.env();
    if (env == null) {
      return;
    }
    streams.flush();
    DisplayData data = displayData(bundle);
    data.setDisplayId(displayId);
    outputQueue.publish(env, new PublishUpdateDisplayData(data));
  }

  /** {@link Notebook.Output}: a clear_output message. */
  @Override
  public void clear(boolean wait) {
    ShellReplyEnvironment env = streams.env();
    if (env == null) {
      return;
    }
    streams.flush();
    outputQueue.publish(env, wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
  }

  private void history(ShellReplyEnvironment env, Message<HistoryRequest> message) {
    HistoryRequest request = message.getContent();
    List<CellHistory.Entry> entries;
    switch (request.getAccessType()) {
      case TAIL:
        entries = history.tail(((HistoryRequest.Tail) request).getMaxReturnLength());
        break;
      case RANGE:
        HistoryRequest.Range range = (HistoryRequest.Range) request;
        entries = history.range(range.getSessionIndex(), range.getStart(), range.getStop());
        break;
      case SEARCH:
        HistoryRequest.Search search = (HistoryRequest.Search) request;
        entries = history.search(search.getPattern(), search.getMaxReturnLength(), search.filterUnique());
        break;
      default:
        entries = List.of();
    }
    List<Object> json = new ArrayList<>();
    for (CellHistory.Entry e : entries) {
      json.add(e.toJson(request.includeOutput()));
    }
    replyWithStatus(env, MessageType.HISTORY_REPLY, Map.of("status", "ok", "history", json));
  }

  private void shutdown(ShellReplyEnvironment env, Message<ShutdownRequest> message) {
    boolean restart = message.getContent() != null && message.getContent().isRestart();
    replyWithStatus(env, MessageType.SHUTDOWN_REPLY, Map.of("status", "ok", "restart", restart));
    LOG.info("shutdown requested" + (restart ? " (restart)" : ""));
    connection.requestShutdown();
  }

  /**
   * Interrupts the running cell: raises {@link Interrupts} and interrupts every thread cells
   * started. If {@link #STOP_AFTER_MILLIS} later the cell or any thread it started is still busy,
   * those threads are stopped with ThreadDeath, again every {@link #STOP_AFTER_MILLIS} while any
   * are busy, up to ten times. No-op when no cell runs.
   */
  void interruptCell() {
    if (!cellRunning) {
      return;
    }
    Interrupts.request();
    if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
      java.util.Set<Thread> targets = evaluator.join().liveCellThreads();
      evaluator.join().interrupt();
      timer.schedule(() -> escalate(1, targets), STOP_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the busy threads among those alive at the interrupt, never a later cell's. */
  private void escalate(int attempt, java.util.Set<Thread> targets) {
    int stopped = evaluator.join().stopBusyThreads(targets);
    if (stopped == 0) {
      return;
    }
    LOG.info("stopped " + stopped + " busy thread(s) after an interrupt (attempt " + attempt + ")");
    if (attempt < 10) {
      timer.schedule(() -> escalate(attempt + 1, targets), STOP_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void interrupt() {
    interruptCell();
  }

  @Override
  public DisplayData eval(String expr) throws Exception {
    JShellEvaluator.CellValue v = evaluator().eval(expr);
    return v.present && v.value != null ? displayData(Renderers.render(v.value)) : null;
  }

  @Override
  public ReplacementOptions complete(String code, int at) throws Exception {
    JShellEvaluator.Completion c = evaluator().complete(code, at);
    return new ReplacementOptions(c.matches, c.start, c.end);
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) throws Exception {
    String doc = evaluator().inspect(code, at, extraDetail);
    return doc == null ? null : new DisplayData(doc);
  }

  @Override
  public String isComplete(String code) {
    try {
      return evaluator().isComplete(code);
    } catch (CellFailure | RuntimeException e) {
      return IS_COMPLETE_MAYBE;
    }
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    Notebook.detach(this);
    timer.shutdownNow();
  }
}
