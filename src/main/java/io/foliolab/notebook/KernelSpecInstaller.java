package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes the FolioLab kernelspec ({@code kernel.json} and logos) where Jupyter looks for kernels,
 * with the semantics of {@code jupyter kernelspec install}: {@code --user} installs into the user's
 * Jupyter data directory, {@code --sys-prefix} into {@code sys.prefix/share/jupyter/kernels} of the
 * Python environment, {@code --prefix P} into {@code P/share/jupyter/kernels}. Jupyter itself need
 * not be installed.
 *
 * <p>The kernel.json names the running JVM's {@code java} and the FolioLab jar by absolute path, so
 * the installed kernel keeps working from any directory.
 */
public final class KernelSpecInstaller {
  /** The kernelspec's directory name, the name clients pass as {@code kernel_name}. */
  public static final String KERNEL_NAME = "foliolab";

  /** The name frontends show in their kernel menus. */
  public static final String DISPLAY_NAME = "FolioLab (Java)";

  private static final List<String> LOGOS = ImmutableList.of("logo-32x32.png", "logo-64x64.png");

  private KernelSpecInstaller() {}

  /** The class-data archive written next to kernel.json by an install with CDS. */
  public static final String ARCHIVE = "foliolab.jsa";

  /** JVM options of the kernel (also used when making the class-data archive: they must match). */
  static final List<String> JVM_OPTIONS = ImmutableList.of("-Djava.awt.headless=true", "-XX:+UseParallelGC");

  /**
   * Returns the JVM command line the kernelspec starts: {@code java}, the JVM options, {@code -jar},
   * the jar, and {@code kernel run {connection_file}}. Both paths must be absolute.
   */
  public static List<String> kernelArgv(Path java, Path jar) {
    return kernelArgv(java, jar, null);
  }

  /**
   * As {@link #kernelArgv(Path, Path)}, plus {@code -XX:SharedArchiveFile=archive} if {@code
   * archive} is non-null. (A stale or missing archive only costs start-up time: the JVM warns and
   * runs without it.)
   */
  public static List<String> kernelArgv(Path java, Path jar, Path archive) {
    checkArgument(java.isAbsolute(), "java must be an absolute path, got %s", java);
    checkArgument(jar.isAbsolute(), "jar must be an absolute path, got %s", jar);
    checkArgument(archive == null || archive.isAbsolute(), "archive must be an absolute path, got %s", archive);
    ImmutableList.Builder<String> argv = ImmutableList.<String>builder().add(java.toString());
    if (archive != null) {
      argv.add("-XX:SharedArchiveFile=" + archive);
    }
    return argv.addAll(JVM_OPTIONS).add("-jar", jar.toString(), "kernel", "run", "{connection_file}").build();
  }

  /** Returns the text of kernel.json for the given JVM and jar (deterministic, pretty printed). */
  public static String kernelJson(Path java, Path jar) {
    return kernelJson(java, jar, null);
  }

