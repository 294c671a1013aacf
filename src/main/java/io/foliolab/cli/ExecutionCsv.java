package io.foliolab.cli;

import com.google.common.base.Joiner;
import io.foliolab.explore.Execution;
import io.foliolab.explore.ExecutionListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams one CSV row per execution to a temporary file beside the target and moves it into place
 * when the exploration ends, so a failed or interrupted run never leaves a half-written file.
 * Columns are fixed (see {@link #HEADER}); values are quoted per RFC 4180 when needed.
 */
final class ExecutionCsv implements ExecutionListener, AutoCloseable {
  static final List<String> HEADER = List.of("run", "scenario", "variant", "strategy", "seed",
      "pressure", "params", "schedule", "steps", "preemptions", "context_switches", "outcome",
      "message", "failing_cpu", "failing_label", "folio_index", "folio_order", "lookup_index",
      "retries");

  private final Path target;
  private final Path temp;
  private final BufferedWriter w;
  private final List<Object> fixed;
  private boolean committed;

  ExecutionCsv(Path target, String scenario, String variant, String strategy, long seed,
      double pressure, String params) throws IOException {
    this.target = target.toAbsolutePath();
    Path dir = this.target.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    this.temp = Files.createTempFile(dir, "." + this.target.getFileName(), ".part");
    this.w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
    this.fixed = List.of(scenario, variant, strategy, seed, pressure, params);
    line(HEADER);
  }

  @Override
  public void accept(Execution e) {
    List<Object> row = new ArrayList<>(HEADER.size());
    row.add(e.id());
    row.addAll(fixed);
    row.add(e.schedule());
    row.add(e.steps());
    row.add(e.preemptions());
    row.add(e.contextSwitches());
    row.add(e.outcome());
    row.add(e.message());
    row.add(e.failingCpu() < 0 ? "" : e.failingCpu());
    row.add(e.failingLabel());
    var folio = FailureView.folio(e);
    row.add(folio == null || folio.get("index") == null ? "" : folio.get("index"));
    row.add(folio == null || folio.get("order") == null ? "" : folio.get("order"));
    Object li = FailureView.lookupIndex(e);
    row.add(li == null ? "" : li);
    List<Integer> retries = new ArrayList<>();
    e.retries().forEach(retries::add);
    row.add(Joiner.on(' ').join(retries));
    line(row);
  }

  private void line(List<?> values) {
    try {
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          w.write(',');
        }
        w.write(quote(String.valueOf(values.get(i))));
      }
      w.write('\n');
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** Moves the finished file into place. */
  void commit() throws IOException {
    w.close();
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    committed = true;
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      w.close();
      Files.deleteIfExists(temp);
    }
  }
}
