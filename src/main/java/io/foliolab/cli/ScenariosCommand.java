package io.foliolab.cli;

import io.foliolab.scenario.Param;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import java.io.PrintStream;
import java.util.stream.Collectors;

/** {@code foliolab scenarios}: the catalogue of scenarios, their parameters, variants and seeds. */
final class ScenariosCommand implements Command {
  @Override public String name() { return "scenarios"; }

  @Override public String summary() { return "list the scenarios with their parameters, variants and seed thread"; }

  @Override public String usage() {
    return "usage: java -jar target/foliolab.jar scenarios [NAME]\n"
        + "Without NAME: one row per scenario. With NAME: the scenario in full (description,\n"
        + "parameters with defaults and ranges, variants and what each models, memory pressure).\n";
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) {
    if (args.positional().size() > 1) {
      throw new UsageException("scenarios takes at most one NAME, got: " + args.positional());
    }
    if (args.positional().size() == 1) {
      describe(Scenarios.get(args.positional().get(0)), out);
      return 0;
    }
    out.printf("%-22s %-5s %-36s %s%n", "SCENARIO", "SEED", "VARIANTS (first = default)", "PARAMS (default)");
    for (Scenario s : Scenarios.all()) {
      out.printf("%-22s %-5s %-36s %s%n", s.name(), s.seed(), String.join(",", s.variants()),
          s.params().stream().map(p -> p.name() + "=" + p.defaultText()).collect(Collectors.joining(" ")));
    }
    out.println();
    out.println("Details: java -jar target/foliolab.jar scenarios NAME");
    return 0;
  }

  private static void describe(Scenario s, PrintStream out) {
    out.println(s.name() + " (seed " + s.seed() + ")");
    out.println();
    out.println(s.description());
    out.println();
    out.println("Parameters:");
    for (Param p : s.params()) {
      out.printf("  %-10s default %-22s range %s..%s%s  %s%n", p.name(), p.defaultText(),
          io.foliolab.scenario.Params.show(p.min()), io.foliolab.scenario.Params.show(p.max()),
          p.list() ? " (comma-separated list)" : "", p.description());
    }
    out.println();
    out.println("Variants:");
    for (String v : s.variants()) {
      out.printf("  %-14s %s%n", v, s.variantDescription(v));
    }
    out.println();
    out.println("Memory pressure (--pressure P):");
    out.println("  " + s.pressure().replace("\n", "\n  "));
  }
}
