package io.foliolab.analysis;

import java.util.Objects;

/**
 * What identifies one exploration run in a results table: the columns every execution row of the
 * run shares. Immutable.
 *
 * @param run the run's id (e.g. a sweep cell's number, or "0" for a single exploration)
 * @param scenario the scenario name
 * @param variant the kernel variant
 * @param strategy the strategy as text ({@code dpor}, {@code random:N}, {@code pct:N:D}, ...)
 * @param seed the sampling seed
 * @param pressure the memory-pressure level p in [0, 1]
 * @param params the resolved parameters as printed ({@code name=value ...})
 */
public record RunInfo(String run, String scenario, String variant, String strategy, long seed,
    double pressure, String params) {
  public RunInfo {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(params, "params");
  }
}
