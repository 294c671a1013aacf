package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * CSV export and import of FolioLab tables that round-trips exactly: {@code read(write(t))} has
 * the same column names, the same column types and the same values as {@code t} (doubles are
 * written in their shortest exact form; missing values are empty fields; page indices, the
 * {@link PageIndices} columns, are written in {@code 0x} hex as the kernel prints them, and
 * integer fields are read in decimal or {@code 0x} hex). Files follow RFC 4180:
 * a header line, comma-separated fields, fields quoted with {@code "} when they contain a comma,
 * a quote, a line break or leading/trailing blanks; lines end with {@code \n}.
 *
 * <p>Writing is streaming ({@link RowWriter}): rows go to a temporary file beside the target as
 * they come, and the file is moved into place by {@link RowWriter#commit}, so memory stays
 * bounded however many rows there are, and an interrupted run leaves no half-written file.
 */
public final class TableCsv {
  private TableCsv() {}

  /** Writes {@code table} to {@code file} (atomically: a temporary file moved into place). */
  public static void write(Table table, Path file) throws IOException {
    Schema schema = Schema.of(table);
    try (RowWriter w = new RowWriter(file, schema)) {
      Object[] row = new Object[table.columnCount()];
      for (int r = 0; r < table.rowCount(); r++) {
        for (int c = 0; c < row.length; c++) {
          Column<?> col = table.column(c);
          row[c] = col.isMissing(r) ? null : col.get(r);
        }
        w.row(row);
      }
      w.commit();
    }
  }

  /** {@code table} as CSV text, in the format of {@link #write}. */
  public static String toCsv(Table table) {
    StringBuilder sb = new StringBuilder();
    Schema schema = Schema.of(table);
    appendLine(sb, schema.names().toArray(), null);
    boolean[] hex = hexColumns(schema);
    Object[] row = new Object[table.columnCount()];
    for (int r = 0; r < table.rowCount(); r++) {
      for (int c = 0; c < row.length; c++) {
        Column<?> col = table.column(c);
        row[c] = col.isMissing(r) ? null : col.get(r);
      }
      appendLine(sb, row, hex);
    }
    return sb.toString();
  }

  /**
   * Streams rows of a fixed schema to a CSV file. Not thread-safe. Use in try-with-resources and
   * call {@link #commit} on success; {@link #close} without commit deletes the partial file.
   */
  public static final class RowWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final Writer w;
    private final Schema schema;
    private final boolean[] hex;
    private final StringBuilder line = new StringBuilder(256);
    private long rows;
    private boolean committed;
    private boolean closed;

    /** Opens a temporary file beside {@code target} and writes the header. */
    public RowWriter(Path target, Schema schema) throws IOException {
      this.schema = schema;
      this.hex = hexColumns(schema);
      this.target = target.toAbsolutePath();
      Path dir = this.target.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      // Not Files.createTempFile: that makes the file owner-only (0600), and the committed file
      // would keep those permissions. A fresh name beside the target, created with the default
      // permissions (umask), instead.
      Path t = null;
      Writer out = null;
      for (int attempt = 0; out == null; attempt++) {
        t = (dir == null ? Path.of(".") : dir).resolve("." + this.target.getFileName() + "."
            + Long.toHexString(System.nanoTime() ^ Thread.currentThread().getId() * 31L
                + attempt) + ".part");
        try {
          out = Files.newBufferedWriter(t, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          if (attempt > 100) {
            throw e;
          }
        }
      }
      this.temp = t;
      this.w = out;
      row(schema.names().toArray());
      rows = 0;
    }

    /**
     * Writes one row: one value per column (null for missing), of the column's type (String,
     * Integer, Long, Double, Boolean; a Number for a numeric column).
     */
    public void row(Object... values) {
      checkState(!closed, "writer closed");
      checkArgument(values.length == schema.columns().size(), "row has %s values, schema %s has"
          + " %s columns", values.length, schema.name(), schema.columns().size());
      line.setLength(0);
      appendLine(line, values, hex);
      try {
        w.write(line.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      rows++;
    }

    /** Rows written so far (the header not counted). */
    public long rows() {
      return rows;
    }

    /** Finishes the file and moves it into place. */
    public void commit() throws IOException {
      checkState(!closed, "writer closed");
      w.close();
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      committed = true;
      closed = true;
    }

    @Override
    public void close() throws IOException {
      if (!committed) {
        closed = true;
        w.close();
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Which columns of {@code schema} are page indices, written in hex. */
  private static boolean[] hexColumns(Schema schema) {
    boolean[] hex = new boolean[schema.columns().size()];
    for (int c = 0; c < hex.length; c++) {
      Schema.Col col = schema.columns().get(c);
      hex[c] = PageIndices.isPageIndex(col.name(), col.type());
    }
    return hex;
  }

  /** Appends one line; {@code hex} (null: none) marks the fields written as page indices. */
  private static void appendLine(StringBuilder sb, Object[] values, boolean[] hex) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object v = values[i];
      sb.append(hex != null && hex[i] && v instanceof Number n ? PageIndices.hex(n.longValue())
          : field(v));
    }
    sb.append('\n');
  }

  /** The CSV text of one value (empty for null or a missing number). */
  static String field(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return d.isNaN() ? "" : Double.toString(d);
    }
    if (v instanceof Float f) {
      return f.isNaN() ? "" : Double.toString(f.doubleValue());
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return quote(v.toString());
  }

  /** Quotes {@code s} per RFC 4180 when needed (also when it has leading or trailing blanks). */
  static String quote(String s) {
    boolean need = !s.isEmpty() && (Character.isWhitespace(s.charAt(0))
        || Character.isWhitespace(s.charAt(s.length() - 1)));
    for (int i = 0; !need && i < s.length(); i++) {
      char c = s.charAt(i);
      need = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return need ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  /**
   * Reads a CSV file written by {@link #write} or a {@link RowWriter} with {@code schema}: the
   * header must name the schema's columns in order.
   *
   * @throws IllegalArgumentException if the header differs from the schema, a row has the wrong
   *     number of fields, or a field does not parse as its column's type (naming line and column)
   */
  public static Table read(Path file, Schema schema) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, schema, file.toString());
    }
  }

  /** {@link #read(Path, Schema)} from a reader; {@code source} names it in messages. */
  public static Table read(Reader reader, Schema schema, String source) throws IOException {
    Fields in = new Fields(reader);
    List<String> header = in.next();
    checkArgument(header != null, "%s is empty; expected the %s header %s", source,
        schema.name(), schema.names());
    checkArgument(header.equals(schema.names()), "%s has header %s; the %s schema has %s",
        source, header, schema.name(), schema.names());
    Table t = schema.emptyTable();
    int n = schema.columns().size();
    List<String> row;
    long line = 1;
    while ((row = in.next()) != null) {
      line++;
      checkArgument(row.size() == n, "%s row %s has %s fields, expected %s", source, line,
          row.size(), n);
      for (int c = 0; c < n; c++) {
        append(t.column(c), schema.columns().get(c).type(), row.get(c), source, line);
      }
    }
    return t;
  }

  /**
   * Reads a CSV file whose header is that of one of {@code known} schemas, with that schema.
   *
   * @throws IllegalArgumentException if no known schema has that header (listing them)
   */
  public static Table read(Path file, List<Schema> known) throws IOException {
    List<String> header;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      header = new Fields(r).next();
    }
    for (Schema s : known) {
      if (s.names().equals(header)) {
        return read(file, s);
      }
    }
    throw new IllegalArgumentException(file + " has header " + header + ", which is not one of"
        + " the known tables: " + known.stream().map(Schema::name).toList());
  }

  private static void append(Column<?> col, ColumnType type, String text, String source,
      long line) {
    try {
      if (type.equals(ColumnType.STRING)) {
        ((StringColumn) col).append(text);
      } else if (text.isEmpty()) {
        col.appendMissing();
      } else if (type.equals(ColumnType.INTEGER)) {
        ((IntColumn) col).append(Math.toIntExact(PageIndices.parse(text)));
      } else if (type.equals(ColumnType.LONG)) {
        ((LongColumn) col).append(PageIndices.parse(text));
      } else if (type.equals(ColumnType.DOUBLE)) {
        ((DoubleColumn) col).append(Double.parseDouble(text));
      } else if (text.equals("true") || text.equals("false")) {
        ((BooleanColumn) col).append(Boolean.parseBoolean(text));
      } else {
        throw new NumberFormatException("not true or false");
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(source + " row " + line + " column " + col.name() + ": '"
          + text + "' is not a " + type.name());
    }
  }

  /** An RFC 4180 field reader. */
  private static final class Fields {
    private final Reader r;
    private int peek = -2;

    Fields(Reader r) {
      this.r = r;
    }

    private int read() throws IOException {
      if (peek != -2) {
        int c = peek;
        peek = -2;
        return c;
      }
      return r.read();
    }

    /** The next record's fields, or null at the end of input. */
    List<String> next() throws IOException {
      int c = read();
      if (c == -1) {
        return null;
      }
      List<String> fields = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      while (true) {
        if (quoted) {
          if (c == -1) {
            throw new IllegalArgumentException("CSV ends inside a quoted field");
          }
          if (c == '"') {
            int d = read();
            if (d == '"') {
              f.append('"');
            } else {
              quoted = false;
              c = d;
              continue;
            }
          } else {
            f.append((char) c);
          }
        } else if (c == '"' && f.length() == 0 && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else if (c == ',') {
          fields.add(f.toString());
          f.setLength(0);
          wasQuoted = false;
        } else if (c == '\n' || c == -1) {
          fields.add(f.toString());
          return fields;
        } else if (c == '\r') {
          int d = read();
          if (d != '\n') {
            peek = d;
          }
          fields.add(f.toString());
          return fields;
        } else {
          f.append((char) c);
        }
        c = read();
      }
    }
  }
}
