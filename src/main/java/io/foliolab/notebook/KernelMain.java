package io.foliolab.notebook;

import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** {@code kernel run}: serves one kernel session over the connection file's sockets. */
final class KernelMain {
  private static final Logger LOG = Logger.getLogger(KernelMain.class.getName());

  private KernelMain() {}

  /**
   * Serves until a shutdown request (returns 0) or the parent's death (exits the JVM). The caller
   * should exit the JVM afterwards: cells may have left threads running.
   */
  static int serve(Path connectionFile) throws IOException {
    System.setProperty("java.awt.headless", "true");
    PrintStream kernelErr = System.err;
    configureLogging(kernelErr);
    KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
    if (props == null || props.getTransport() == null) {
      throw new IOException("not a Jupyter connection file: " + connectionFile);
    }
    // Tablesaw logs through SLF4J without a provider: keep its notice out of the log, and let it
    // initialise now, not inside the first cell.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    org.slf4j.LoggerFactory.getILoggerFactory();

    List<String> classpath = classpath();
    OutputQueue output = new OutputQueue();
    CellStreams streams = new CellStreams(kernelErr, output);
    FolioLabKernel kernel = new FolioLabKernel(classpath, streams, output);
    System.setOut(streams.stdout);
    System.setErr(streams.stderr);
    System.setIn(kernel.stdin());

    KernelConnection connection;
    try {
      connection = new KernelConnection(props);
    } catch (GeneralSecurityException e) {
      throw new IOException("unsupported signature scheme " + props.getSignatureScheme() + ": " + e.getMessage(), e);
    }
    kernel.attach(connection);
    connection.connect();
    LOG.info(String.format(
        "FolioLab kernel %s serving %s (%d ms after JVM start)",
        FolioLabKernel.version(), connectionFile,
        System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
    ParentWatchdog.start(System.getenv(), () -> exit(0));
    try {
      connection.awaitShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    haltLater(5000);
    kernel.onShutdown(false);
    streams.close();
    output.close();
    connection.close();
    return 0;
  }

  /**
   * {@code kernel warmup}: does once what a session does first (JShell with the default imports,
   * a table and a chart rendered, the sockets' classes loaded) and returns; run under
   * -XX:ArchiveClassesAtExit by the installer to make the class-data archive.
   */
  static void warmUp() throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> classpath = classpath();
    try (JShellEvaluator shell =
        new JShellEvaluator(classpath, FolioLabKernel.defaultImports(classpath), new PrintStream(java.io.OutputStream.nullOutputStream()))) {
      shell.warmUp();
      for (String cell : List.of(
          "var t = Table.create(\"t\", IntColumn.create(\"x\", 1, 2, 3));\nNotebook.render(t)",
          "var c = new XYChartBuilder().width(200).height(100).build();\nc.addSeries(\"s\", new double[] {1, 2}, new double[] {3, 4});\nNotebook.render(c)",
          "String s = \"<svg xmlns='http://www.w3.org/2000/svg'></svg>\";\nNotebook.render(s)")) {
        shell.eval(cell);
      }
    } catch (CellFailure f) {
      throw new IOException("warm-up cell failed: " + f.getMessage(), f);
    }
    KernelConnectionProperties props =
        new KernelConnectionProperties("127.0.0.1", 0, 0, 0, 0, 0, "tcp", "hmac-sha256", "warmup");
    try {
      new KernelConnection(props).close();
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** The JVM's classpath entries as absolute paths (JShell needs them to compile cells). */
  static List<String> classpath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    return entries;
  }

  private static void exit(int status) {
    haltLater(3000);
    System.exit(status);
  }

  /** Halts the JVM after {@code millis} if an orderly exit hangs. */
  private static void haltLater(long millis) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(millis);
              } catch (InterruptedException e) {
                return;
              }
              Runtime.getRuntime().halt(1);
            },
            "foliolab-halt");
    t.setDaemon(true);
    t.start();
  }

  /**
   * One-line log records to the kernel's stderr: FolioLab at INFO, libraries at WARNING;
   * FOLIOLAB_KERNEL_LOG (e.g. FINE) lowers both.
   */
  static void configureLogging(PrintStream err) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Level ours = Level.INFO;
    Level theirs = Level.WARNING;
    String configured = System.getenv("FOLIOLAB_KERNEL_LOG");
    if (configured != null && !configured.isEmpty()) {
      try {
        ours = theirs = Level.parse(configured.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        err.println("FOLIOLAB_KERNEL_LOG: unknown level '" + configured + "'");
      }
    }
    Handler handler =
        new StreamHandler(err, new Formatter() {
          @Override
          public String format(LogRecord r) {
            String s = "[foliolab-kernel " + r.getLevel() + " " + r.getLoggerName() + "] " + formatMessage(r) + "\n";
            if (r.getThrown() != null) {
              java.io.StringWriter w = new java.io.StringWriter();
              r.getThrown().printStackTrace(new java.io.PrintWriter(w));
              s += w;
            }
            return s;
          }
        }) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
          }
        };
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    root.setLevel(theirs);
    Logger.getLogger("io.foliolab").setLevel(ours);
  }
}
