package io.foliolab.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds which FolioLab packages exist on a classpath, so the kernel imports exactly those (a
 * package that does not exist would make its import fail).
 */
final class ClasspathPackages {
  private ClasspathPackages() {}

  /**
   * The packages under {@code root} (e.g. {@code io.foliolab}) holding at least one class file in
   * any of the {@code classpath} entries (directories or jars), sorted; missing entries are
   * skipped.
   */
  static List<String> packagesUnder(String root, List<String> classpath) {
    String prefix = root.replace('.', '/') + "/";
    Set<String> found = new TreeSet<>();
    for (String entry : classpath) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path base = path.resolve(prefix);
        if (!Files.isDirectory(base)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(base)) {
          files
              .filter(f -> f.getFileName().toString().endsWith(".class") && !f.getParent().equals(base))
              .forEach(f -> found.add(path.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.')));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(path.toFile())) {
          for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            if (name.startsWith(prefix) && name.endsWith(".class") && name.lastIndexOf('/') >= prefix.length()) {
              found.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return List.copyOf(found);
  }
}
