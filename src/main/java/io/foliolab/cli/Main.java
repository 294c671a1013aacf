package io.foliolab.cli;

import com.google.common.collect.ImmutableSet;
import io.foliolab.Version;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FolioLab command line: {@code java -jar target/foliolab.jar COMMAND [ARGS]}. Exit status 0 on
 * success (whatever the explored executions' outcomes), 1 when a command cannot do its job, 2 for
 * bad input (the message says what is valid).
 */
public final class Main {
  private final Map<String, Command> commands = new LinkedHashMap<>();

  /** The registry of commands, in the order {@code --help} lists them. */
  public Main() {
    register(new DemoCommand());
    register(new ScenariosCommand());
    register(new ExploreCommand());
    register(new ReplayCommand());
    register(new SweepCommand());
    register(new MatchOopsCommand());
    register(new DrawCommand());
    register(new KernelCliCommand());
    register(new VersionCommand());
  }

  private void register(Command c) {
    commands.put(c.name(), c);
  }

  public static void main(String[] args) {
    System.exit(new Main().run(args, System.out, System.err));
  }

  /** Runs one invocation and returns its exit status; never calls {@code System.exit}. */
  public int run(String[] argv, PrintStream out, PrintStream err) {
    List<String> words = Arrays.asList(argv);
    if (words.isEmpty() || words.get(0).equals("--help") || words.get(0).equals("-h")) {
      out.print(help());
      return 0;
    }
    String name = words.get(0);
    if (name.equals("help")) {
      if (words.size() < 2) {
        out.print(help());
        return 0;
      }
      Command c = commands.get(words.get(1));
      if (c == null) {
        return usageError(err, unknown(words.get(1)));
      }
      out.print(c.usage());
      return 0;
    }
    if (name.equals("--version")) {
      name = "version";
    }
    Command c = commands.get(name);
    if (c == null) {
      return usageError(err, unknown(name));
    }
    List<String> rest = words.subList(1, words.size());
    if (c instanceof KernelCliCommand k) {
      return k.runRaw(rest, out, err);
    }
    if (rest.contains("--help")) {
      out.print(c.usage());
      return 0;
    }
    try {
      return c.run(new ParsedCall(c, rest).args(), out, err);
    } catch (UsageException e) {
      return usageError(err, e.getMessage() + "\n\n" + c.usage());
    } catch (IllegalArgumentException e) {
      return usageError(err, name + ": " + e.getMessage());
    } catch (Exception e) {
      err.println(name + ": " + e);
      return 1;
    }
  }

  private String unknown(String name) {
    return "unknown command '" + name + "'; valid commands: " + String.join(", ", commands.keySet());
  }

  private static int usageError(PrintStream err, String message) {
    err.println("foliolab: " + message);
    return 2;
  }

  /** The text of {@code --help}. */
  public String help() {
    StringBuilder b = new StringBuilder();
    b.append("FolioLab ").append(Version.get())
        .append(": find and explain races in the Linux page cache.\n\n")
        .append("usage: java -jar target/foliolab.jar COMMAND [ARGS]\n")
        .append("       java -jar target/foliolab.jar help COMMAND\n\ncommands:\n");
    for (Command c : commands.values()) {
      b.append(String.format("  %-12s %s%n", c.name(), c.summary()));
    }
    return b.toString();
  }

  /** Parses a command's words against the options it declares. */
  private static final class ParsedCall {
    private final Args args;

    ParsedCall(Command c, List<String> words) {
      if (c instanceof OptionSpec) {
        OptionSpec s = (OptionSpec) c;
        args = Args.parse(c.name(), words, s.valuedOptions(), s.flagOptions());
      } else {
        args = Args.parse(c.name(), words, ImmutableSet.of(), ImmutableSet.of());
      }
    }

    Args args() {
      return args;
    }
  }
}
