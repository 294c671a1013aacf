package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tech.tablesaw.api.ColumnType.BOOLEAN;
import static tech.tablesaw.api.ColumnType.DOUBLE;
import static tech.tablesaw.api.ColumnType.INTEGER;
import static tech.tablesaw.api.ColumnType.LONG;
import static tech.tablesaw.api.ColumnType.STRING;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class TableCsvTest {
  static final Schema S = Schema.of("t", "s", STRING, "i", INTEGER, "l", LONG, "d", DOUBLE,
      "b", BOOLEAN);

  static Table tricky() {
    Table t = S.emptyTable();
    ExecutionTable.appendRow(t, new Object[] {"plain", 1, 1L << 40, 0.1, true});
    ExecutionTable.appendRow(t, new Object[] {"a,b \"quoted\"\nnext line\r\n", -7,
        Long.MIN_VALUE, 1e-300, false});
    ExecutionTable.appendRow(t, new Object[] {"  leading and trailing  ", null, null, null,
        null});
    ExecutionTable.appendRow(t, new Object[] {"NA", Integer.MAX_VALUE, 0L, 1.0 / 3, true});
    ExecutionTable.appendRow(t, new Object[] {"null", 0, -1L, Double.MAX_VALUE, null});
    ExecutionTable.appendRow(t, new Object[] {"", 0, 0L, -0.0, false});
    return t;
  }

  static void assertSameTable(Table a, Table b) {
    assertEquals(a.columnNames(), b.columnNames());
    for (int c = 0; c < a.columnCount(); c++) {
      assertEquals(a.column(c).type(), b.column(c).type(), a.column(c).name());
    }
    assertEquals(a.rowCount(), b.rowCount());
    for (int r = 0; r < a.rowCount(); r++) {
      for (int c = 0; c < a.columnCount(); c++) {
        assertEquals(a.column(c).isMissing(r), b.column(c).isMissing(r), "row " + r + " col " + c);
        if (!a.column(c).isMissing(r)) {
          assertEquals(a.column(c).get(r), b.column(c).get(r), "row " + r + " col " + c);
        }
      }
    }
  }

  @Test
  void roundTripIsExact(@TempDir Path dir) throws IOException {
    Table t = tricky();
    Path f = dir.resolve("sub/t.csv");
    TableCsv.write(t, f);
    Table back = TableCsv.read(f, S);
    assertSameTable(t, back);
    // Writing the read table again gives the same bytes.
    Path g = dir.resolve("again.csv");
    TableCsv.write(back, g);
    assertEquals(Files.readString(f), Files.readString(g));
    assertEquals(Files.readString(f), TableCsv.toCsv(t));
  }

  @Test
  void writesExpectedText() {
    Table t = S.emptyTable();
    ExecutionTable.appendRow(t, new Object[] {"x,y", 3, 4L, 0.5, true});
    ExecutionTable.appendRow(t, new Object[] {"z", null, null, null, null});
    assertEquals("s,i,l,d,b\n\"x,y\",3,4,0.5,true\nz,,,,\n", TableCsv.toCsv(t));
  }

  @Test
  void readsCrLfAndQuotedQuotes() throws IOException {
    Table t = TableCsv.read(new StringReader("s,i,l,d,b\r\n\"say \"\"hi\"\"\",1,2,3.0,false\r\n"),
        S, "mem");
    assertEquals("say \"hi\"", t.stringColumn("s").get(0));
    assertEquals(3.0, t.doubleColumn("d").get(0));
  }

  @Test
  void wrongHeaderAndBadFieldsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableCsv.read(new StringReader("s,i,x,d,b\n"), S, "f.csv"));
    assertTrue(e.getMessage().contains("[s, i, x, d, b]") && e.getMessage().contains("[s, i, l, d, b]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TableCsv.read(new StringReader("s,i,l,d,b\na,1,2,3,maybe\n"), S, "f.csv"));
    assertTrue(e.getMessage().contains("row 2 column b: 'maybe' is not a BOOLEAN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TableCsv.read(new StringReader("s,i,l,d,b\na,x1,2,3,true\n"), S, "f.csv"));
    assertTrue(e.getMessage().contains("column i: 'x1' is not a INTEGER"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TableCsv.read(new StringReader("s,i,l,d,b\na,1,2\n"), S, "f.csv"));
    assertTrue(e.getMessage().contains("has 3 fields, expected 5"), e.getMessage());
  }

  @Test
  void readDetectsKnownSchemaByHeader(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("t.csv");
    TableCsv.write(tricky(), f);
    Table back = TableCsv.read(f, List.of(ExecutionTable.SCHEMA, S));
    assertTrue(S.matches(back));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableCsv.read(f, List.of(ExecutionTable.SCHEMA)));
    assertTrue(e.getMessage().contains("not one of the known tables: [executions]"));
  }

  @Test
  void uncommittedWriterLeavesNoFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("t.csv");
    try (TableCsv.RowWriter w = new TableCsv.RowWriter(f, S)) {
      w.row("a", 1, 2L, 3.0, true);
      assertEquals(1, w.rows());
    }
    assertFalse(Files.exists(f));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void committedFileHasDefaultPermissions(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("t.csv");
    TableCsv.write(tricky(), f);
    Path plain = Files.createFile(dir.resolve("plain"));
    if (f.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
    }
  }
}
