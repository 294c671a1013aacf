package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCommandTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return KernelCommand.run(
        args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
  }

  private Path fakeJar() throws IOException {
    Path jar = tmp.resolve("dist").resolve("foliolab.jar");
    Files.createDirectories(jar.getParent());
    Files.write(jar, new byte[] {'P', 'K'});
    return jar;
  }

  @Test
  void installIntoPrefixWritesKernelJsonWithAbsolutePathsAndLogos() throws IOException {
    Path jar = fakeJar();
    assertEquals(0, run(Map.of(), "kernel", "install", "--prefix", tmp.resolve("env").toString(), "--jar", jar.toString()), err.toString());
    Path dir = tmp.resolve("env/share/jupyter/kernels/foliolab");
    assertTrue(out.toString().contains("Installed kernelspec foliolab in " + dir), out.toString());
    // The fake jar cannot run the warm-up: the install goes on without a class-data archive.
    assertTrue(out.toString().contains("warning: no class-data archive"), out.toString());
    assertTrue(Files.notExists(dir.resolve(KernelSpecInstaller.ARCHIVE)));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = new Gson().fromJson(Files.readString(dir.resolve("kernel.json")), Map.class);
    assertEquals("FolioLab (Java)", spec.get("display_name"));
    assertEquals("java", spec.get("language"));
    assertEquals("message", spec.get("interrupt_mode"));
    @SuppressWarnings("unchecked")
    List<String> argv = (List<String>) spec.get("argv");
    assertTrue(Path.of(argv.get(0)).isAbsolute() && argv.get(0).endsWith("/bin/java"), argv.get(0));
    assertTrue(argv.stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")), argv.toString());
    assertEquals(List.of("-jar", jar.toString(), "kernel", "run", "{connection_file}"), argv.subList(argv.size() - 5, argv.size()));
    for (String logo : List.of("logo-32x32.png", "logo-64x64.png")) {
      byte[] png = Files.readAllBytes(dir.resolve(logo));
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), logo);
    }
  }

  @Test
  void installedJsonMatchesTheTemplateInKernelDirectory() throws IOException {
    Path template = Path.of("kernel", "kernelspec", "kernel.json.in");
    String expected = Files.readString(template).replace("@JAVA@", "/opt/java/bin/java").replace("@JAR@", "/opt/foliolab.jar");
    assertEquals(expected, KernelSpecInstaller.kernelJson(Path.of("/opt/java/bin/java"), Path.of("/opt/foliolab.jar")));
  }

  @Test
  void reinstallReplacesTheSpec() throws IOException {
    Path jar = fakeJar();
    Path prefix = tmp.resolve("p");
    assertEquals(0, run(Map.of(), "install", "--prefix", prefix.toString(), "--jar", jar.toString(), "--no-cds"));
    Path other = tmp.resolve("other.jar");
    Files.write(other, new byte[] {1});
    assertEquals(0, run(Map.of(), "install", "--prefix", prefix.toString(), "--jar", other.toString(), "--no-cds"));
    String json = Files.readString(prefix.resolve("share/jupyter/kernels/foliolab/kernel.json"));
    assertTrue(json.contains(other.toString()) && !json.contains(jar.toString()), json);
  }

  @Test
  void userInstallFollowsJupyterDataDirRules() throws IOException {
    Path home = Path.of("/home/ada");
    assertEquals(
        Path.of("/home/ada/.local/share/jupyter/kernels"), KernelSpecInstaller.userKernelsDir(Map.of(), home, "Linux"));
    assertEquals(
        Path.of("/xdg/jupyter/kernels"), KernelSpecInstaller.userKernelsDir(Map.of("XDG_DATA_HOME", "/xdg"), home, "Linux"));
    assertEquals(
        Path.of("/jd/kernels"),
        KernelSpecInstaller.userKernelsDir(Map.of("JUPYTER_DATA_DIR", "/jd", "XDG_DATA_HOME", "/xdg"), home, "Linux"));
    assertEquals(Path.of("/home/ada/Library/Jupyter/kernels"), KernelSpecInstaller.userKernelsDir(Map.of(), home, "Mac OS X"));

    Path jar = fakeJar();
    Path data = tmp.resolve("data");
    assertEquals(0, run(Map.of("JUPYTER_DATA_DIR", data.toString()), "install", "--user", "--jar", jar.toString(), "--no-cds"));
    assertTrue(Files.isRegularFile(data.resolve("kernels/foliolab/kernel.json")));
  }

  @Test
  void sysPrefixUsesTheActiveVirtualEnv() throws IOException {
    Path jar = fakeJar();
    Path venv = tmp.resolve("venv");
    assertEquals(0, run(Map.of("VIRTUAL_ENV", venv.toString()), "install", "--sys-prefix", "--jar", jar.toString(), "--no-cds"));
    assertTrue(Files.isRegularFile(venv.resolve("share/jupyter/kernels/foliolab/kernel.json")));
  }

  @Test
  void badUsageExitsTwoNamingTheProblem() throws IOException {
    Path jar = fakeJar();
    assertEquals(2, run(Map.of(), "install", "--user", "--prefix", "/x", "--jar", jar.toString()));
    assertTrue(err.toString().contains("--prefix conflicts with --user"), err.toString());
    assertEquals(2, run(Map.of(), "install", "--global"));
    assertTrue(err.toString().contains("unknown install option '--global'"), err.toString());
    assertEquals(2, run(Map.of(), "frobnicate"));
    assertTrue(err.toString().contains("unknown kernel subcommand 'frobnicate'"), err.toString());
    assertEquals(2, run(Map.of(), "run"));
    assertEquals(2, run(Map.of()));
    assertEquals(2, run(Map.of(), "install", "--prefix", tmp.toString(), "--jar", tmp.resolve("missing.jar").toString()));
    assertTrue(err.toString().contains("missing.jar does not exist"), err.toString());
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(out.toString().contains("usage: foliolab kernel install"));
  }

  @Test
  void installFromClassesDirectoryAsksForTheJar() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KernelCommand::runningJar);
    assertTrue(e.getMessage().contains("not from a jar"), e.getMessage());
  }

  @Test
  void archiveGoesBeforeTheOtherJvmOptions() {
    List<String> argv = KernelSpecInstaller.kernelArgv(Path.of("/j/bin/java"), Path.of("/a.jar"), Path.of("/k/foliolab.jsa"));
    assertEquals(List.of("/j/bin/java", "-XX:SharedArchiveFile=/k/foliolab.jsa", "-Djava.awt.headless=true", "-XX:+UseParallelGC",
        "-jar", "/a.jar", "kernel", "run", "{connection_file}"), argv);
  }

  @Test
  void kernelArgvRejectsRelativePaths() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KernelSpecInstaller.kernelArgv(Path.of("java"), Path.of("/a.jar")));
    assertTrue(e.getMessage().contains("got java"), e.getMessage());
  }

  @Test
  void logoResourcesArePresent() throws IOException {
    try (InputStream in = KernelSpecInstaller.class.getResourceAsStream("kernelspec/logo-64x64.png")) {
      assertTrue(in != null && in.readAllBytes().length > 100);
    }
  }
}
