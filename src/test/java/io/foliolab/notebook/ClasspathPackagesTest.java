package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathPackagesTest {
  @TempDir Path tmp;

  @Test
  void findsPackagesWithClassesInDirectoriesAndJars() throws IOException {
    Path classes = tmp.resolve("classes");
    for (String f : List.of("io/foliolab/xarray/XArray.class", "io/foliolab/sim/cpu/Cpu.class", "io/foliolab/Top.class",
        "io/foliolab/empty/readme.txt", "org/other/Thing.class")) {
      Files.createDirectories(classes.resolve(f).getParent());
      Files.write(classes.resolve(f), new byte[] {0});
    }
    Path jar = tmp.resolve("lib.jar");
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os)) {
      for (String f : List.of("io/foliolab/mm/", "io/foliolab/mm/Filemap.class", "io/foliolab/Root.class", "io/foliolab/xarray/XaNode.class")) {
        j.putNextEntry(new JarEntry(f));
        j.closeEntry();
      }
    }
    assertEquals(
        List.of("io.foliolab.mm", "io.foliolab.sim.cpu", "io.foliolab.xarray"),
        ClasspathPackages.packagesUnder("io.foliolab", List.of(classes.toString(), jar.toString(), tmp.resolve("nope").toString())));
  }
}
