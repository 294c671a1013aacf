package io.foliolab.analysis;

import static tech.tablesaw.api.ColumnType.DOUBLE;
import static tech.tablesaw.api.ColumnType.INTEGER;
import static tech.tablesaw.api.ColumnType.LONG;
import static tech.tablesaw.api.ColumnType.STRING;

import io.foliolab.explore.Execution;
import io.foliolab.explore.ExecutionListener;
import io.foliolab.sim.TraceStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Explorations as Tablesaw tables: one row per execution ({@link #SCHEMA}), built by a listener
 * as the explorer streams records ({@link Builder}) or streamed straight to CSV
 * ({@link CsvSink}, bounded memory however many executions run); and one execution's step trace
 * as a table ({@link #trace}).
 */
public final class ExecutionTable {
  private ExecutionTable() {}

  /**
   * One row per execution. {@code run} identifies the exploration (a sweep cell), {@code
   * execution} is the record's id within it; the folio columns are empty unless the failure is
   * about a folio; {@code retries} lists the retries of each CPU separated by spaces, {@code
   * retries_total} is their sum. {@code folio_index} and {@code lookup_index} are page indices
   * ({@link PageIndices}): numbers in the table, printed and written to CSV in {@code 0x} hex.
   */
  public static final Schema SCHEMA = Schema.of("executions",
      "run", STRING, "execution", LONG, "scenario", STRING, "variant", STRING,
      "strategy", STRING, "seed", LONG, "pressure", DOUBLE, "params", STRING,
      "schedule", STRING, "steps", INTEGER, "preemptions", INTEGER, "context_switches", INTEGER,
      "outcome", STRING, "message", STRING, "failing_cpu", INTEGER, "failing_label", STRING,
      "folio_index", LONG, "folio_order", INTEGER, "folio_flags", STRING,
      "folio_refcount", INTEGER, "lookup_index", LONG, "retries", STRING,
      "retries_total", INTEGER);

  /** One step per row: the trace of one replayed execution. */
  public static final Schema TRACE_SCHEMA = Schema.of("trace",
      "step", INTEGER, "cpu", INTEGER, "function", STRING, "label", STRING, "action", STRING,
      "location", STRING, "before", STRING, "after", STRING);

  /** The values of {@code e}'s row under {@link #SCHEMA}, in column order (null = missing). */
  public static Object[] row(RunInfo run, Execution e) {
    OptionalLong folioIndex = FailureFields.folioIndex(e);
    OptionalInt folioOrder = FailureFields.folioOrder(e);
    OptionalInt refcount = FailureFields.folioRefcount(e);
    OptionalLong lookup = FailureFields.lookupIndex(e);
    StringBuilder retries = new StringBuilder();
    for (int i = 0; i < e.retries().length(); i++) {
      if (i > 0) {
        retries.append(' ');
      }
      retries.append(e.retries().get(i));
    }
    return new Object[] {run.run(), e.id(), run.scenario(), run.variant(), run.strategy(),
        run.seed(), run.pressure(), run.params(), e.schedule(), e.steps(), e.preemptions(),
        e.contextSwitches(), e.outcome().name(), e.message(),
        e.failingCpu() < 0 ? null : e.failingCpu(), e.failingLabel(),
        folioIndex.isPresent() ? folioIndex.getAsLong() : null,
        folioOrder.isPresent() ? folioOrder.getAsInt() : null, FailureFields.folioFlags(e),
        refcount.isPresent() ? refcount.getAsInt() : null,
        lookup.isPresent() ? lookup.getAsLong() : null, retries.toString(), e.totalRetries()};
  }

  /** Appends {@code values} (one per column, null = missing) as a row of {@code t}. */
  @SuppressWarnings("unchecked")
  static void appendRow(Table t, Object[] values) {
    for (int c = 0; c < values.length; c++) {
      Column<Object> col = (Column<Object>) t.column(c);
      if (values[c] == null) {
        col.appendMissing();
      } else {
        col.appendObj(values[c]);
      }
    }
  }

  /**
   * Collects executions into a table with {@link #SCHEMA}. Keeps every row in memory: for very
   * long explorations use a {@link CsvSink} and read the file back, or aggregate in a listener.
   */
  public static final class Builder implements ExecutionListener {
    private final RunInfo run;
    private final Table table = SCHEMA.emptyTable();

    public Builder(RunInfo run) {
      this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public void accept(Execution e) {
      appendRow(table, row(run, e));
    }

    /** The table so far (live: later executions are appended to it). */
    public Table table() {
      return table;
    }
  }

  /** Builds the table of a list of executions of one run. */
  public static Table of(RunInfo run, Iterable<Execution> executions) {
    Builder b = new Builder(run);
    executions.forEach(b::accept);
    return b.table();
  }

  /**
   * Streams one CSV row per execution ({@link #SCHEMA}) to a file, written as the records come;
   * memory stays bounded. Call {@link #commit} when the exploration has finished; closing
   * without commit deletes the partial file. Several runs may write to one sink
   * ({@link #setRun}).
   */
  public static final class CsvSink implements ExecutionListener, AutoCloseable {
    private final TableCsv.RowWriter writer;
    private RunInfo run;

    public CsvSink(Path file, RunInfo run) throws IOException {
      this.writer = new TableCsv.RowWriter(file, SCHEMA);
      this.run = Objects.requireNonNull(run, "run");
    }

    /** Rows of later executions carry {@code run}. */
    public void setRun(RunInfo run) {
      this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public void accept(Execution e) {
      writer.row(row(run, e));
    }

    /** Rows written. */
    public long rows() {
      return writer.rows();
    }

    public void commit() throws IOException {
      writer.commit();
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }

  /** Reads an executions CSV written by {@link CsvSink} or {@link TableCsv#write}. */
  public static Table read(Path file) throws IOException {
    return TableCsv.read(file, SCHEMA);
  }

  /** One replayed execution's steps as a table with {@link #TRACE_SCHEMA}. */
  public static Table trace(List<TraceStep> steps) {
    Table t = TRACE_SCHEMA.emptyTable();
    for (TraceStep s : steps) {
      appendRow(t, new Object[] {s.index(), s.cpu(), FailureFields.function(s.label()),
          s.label(), s.action(), s.location(), s.before(), s.after()});
    }
    return t;
  }
}
