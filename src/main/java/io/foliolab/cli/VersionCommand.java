package io.foliolab.cli;

import io.foliolab.Version;
import java.io.PrintStream;

/** {@code foliolab version}: prints the version, the Java runtime and the machine's cores. */
final class VersionCommand implements Command {
  @Override public String name() { return "version"; }

  @Override public String summary() { return "print FolioLab's version and the Java runtime"; }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar version\n"
        + "Prints the FolioLab version, the Java runtime version and the number of cores.\n";
  }

  @Override public int run(Args args, PrintStream out, PrintStream err) {
    if (!args.positional().isEmpty()) {
      throw new UsageException("version takes no arguments, got: " + args.positional());
    }
    out.println("foliolab " + Version.get());
    out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
    out.println("cores " + Runtime.getRuntime().availableProcessors());
    return 0;
  }
}
