package io.foliolab.cli;

import java.io.PrintStream;

/** One sub-command of {@code java -jar foliolab.jar}. Adding a command means adding one class. */
public interface Command {
  /** The word that selects the command, e.g. {@code "explore"}. */
  String name();

  /** One line for the command list in {@code --help}. */
  String summary();

  /** Full usage text printed by {@code foliolab help NAME}. */
  String usage();

  /**
   * Runs the command.
   *
   * @return the process exit status (0 on success)
   * @throws UsageException when the arguments are malformed (exit status 2)
   */
  int run(Args args, PrintStream out, PrintStream err) throws Exception;
}
