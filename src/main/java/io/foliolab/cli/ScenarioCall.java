package io.foliolab.cli;

import io.foliolab.scenario.Params;
import io.foliolab.scenario.Scenario;
import io.foliolab.scenario.Scenarios;
import io.foliolab.sim.Model;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scenario part of a command line: {@code SCENARIO [--variant V] [--param k=v]...}, resolved
 * and checked (unknown names get a message listing the valid ones).
 *
 * @param scenario the scenario
 * @param variant the chosen variant (the scenario's first when not given)
 * @param params every parameter, given or default
 */
record ScenarioCall(Scenario scenario, String variant, Params params) {
  /** Resolves the scenario, variant and parameters named in {@code args}. */
  static ScenarioCall from(Args args) {
    Scenario s = Scenarios.get(args.positional(0, "SCENARIO (see: java -jar target/foliolab.jar scenarios)"));
    if (args.positional().size() > 1) {
      throw new UsageException(args.command() + " takes one SCENARIO, got: " + args.positional());
    }
    String variant = s.checkVariant(args.option("variant").orElse(s.variants().get(0)));
    Map<String, String> given = new LinkedHashMap<>();
    for (String kv : args.options("param")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(args.command() + ": --param needs name=value, got '" + kv + "'");
      }
      given.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return new ScenarioCall(s, variant, Params.resolve(s.name(), s.params(), given));
  }

  /** The model to explore. */
  Model model() {
    return scenario.model(variant, params);
  }

  /** The command-line words that select this call again, e.g. for a replay hint. */
  String words() {
    StringBuilder sb = new StringBuilder(scenario.name()).append(" --variant ").append(variant);
    for (String name : params.names()) {
      sb.append(" --param ").append(name).append('=');
      sb.append(params.list(name).stream().mapToObj(Params::show)
          .collect(java.util.stream.Collectors.joining(",")));
    }
    return sb.toString();
  }
}
