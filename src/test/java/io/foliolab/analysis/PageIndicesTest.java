package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Page indices read as the kernel prints them (the oops says {@code index:0x7652}): hex in
 * printed tables and in CSV, numeric in the table.
 */
class PageIndicesTest {
  /** The toy race explored exhaustively: its BUG rows have folio 0x7652 and lookup 0x7653. */
  static Table toyTable() {
    ExecutionTable.Builder b = new ExecutionTable.Builder(ExecutionTableTest.info("dpor"));
    Explorer.explore(ExecutionTableTest.toy("buggy"), Strategy.parse("dpor"), Options.defaults(),
        b);
    return b.table();
  }

  static int firstBug(Table t) {
    for (int r = 0; r < t.rowCount(); r++) {
      if (t.stringColumn("outcome").get(r).equals("BUG")) {
        return r;
      }
    }
    throw new AssertionError("no BUG row");
  }

  @Test
  void hexAndParseAreInverse() {
    assertEquals("0x7652", PageIndices.hex(0x7652));
    assertEquals("0x0", PageIndices.hex(0));
    assertEquals("-0x5", PageIndices.hex(-5));
    assertEquals("0x7fffffffffffffff", PageIndices.hex(Long.MAX_VALUE));
    for (long v : new long[] {0, 1, 0x7652, -5, Long.MAX_VALUE, Long.MIN_VALUE + 1}) {
      assertEquals(v, PageIndices.parse(PageIndices.hex(v)), Long.toString(v));
      assertEquals(v, PageIndices.parse(Long.toString(v)), Long.toString(v));
    }
    assertEquals(0x7652, PageIndices.parse("0X7652"));
    assertEquals(10, PageIndices.parse("010"), "decimal with a leading zero, not octal");
    for (String bad : List.of("0x", "0xg1", "-0x-5", "0x+5", "#7652", "", "0x8000000000000000")) {
      assertThrows(NumberFormatException.class, () -> PageIndices.parse(bad), bad);
    }
  }

  @Test
  void onlyPageIndexColumnsAreHex() {
    Table t = toyTable();
    int bug = firstBug(t);
    // Numeric, as before: filters and arithmetic see numbers.
    assertEquals(0x7652L, t.longColumn("folio_index").get(bug));
    assertTrue(t.longColumn("folio_index").isEqualTo(0x7652).size() > 0);
    // Printed in hex, by Tablesaw itself and by PageIndices.text.
    assertEquals("0x7652", t.longColumn("folio_index").getString(bug));
    assertEquals("0x7653", t.longColumn("lookup_index").getString(bug));
    assertEquals("0x7652", PageIndices.text(t.column("folio_index"), bug));
    assertTrue(t.print().contains("0x7652"), t.print());
    assertFalse(t.print().contains(Long.toString(0x7652)), "decimal 30290 printed");
    // Other integer columns stay decimal, missing page indices stay empty.
    assertEquals(Long.toString(t.longColumn("execution").get(bug)),
        PageIndices.text(t.column("execution"), bug));
    assertEquals("7", PageIndices.text(t.column("seed"), bug));
    int ok = t.stringColumn("outcome").isEqualTo("OK").get(0);
    assertEquals("", PageIndices.text(t.column("folio_index"), ok));
    assertEquals("", t.longColumn("folio_index").getString(ok));
    assertFalse(PageIndices.isPageIndex(Sweep.SCHEMA.emptyTable().column("seed_index")));
  }

  @Test
  void aPageIndexIsHexByNameEvenWithoutTheFormatter() {
    // A column made outside Schema (no formatter), and a Tablesaw selection of the table.
    LongColumn bare = LongColumn.create("folio_index", 0x7652L, 5L);
    assertEquals("0x7652", PageIndices.text(bare, 0));
    assertEquals("30290", bare.getString(0), "Tablesaw's own text is unchanged without it");
    Table t = toyTable();
    Table bugs = t.where(t.stringColumn("outcome").isEqualTo("BUG"))
        .selectColumns("execution", "folio_index", "lookup_index");
    assertEquals("0x7652", PageIndices.text(bugs.column("folio_index"), 0));
    assertEquals("0x7653", PageIndices.text(bugs.column("lookup_index"), 0));
  }

  @Test
  void csvHasHexIndicesAndReadsThemBack(@TempDir Path dir) throws IOException {
    Table t = toyTable();
    int bug = firstBug(t);
    Path f = dir.resolve("t.csv");
    TableCsv.write(t, f);
    String line = Files.readAllLines(f).get(bug + 1);
    assertTrue(line.contains(",0x7652,0,locked|uptodate,2,0x7653,"), line);
    Table back = ExecutionTable.read(f);
    TableCsvTest.assertSameTable(t, back);
    assertEquals("0x7652", back.longColumn("folio_index").getString(bug));
    assertEquals(Files.readString(f), TableCsv.toCsv(back));
    // The streaming sink writes the same text.
    Path g = dir.resolve("sink.csv");
    try (ExecutionTable.CsvSink sink = new ExecutionTable.CsvSink(g,
        ExecutionTableTest.info("dpor"))) {
      Explorer.explore(ExecutionTableTest.toy("buggy"), Strategy.parse("dpor"),
          Options.defaults(), sink);
      sink.commit();
    }
    assertEquals(Files.readString(f), Files.readString(g));
  }

  @Test
  void decimalCsvFromBeforeStillReads() throws IOException {
    Table t = toyTable();
    int bug = firstBug(t);
    String hex = TableCsv.toCsv(t);
    String decimal = hex.replace(",0x7652,", "," + 0x7652 + ",").replace(",0x7653,",
        "," + 0x7653 + ",");
    assertFalse(decimal.equals(hex));
    Table back = TableCsv.read(new StringReader(decimal), ExecutionTable.SCHEMA, "old.csv");
    TableCsvTest.assertSameTable(t, back);
    assertEquals(0x7652L, back.longColumn("folio_index").get(bug));
  }

  @Test
  void aBadIndexFieldNamesLineAndColumn() {
    String csv = TableCsv.toCsv(toyTable());
    String bad = csv.replaceFirst(",0x7652,", ",0x76g2,");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableCsv.read(new StringReader(bad), ExecutionTable.SCHEMA, "bad.csv"));
    assertTrue(e.getMessage().contains("column folio_index: '0x76g2' is not a LONG"),
        e.getMessage());
  }

  @Test
  void groupingByAPageIndexKeepsItHex() {
    Table r = Summaries.failureRates(toyTable(), "folio_index");
    int row = r.longColumn("folio_index").isEqualTo(0x7652).get(0);
    assertEquals("0x7652", r.longColumn("folio_index").getString(row));
    assertEquals("0x7652", TableCsv.toCsv(r).lines().skip(1 + row).findFirst().orElseThrow()
        .split(",")[0]);
  }
}
