package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;
import static tech.tablesaw.api.ColumnType.DOUBLE;
import static tech.tablesaw.api.ColumnType.LONG;
import static tech.tablesaw.api.ColumnType.STRING;

import io.foliolab.explore.MemoryModel;
import io.foliolab.explore.Strategy;
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
 *
 * <p><b>Exact rows carry no interval.</b> Only the sampling strategies ({@code random:N},
 * {@code pct:N:D}) draw executions at random, so only their rates are estimates with a
 * confidence interval. A row whose executions come from an enumeration ({@code dpor},
 * {@code bounded:K}, {@code replay:S}) states an exact fraction of the executions explored; its
 * {@code ci_low} and {@code ci_high} are missing (NaN in the table, empty fields in CSV), which
 * is how {@link Charts} knows to draw no error bar. A {@code dpor} search cut by a budget is
 * still exact over what it explored, and still not a random sample.
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
   * Whether executions explored with {@code strategy} (the text of a {@link Strategy}, as in the
   * {@code strategy} column) are a random sample: true for {@code random:N} and
   * {@code pct:N:D}; false for the enumerations {@code dpor}, {@code bounded:K} and
   * {@code replay:S}, whose failure fraction is exact over the executions explored.
   *
   * @throws IllegalArgumentException if {@code strategy} is not a strategy's text (the message
   *     names it and lists the valid forms)
   */
  public static boolean isSampled(String strategy) {
    Strategy s = Strategy.parse(MemoryModel.unmarked(strategy));
    return s instanceof Strategy.Random || s instanceof Strategy.Pct;
  }

  /**
   * Variant × outcome: for every (variant, strategy) in {@code executions} and every
   * {@link Outcome} (OK included, zero counts kept), the count, the rate among that variant's
   * executions and, for a sampled strategy ({@link #isSampled}), its 95% Wilson interval; for an
   * exhaustive one ({@code dpor}, ...) the interval columns are missing. Columns: variant,
   * strategy, outcome, count, executions, rate, ci_low, ci_high.
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
      boolean sampled = isSampled(key.get(1));
      for (Outcome o : Outcome.values()) {
        Wilson w = Wilson.of(c[o.ordinal()], n);
        ExecutionTable.appendRow(t, new Object[] {key.get(0), key.get(1), o.name(),
            c[o.ordinal()], n, w.rate(), sampled ? w.low() : null, sampled ? w.high() : null});
      }
    });
    return t;
  }

  /**
   * Failure rates grouped by {@code groupBy} (column names of {@code executions}, which needs an
   * {@code outcome} column): the group's values, then executions, failures (outcome other than
   * OK), rate, ci_low, ci_high. The interval is the 95% Wilson interval when the group's
   * executions were sampled ({@link #isSampled}) and missing when they come from an exhaustive
   * strategy such as {@code dpor} (an exact fraction). A table without a {@code strategy} column
   * is taken to be sampled.
   *
   * @throws IllegalArgumentException for an unknown column (listing the valid ones), or a group
   *     that pools sampled and exhaustive executions (group by {@code strategy} too)
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
    // group -> {executions, failures, sampled executions}; strategy text -> sampled
    Map<List<Object>, long[]> groups = new LinkedHashMap<>();
    Map<List<Object>, String[]> strategies = new LinkedHashMap<>();
    Map<String, Boolean> sampledCache = new LinkedHashMap<>();
    Column<?> outcome = executions.column("outcome");
    Column<?> strategy = names.contains("strategy") ? executions.column("strategy") : null;
    for (int r = 0; r < executions.rowCount(); r++) {
      List<Object> key = new ArrayList<>(groupBy.length);
      for (String g : groupBy) {
        Column<?> c = executions.column(g);
        key.add(c.isMissing(r) ? null : c.get(r));
      }
      long[] nk = groups.computeIfAbsent(key, k -> new long[3]);
      nk[0]++;
      if (!outcome.getString(r).equals(Outcome.OK.name())) {
        nk[1]++;
      }
      String st = strategy == null ? null : strategy.getString(r);
      if (st == null || sampledCache.computeIfAbsent(st, Summaries::isSampled)) {
        nk[2]++;
      }
      // the first sampled and the first exhaustive strategy seen, for the message below
      String[] seen = strategies.computeIfAbsent(key, k -> new String[2]);
      int slot = st == null || sampledCache.get(st) ? 0 : 1;
      if (seen[slot] == null) {
        seen[slot] = String.valueOf(st);
      }
    }
    groups.forEach((key, nk) -> checkArgument(nk[2] == 0 || nk[2] == nk[0], "group %s of %s"
        + " pools sampled executions (%s) with exhaustive ones (%s): a sampled rate and an exact"
        + " fraction do not add up; group by \"strategy\" too", key, List.of(groupBy),
        strategies.get(key)[0], strategies.get(key)[1]));
    cols.add(new Schema.Col("executions", LONG));
    cols.add(new Schema.Col("failures", LONG));
    cols.add(new Schema.Col("rate", DOUBLE));
    cols.add(new Schema.Col("ci_low", DOUBLE));
    cols.add(new Schema.Col("ci_high", DOUBLE));
    Table t = new Schema("failure_rates", com.google.common.collect.ImmutableList.copyOf(cols))
        .emptyTable();
    groups.forEach((key, nk) -> {
      Wilson w = Wilson.of(nk[1], nk[0]);
      boolean sampled = nk[2] == nk[0];
      Object[] row = new Object[key.size() + 5];
      for (int i = 0; i < key.size(); i++) {
        row[i] = key.get(i);
      }
      row[key.size()] = nk[0];
      row[key.size() + 1] = nk[1];
      row[key.size() + 2] = w.rate();
      row[key.size() + 3] = sampled ? w.low() : null;
      row[key.size() + 4] = sampled ? w.high() : null;
      ExecutionTable.appendRow(t, row);
    });
    return t;
  }
}
