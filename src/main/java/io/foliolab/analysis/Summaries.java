package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;
import static tech.tablesaw.api.ColumnType.DOUBLE;
import static tech.tablesaw.api.ColumnType.LONG;
import static tech.tablesaw.api.ColumnType.STRING;

import io.foliolab.sim.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Summary tables over execution tables ({@link ExecutionTable#SCHEMA}): outcome counts and rates
 * per variant, and failure rates with 95% Wilson intervals grouped by any columns. Groups appear
 * in the order of their first row, so the same input gives the same table.
 */
public final class Summaries {
  private Summaries() {}

  /** The columns of {@link #outcomesByVariant}, for reading its CSV back. */
  public static final Schema OUTCOMES_SCHEMA = Schema.of("outcomes_by_variant", "variant",
      STRING, "strategy", STRING, "outcome", STRING, "count", LONG, "executions", LONG, "rate",
      DOUBLE, "ci_low", DOUBLE, "ci_high", DOUBLE);

  /** Every fixed table schema of the analysis layer, for {@link TableCsv#read(java.nio.file.Path,
   * java.util.List)}. */
  public static final java.util.List<Schema> KNOWN = java.util.List.of(ExecutionTable.SCHEMA,
      ExecutionTable.TRACE_SCHEMA, Sweep.SCHEMA, OUTCOMES_SCHEMA);

  /**
   * Variant × outcome: for every (variant, strategy) in {@code executions} and every
   * {@link Outcome} (OK included, zero counts kept), the count, the rate among that variant's
   * executions and its 95% Wilson interval. Columns: variant, strategy, outcome, count,
   * executions, rate, ci_low, ci_high.
   */
  public static Table outcomesByVariant(Table executions) {
    ExecutionTable.SCHEMA.check(executions);
    Map<List<String>, long[]> counts = new LinkedHashMap<>();
    Column<?> variant = executions.column("variant");
    Column<?> strategy = executions.column("strategy");
    Column<?> outcome = executions.column("outcome");
    for (int r = 0; r < executions.rowCount(); r++) {
      long[] c = counts.computeIfAbsent(List.of(variant.getString(r), strategy.getString(r)),
          k -> new long[Outcome.values().length]);
      c[Outcome.valueOf(outcome.getString(r)).ordinal()]++;
    }
    Table t = OUTCOMES_SCHEMA.emptyTable();
    counts.forEach((key, c) -> {
      long n = 0;
      for (long x : c) {
        n += x;
      }
      for (Outcome o : Outcome.values()) {
        Wilson w = Wilson.of(c[o.ordinal()], n);
        ExecutionTable.appendRow(t, new Object[] {key.get(0), key.get(1), o.name(),
            c[o.ordinal()], n, w.rate(), w.low(), w.high()});
      }
    });
    return t;
  }

  /**
   * Failure rates grouped by {@code groupBy} (column names of {@code executions}, which needs an
   * {@code outcome} column): the group's values, then executions, failures (outcome other than
   * OK), rate, ci_low, ci_high (95% Wilson).
   *
   * @throws IllegalArgumentException for an unknown column (listing the valid ones)
   */
  public static Table failureRates(Table executions, String... groupBy) {
    List<String> names = executions.columnNames();
    checkArgument(names.contains("outcome"), "table %s has no outcome column", executions.name());
    List<Schema.Col> cols = new ArrayList<>();
    for (String g : groupBy) {
      checkArgument(names.contains(g), "no column '%s'; valid columns: %s", g, names);
      ColumnType type = executions.column(g).type();
      cols.add(new Schema.Col(g, type));
    }
    Map<List<Object>, long[]> groups = new LinkedHashMap<>();
    Column<?> outcome = executions.column("outcome");
    for (int r = 0; r < executions.rowCount(); r++) {
      List<Object> key = new ArrayList<>(groupBy.length);
      for (String g : groupBy) {
        Column<?> c = executions.column(g);
        key.add(c.isMissing(r) ? null : c.get(r));
      }
      long[] nk = groups.computeIfAbsent(key, k -> new long[2]);
      nk[0]++;
      if (!outcome.getString(r).equals(Outcome.OK.name())) {
        nk[1]++;
      }
    }
    cols.add(new Schema.Col("executions", LONG));
    cols.add(new Schema.Col("failures", LONG));
    cols.add(new Schema.Col("rate", DOUBLE));
    cols.add(new Schema.Col("ci_low", DOUBLE));
    cols.add(new Schema.Col("ci_high", DOUBLE));
    Table t = new Schema("failure_rates", com.google.common.collect.ImmutableList.copyOf(cols))
        .emptyTable();
    groups.forEach((key, nk) -> {
      Wilson w = Wilson.of(nk[1], nk[0]);
      Object[] row = new Object[key.size() + 5];
      for (int i = 0; i < key.size(); i++) {
        row[i] = key.get(i);
      }
      row[key.size()] = nk[0];
      row[key.size() + 1] = nk[1];
      row[key.size() + 2] = w.rate();
      row[key.size() + 3] = w.low();
      row[key.size() + 4] = w.high();
      ExecutionTable.appendRow(t, row);
    });
    return t;
  }
}
