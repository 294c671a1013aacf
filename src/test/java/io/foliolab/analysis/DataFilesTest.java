package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** data/README.md lists every file in data/, and each shipped CSV reads back with its schema. */
class DataFilesTest {
  static final Path DATA = Path.of("data");

  static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(DATA)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.endsWith("README.md")).sorted()
          .toList();
    }
  }

  @Test
  void readmeListsEveryFile() throws IOException {
    String readme = Files.readString(DATA.resolve("README.md"));
    for (Path p : files()) {
      String rel = DATA.relativize(p).toString().replace('\\', '/');
      assertTrue(readme.contains("`" + rel + "`"), "data/README.md does not list " + rel);
    }
  }

  @Test
  void csvFilesReadBackExactly() throws IOException {
    for (Path p : files()) {
      if (!p.toString().endsWith(".csv")) {
        continue;
      }
      Table t = TableCsv.read(p, List.of(ExecutionTable.SCHEMA, Sweep.SCHEMA));
      assertTrue(t.rowCount() > 0, p.toString());
      // Written again, the table gives the file's bytes.
      assertEquals(Files.readString(p), TableCsv.toCsv(t), p.toString());
    }
  }

  @Test
  void shippedOopsParses() throws IOException {
    for (Path p : files()) {
      if (p.startsWith(DATA.resolve("oops"))) {
        OopsSignature.read(p);
      }
    }
  }
}
