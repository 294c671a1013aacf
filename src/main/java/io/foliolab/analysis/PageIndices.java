package io.foliolab.analysis;

import com.google.common.collect.ImmutableSet;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Page-index columns ({@code folio_index}, {@code lookup_index}): page-cache indices, shown the
 * way the kernel prints them ({@code index:0x7652} in an oops, {@code %lx} in dumps), as
 * {@code 0x}-prefixed lower-case hex. The column itself stays numeric (LONG), so filters,
 * grouping and sums work as before; only the text differs: Tablesaw's own printing (through a
 * print formatter that {@link Schema#emptyTable()} installs), the notebook's table renderer and
 * {@link TableCsv} (which reads {@code 0x} fields back as the same number).
 *
 * <p>A column is a page index by its name, so a copy, a selection or a re-read table keeps the
 * hex text even when Tablesaw drops the formatter.
 */
public final class PageIndices {
  private PageIndices() {}

  /** The names of the page-index columns of FolioLab's tables. */
  public static final ImmutableSet<String> COLUMNS = ImmutableSet.of("folio_index",
      "lookup_index");

  /** Tablesaw print formatter of a page-index column: hex, empty when missing. */
  static final NumberColumnFormatter FORMATTER = new NumberColumnFormatter() {
    @Override
    public String format(long value) {
      return LongColumn.valueIsMissing(value) ? "" : hex(value);
    }

    @Override
    public String format(int value) {
      return IntColumn.valueIsMissing(value) ? "" : hex(value);
    }

    @Override
    public String toString() {
      return "page index (0x hex)";
    }
  };

  /** Whether a column called {@code name} of type {@code type} holds page indices. */
  public static boolean isPageIndex(String name, ColumnType type) {
    return COLUMNS.contains(name) && (type.equals(ColumnType.LONG)
        || type.equals(ColumnType.INTEGER));
  }

  /** Whether {@code c} holds page indices. */
  public static boolean isPageIndex(Column<?> c) {
    return isPageIndex(c.name(), c.type());
  }

  /**
   * {@code index} as the kernel prints it: {@code 0x7652}; a negative number (no page index is)
   * keeps its sign, {@code -0x5}, so that {@link #parse} gives it back.
   */
  public static String hex(long index) {
    return index < 0 ? "-0x" + Long.toHexString(-index) : "0x" + Long.toHexString(index);
  }

  /**
   * Parses decimal ({@code 30290}) or {@code 0x} hex ({@code 0x7652}, also {@code 0X}), with an
   * optional minus sign; no octal, no {@code #}.
   *
   * @throws NumberFormatException if {@code text} is neither, or out of the long range
   */
  public static long parse(String text) {
    boolean negative = text.startsWith("-");
    String digits = negative ? text.substring(1) : text;
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      String hex = digits.substring(2);
      if (hex.isEmpty() || hex.startsWith("-") || hex.startsWith("+")) {
        throw new NumberFormatException("not a hex number: " + text);
      }
      long v = Long.parseLong(hex, 16);
      return negative ? -v : v;
    }
    return Long.parseLong(text);
  }

  /**
   * The text of row {@code row} of {@code c} as a table shows it: for a page index its hex (empty
   * when missing), whatever print formatter the column has; Tablesaw's text otherwise.
   */
  public static String text(Column<?> c, int row) {
    if (!isPageIndex(c)) {
      return c.getString(row);
    }
    return c.isMissing(row) ? "" : hex(((Number) c.get(row)).longValue());
  }

  /** Installs the hex print formatter on {@code c} if it is a page-index column; returns it. */
  static Column<?> format(Column<?> c) {
    if (isPageIndex(c)) {
      if (c instanceof LongColumn l) {
        l.setPrintFormatter(FORMATTER);
      } else if (c instanceof IntColumn i) {
        i.setPrintFormatter(FORMATTER);
      }
    }
    return c;
  }
}