  /** As {@link #kernelJson(Path, Path)} with an optional class-data archive. */
  public static String kernelJson(Path java, Path jar, Path archive) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("argv", kernelArgv(java, jar, archive));
    spec.put("display_name", DISPLAY_NAME);
    spec.put("language", "java");
    spec.put("interrupt_mode", "message");
    spec.put("env", Map.of());
    spec.put("metadata", Map.of("debugger", false));
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n";
  }

  /**
   * Writes {@code kernelsDir/foliolab/kernel.json} and the logos, replacing an earlier install.
   * With {@code cds}, first runs the kernel's warm-up in a JVM that dumps a class-data archive
   * ({@value #ARCHIVE}) of the classes a session loads (javac, JShell, Tablesaw, XChart, ZeroMQ),
   * which roughly halves JShell's start; if that fails, installs without it and says so on {@code
   * log}.
   *
   * @return the kernelspec directory written
   */
  public static Path install(Path kernelsDir, Path java, Path jar, boolean cds, PrintStream log) throws IOException {
    checkArgument(Files.isRegularFile(jar), "jar %s does not exist (build it with mvn package)", jar);
    Path dir = kernelsDir.resolve(KERNEL_NAME);
    Files.createDirectories(dir);
    Path archive = dir.resolve(ARCHIVE).toAbsolutePath();
    Files.deleteIfExists(archive);
    boolean archived = cds && makeArchive(java, jar, archive, log);
    Files.writeString(dir.resolve("kernel.json"), kernelJson(java, jar, archived ? archive : null), StandardCharsets.UTF_8);
    for (String logo : LOGOS) {
      try (InputStream in = KernelSpecInstaller.class.getResourceAsStream("kernelspec/" + logo)) {
        if (in != null) {
          Files.copy(in, dir.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return dir;
  }

  /** Runs {@code kernel warmup} with -XX:ArchiveClassesAtExit; true if the archive was written. */
  private static boolean makeArchive(Path java, Path jar, Path archive, PrintStream log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-XX:ArchiveClassesAtExit=" + archive);
    command.add("-Xlog:cds=off");
    command.add("-Xlog:cds+dynamic=off");
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", jar.toString(), "kernel", "warmup"));
    log.println("Making a class-data archive for a faster kernel start (skip with --no-cds) ...");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output;
    try {
      byte[] bytes = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      output = new String(bytes, StandardCharsets.UTF_8).trim();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the class-data archive", e);
    }
    if (p.isAlive() || p.exitValue() != 0 || !Files.isRegularFile(archive)) {
      log.println("warning: no class-data archive (the kernel works, but starts slower): "
          + (output.isEmpty() ? "warm-up failed" : output.lines().reduce((a, b) -> b).orElse(output)));
      Files.deleteIfExists(archive);
      return false;
    }
    return true;
  }

  /** {@code P/share/jupyter/kernels}, where {@code jupyter kernelspec install --prefix P} writes. */
  public static Path prefixKernelsDir(Path prefix) {
    return prefix.toAbsolutePath().normalize().resolve("share").resolve("jupyter").resolve("kernels");
  }

  /**
   * The user's kernels directory as jupyter_core computes its data directory: {@code
   * $JUPYTER_DATA_DIR}, else on macOS {@code ~/Library/Jupyter}, else {@code
   * $XDG_DATA_HOME/jupyter} or {@code ~/.local/share/jupyter}; then {@code /kernels}.
   */
  public static Path userKernelsDir(Map<String, String> env, Path home, String osName) {
    String dataDir = env.get("JUPYTER_DATA_DIR");
    Path base;
    if (dataDir != null && !dataDir.isEmpty()) {
      base = Path.of(dataDir);
    } else if (osName.toLowerCase(Locale.ROOT).startsWith("mac")) {
      base = home.resolve("Library").resolve("Jupyter");
    } else if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
      String appData = env.getOrDefault("APPDATA", home.resolve("AppData").resolve("Roaming").toString());
      base = Path.of(appData).resolve("jupyter");
    } else {
      String xdg = env.get("XDG_DATA_HOME");
      Path xdgBase = xdg == null || xdg.isEmpty() ? home.resolve(".local").resolve("share") : Path.of(xdg);
      base = xdgBase.resolve("jupyter");
    }
    return base.toAbsolutePath().normalize().resolve("kernels");
  }

  /**
   * The {@code sys.prefix} of the Python environment Jupyter runs in: the given interpreter's if
   * {@code python} is non-null, else {@code $VIRTUAL_ENV}, else {@code $CONDA_PREFIX}, else that of
   * {@code python3} on the PATH.
   *
   * @throws IOException if no interpreter can be asked
   */
  public static Path sysPrefix(Map<String, String> env, String python) throws IOException {
    if (python == null) {
      for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
        String value = env.get(var);
        if (value != null && !value.isEmpty()) {
          return Path.of(value).toAbsolutePath().normalize();
        }
      }
      python = "python3";
    }
    Process p =
        new ProcessBuilder(python, "-c", "import sys; print(sys.prefix)")
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(python + " did not print sys.prefix within 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + python + " for sys.prefix", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0 || out.isEmpty()) {
      throw new IOException(python + " could not print sys.prefix: " + out);
    }
    return Path.of(out).toAbsolutePath().normalize();
  }
}
