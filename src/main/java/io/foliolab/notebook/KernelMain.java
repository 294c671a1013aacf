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
    // Let libraries print their one-time notices to the kernel log, not into the first cell.
    org.slf4j.LoggerFactory.getILoggerFactory();

    List<String> classpath = classpath();
    CellStreams streams = new CellStreams(kernelErr);
    FolioLabKernel kernel = new FolioLabKernel(classpath, FolioLabKernel.defaultImports(classpath), streams, kernelErr);
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
    LOG.info("FolioLab kernel " + FolioLabKernel.version() + " serving " + connectionFile);
    ParentWatchdog.start(System.getenv(), () -> exit(0));
    try {
      connection.awaitShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    haltLater(5000);
    kernel.onShutdown(false);
    streams.close();
    connection.close();
    return 0;
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
