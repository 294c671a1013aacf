package io.foliolab.cli;

import com.google.common.collect.ImmutableSet;
import io.foliolab.analysis.OopsMatch;
import io.foliolab.analysis.OopsSignature;
import io.foliolab.explore.Execution;
import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code foliolab match-oops FILE --scenario S [--variant V] [--top K]}: parses a kernel oops,
 * explores the scenario's variants and ranks the explored failures by how well they match it.
 */
final class MatchOopsCommand implements Command, OptionSpec {
  @Override public String name() { return "match-oops"; }

  @Override public String summary() {
    return "rank a scenario's explored failures by how well they match a kernel oops";
  }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar match-oops FILE --scenario S [--variant V]\n"
        + "         [--top K] [--strategy dpor|bounded:K|random:N|pct:N:D] [--seed S]\n"
        + "         [--pressure P] [--param k=v]... [--budget-executions N] [--memory sc|tso|pso:N]\n"
        + "Reads an oops (e.g. data/oops/seed-000-filemap_fault.txt): the failure line, the RIP\n"
        + "function, the page dump (flags, raw: lines with index and refcount) and the fault\n"
        + "index where a register gives it. Explores each variant (or --variant V) with dpor\n"
        + "(default) and prints the top K classes of failures (default 5), best first, each with\n"
        + "its verdict (MATCH: kind, assertion, function, folio order and index relation all\n"
        + "agree), score, how many executions fell in it, and the schedule that replays it.\n"
        + "--memory explores under store buffers (see 'explore --help').\n";
  }

  @Override public Set<String> valuedOptions() {
    return ImmutableSet.of("scenario", "variant", "top", "strategy", "seed", "pressure", "param",
        "budget-executions", "memory");
  }

  @Override public Set<String> flagOptions() { return ImmutableSet.of(); }

  private record Row(String variant, OopsMatch.Ranked ranked) {}

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    Path file = Path.of(args.positional(0, "FILE (an oops text, e.g."
        + " data/oops/seed-000-filemap_fault.txt)"));
    if (args.positional().size() > 1) {
      throw new UsageException("match-oops takes one FILE, got: " + args.positional());
    }
    if (!Files.isRegularFile(file)) {
      throw new UsageException("match-oops: no such file " + file);
    }
    OopsSignature oops = OopsSignature.read(file);
    Scenario s = Scenarios.get(args.option("scenario").orElseThrow(() -> new UsageException(
        "match-oops needs --scenario S; valid scenarios: " + String.join(", ",
            Scenarios.all().stream().map(Scenario::name).toList()))));
    List<String> variants = args.option("variant").isPresent()
        ? List.of(s.checkVariant(args.option("variant").get())) : s.variants();
    int top = Math.toIntExact(Args.parseLong("--top", args.option("top").orElse("5")));
    if (top < 1) {
      throw new UsageException("--top " + top + " must be >= 1");
    }
    Strategy strategy = Strategy.parse(args.option("strategy").orElse("dpor"));
    Options options = ExploreCommand.options(args);
    Map<String, String> given = new LinkedHashMap<>();
    for (String kv : args.options("param")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("match-oops: --param needs name=value, got '" + kv + "'");
      }
      given.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    Params params = Params.resolve(s.name(), s.params(), given);

    out.println("oops " + file + ":");
    for (String l : oops.describe().split("\n")) {
      out.println("  " + l);
    }
    out.println();
    List<Row> rows = new ArrayList<>();
    for (String v : variants) {
      OopsMatch.Ranker ranker = new OopsMatch.Ranker(oops);
      Summary sum = Explorer.explore(s.model(v, params), strategy, options, ranker);
      out.printf("%s %s: %s, %d executions, %d failing%s%n", s.name(), v,
          options.memory().mark(sum.strategy()),
          sum.executions(), sum.failures(), sum.complete() ? "" : " (stopped by the "
              + sum.stoppedBy() + " budget)");
      for (OopsMatch.Ranked r : ranker.ranking()) {
        rows.add(new Row(v, r));
      }
    }
    rows.sort(Comparator.comparingDouble((Row r) -> -r.ranked().match().score())
        .thenComparingLong(r -> -r.ranked().count())
        .thenComparingInt(r -> variants.indexOf(r.variant()))
        .thenComparingLong(r -> r.ranked().match().execution().id()));
    out.println();
    if (rows.isEmpty()) {
      out.println("no explored failure to match: every execution of "
          + String.join(", ", variants) + " was OK");
      return 0;
    }
    out.printf("best matches (%d of %d classes of failures):%n", Math.min(top, rows.size()),
        rows.size());
    for (int i = 0; i < Math.min(top, rows.size()); i++) {
      Row r = rows.get(i);
      OopsMatch m = r.ranked().match();
      Execution e = m.execution();
      out.printf(Locale.ROOT, "%d. %s  %s, score %.2f: %s on CPU %d at %s, %d execution%s%n",
          i + 1, r.variant(), m.verdict(), m.score(), e.outcome(), e.failingCpu(),
          e.failingLabel(), r.ranked().count(), r.ranked().count() == 1 ? "" : "s");
      out.println("   " + e.message());
      for (OopsMatch.Criterion c : m.criteria()) {
        out.printf("     %-9s %-4s %s%n", c.name(), c.agreement() == 1 ? "yes"
            : c.agreement() == 0 ? "no" : "part", c.detail());
      }
      out.printf("   replay: java -jar target/foliolab.jar replay %s --variant %s%s --schedule '%s'%n",
          s.name(), r.variant(), paramWords(params), e.schedule());
    }
    return 0;
  }

  static String paramWords(Params p) {
    StringBuilder sb = new StringBuilder();
    for (String name : p.names()) {
      sb.append(" --param ").append(name).append('=');
      sb.append(p.list(name).stream().mapToObj(Params::show)
          .collect(java.util.stream.Collectors.joining(",")));
    }
    return sb.toString();
  }
}
