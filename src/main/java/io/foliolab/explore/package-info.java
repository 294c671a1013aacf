/**
 * Explores the executions of a {@link io.foliolab.sim.Model}: {@code dpor} (every Mazurkiewicz
 * trace exactly once: source-set DPOR with sleep sets), {@code bounded:K}, {@code random:N},
 * {@code pct:N:D} and {@code replay:SCHEDULE}; a minimizer of failing schedules.
 *
 * <pre>{@code
 * Summary s = Explorer.explore(model, Strategy.parse("dpor"),
 *     Options.defaults().withAllCores().withMaxSeconds(60), execution -> table.add(execution));
 * if (!s.complete()) System.out.println("stopped by the " + s.stoppedBy() + " budget");
 * Execution bad = s.firstFailure();
 * Explorer.Replayed r = Explorer.replay(model, Schedule.parse(bad.schedule()));
 * r.trace().forEach(System.out::println);
 * Execution shortest = Explorer.minimize(model, bad, Options.defaults()).execution();
 * }</pre>
 *
 * <p>Results do not depend on the number of workers: the records arrive in the same order with
 * the same ids. A failing step halts the machine, so it conflicts with every step of the other
 * CPUs: {@code dpor} reports each way the failure can be reached once.
 */
package io.foliolab.explore;
