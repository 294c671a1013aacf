package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code foliolab kernel ...} command line:
 *
 * <pre>
 *   kernel install [--user | --sys-prefix [--python PY] | --prefix P] [--jar JAR] [--no-cds]
 *   kernel run CONNECTION_FILE
 * </pre>
 *
 * {@code install} writes the kernelspec (default {@code --user}) and, unless {@code --no-cds}, a
 * class-data archive for a faster start ({@link KernelSpecInstaller}); {@code run} serves the Jupyter
 * protocol on the ports of the connection file until a shutdown request or the death of the parent
 * process. The leading word {@code kernel} may be passed or left off.
 */
public final class KernelCommand {
  static final String USAGE =
      "usage: foliolab kernel install [--user | --sys-prefix [--python PY] | --prefix P] [--jar JAR] [--no-cds]\n"
          + "       foliolab kernel run CONNECTION_FILE\n";

  private KernelCommand() {}

  /** Runs the command; returns the process exit code (0 ok, 1 failure, 2 usage error). */
  public static int run(String[] args) {
    return run(args, System.out, System.err, System.getenv());
  }

  static int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> env) {
    List<String> args = Arrays.asList(argv);
    if (!args.isEmpty() && args.get(0).equals("kernel")) {
      args = args.subList(1, args.size());
    }
    if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    try {
      switch (args.get(0)) {
        case "install":
          Path dir = install(args.subList(1, args.size()), env, out);
          out.println("Installed kernelspec " + KernelSpecInstaller.KERNEL_NAME + " in " + dir);
          return 0;
        case "run":
          checkArgument(
              args.size() == 2, "kernel run takes exactly one connection file, got %s", args.subList(1, args.size()));
          return KernelMain.serve(Path.of(args.get(1)));
        case "warmup":
          checkArgument(args.size() == 1, "kernel warmup takes no arguments");
          KernelMain.warmUp();
          return 0;
        default:
          throw new IllegalArgumentException(
              "unknown kernel subcommand '" + args.get(0) + "'; expected install or run");
      }
    } catch (IllegalArgumentException e) {
      err.println("foliolab kernel: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("foliolab kernel: " + e.getMessage());
      return 1;
    }
  }

  /** Parses the install options and installs; returns the kernelspec directory. */
  static Path install(List<String> options, Map<String, String> env, PrintStream log) throws IOException {
    String scope = null;
    boolean cds = true;
    Path prefix = null;
    Path jar = null;
    String python = null;
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      switch (option) {
        case "--user":
        case "--sys-prefix":
          checkArgument(scope == null, "%s conflicts with %s; give one of --user, --sys-prefix, --prefix", option, scope);
          scope = option;
          break;
        case "--prefix":
          checkArgument(scope == null, "--prefix conflicts with %s; give one of --user, --sys-prefix, --prefix", scope);
          checkArgument(i + 1 < options.size(), "--prefix needs a directory");
          scope = option;
          prefix = Path.of(options.get(++i));
          break;
        case "--jar":
          checkArgument(i + 1 < options.size(), "--jar needs a path");
          jar = Path.of(options.get(++i)).toAbsolutePath().normalize();
          break;
        case "--no-cds":
          cds = false;
          break;
        case "--python":
          checkArgument(i + 1 < options.size(), "--python needs an interpreter");
          python = options.get(++i);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown install option '" + option + "'; allowed: --user, --sys-prefix, --prefix P, --jar JAR, --python PY, --no-cds");
      }
    }
    checkArgument(python == null || "--sys-prefix".equals(scope), "--python only applies to --sys-prefix");
    if (jar == null) {
      jar = runningJar();
    }
    Path kernels;
    if (scope == null || scope.equals("--user")) {
      kernels =
          KernelSpecInstaller.userKernelsDir(env, Path.of(System.getProperty("user.home")), System.getProperty("os.name"));
    } else if (scope.equals("--sys-prefix")) {
      kernels = KernelSpecInstaller.prefixKernelsDir(KernelSpecInstaller.sysPrefix(env, python));
    } else {
      kernels = KernelSpecInstaller.prefixKernelsDir(prefix);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath();
    return KernelSpecInstaller.install(kernels, java, jar, cds, log);
  }

  /** The jar this class was loaded from; refuses a classes directory (pass --jar then). */
  static Path runningJar() {
    Path location;
    try {
      location = Path.of(KernelCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("cannot tell which jar is running; pass --jar JAR", e);
    }
    checkArgument(
        Files.isRegularFile(location) && location.toString().endsWith(".jar"),
        "running from %s, not from a jar; run java -jar target/foliolab.jar kernel install, or pass --jar JAR",
        location);
    return location.toAbsolutePath().normalize();
  }
}
