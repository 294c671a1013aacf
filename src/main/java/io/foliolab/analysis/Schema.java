package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The columns of one kind of FolioLab table: names and Tablesaw types, in order. A schema makes
 * CSV import exact: {@link TableCsv#read} gives every column the type it had when written,
 * instead of guessing from the text. Supported types: STRING, INTEGER, LONG, DOUBLE, BOOLEAN.
 * Immutable.
 *
 * @param name the table kind, also the Tablesaw table name ({@code "executions"}, ...)
 * @param columns the columns in order
 */
public record Schema(String name, ImmutableList<Col> columns) {
  static {
    // Tablesaw logs through SLF4J; with no provider on the class path SLF4J 2 prints a
    // three-line warning to stderr on first use. Keep command-line output clean unless the user
    // asks for SLF4J's own diagnostics.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
  }

  /** One column: its name and type. */
  public record Col(String name, ColumnType type) {
    public Col {
      Objects.requireNonNull(name, "name");
      checkArgument(SUPPORTED.contains(type), "column %s: type %s is not one of %s", name, type,
          SUPPORTED);
    }
  }

  private static final ImmutableList<ColumnType> SUPPORTED = ImmutableList.of(ColumnType.STRING,
      ColumnType.INTEGER, ColumnType.LONG, ColumnType.DOUBLE, ColumnType.BOOLEAN);

  public Schema {
    Objects.requireNonNull(name, "name");
    Set<String> seen = new HashSet<>();
    for (Col c : columns) {
      checkArgument(seen.add(c.name()), "schema %s: column %s appears twice", name, c.name());
    }
  }

  /** A schema from alternating names and types: {@code of("t", "a", STRING, "b", INTEGER)}. */
  public static Schema of(String name, Object... namesAndTypes) {
    checkArgument(namesAndTypes.length % 2 == 0, "schema %s: names and types must alternate",
        name);
    ImmutableList.Builder<Col> b = ImmutableList.builder();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      b.add(new Col((String) namesAndTypes[i], (ColumnType) namesAndTypes[i + 1]));
    }
    return new Schema(name, b.build());
  }

  /** The column names in order. */
  public ImmutableList<String> names() {
    return columns.stream().map(Col::name).collect(ImmutableList.toImmutableList());
  }

  /** A new empty table with these columns. */
  public Table emptyTable() {
    Table t = Table.create(name);
    for (Col c : columns) {
      t.addColumns(newColumn(c));
    }
    return t;
  }

  /** Whether {@code t} has exactly these column names and types, in order. */
  public boolean matches(Table t) {
    List<Column<?>> cols = t.columns();
    if (cols.size() != columns.size()) {
      return false;
    }
    for (int i = 0; i < cols.size(); i++) {
      if (!cols.get(i).name().equals(columns.get(i).name())
          || !cols.get(i).type().equals(columns.get(i).type())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks that {@code t} has this schema.
   *
   * @throws IllegalArgumentException naming the expected and the actual columns
   */
  public Table check(Table t) {
    checkArgument(matches(t), "table %s does not have the %s columns %s; it has %s", t.name(),
        name, columns, t.columns().stream().map(c -> c.name() + ":" + c.type()).toList());
    return t;
  }

  /** A new empty column; a page-index column ({@link PageIndices}) prints in hex. */
  static Column<?> newColumn(Col c) {
    ColumnType t = c.type();
    if (t.equals(ColumnType.STRING)) {
      return StringColumn.create(c.name());
    } else if (t.equals(ColumnType.INTEGER)) {
      return PageIndices.format(IntColumn.create(c.name()));
    } else if (t.equals(ColumnType.LONG)) {
      return PageIndices.format(LongColumn.create(c.name()));
    } else if (t.equals(ColumnType.DOUBLE)) {
      return DoubleColumn.create(c.name());
    } else {
      return BooleanColumn.create(c.name());
    }
  }

  /** The schema of an arbitrary table with supported column types (for writing it as CSV). */
  public static Schema of(Table t) {
    ImmutableList.Builder<Col> b = ImmutableList.builder();
    for (Column<?> c : t.columns()) {
      b.add(new Col(c.name(), c.type()));
    }
    return new Schema(t.name() == null ? "table" : t.name(), b.build());
  }
}
