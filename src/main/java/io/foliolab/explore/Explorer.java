package io.foliolab.explore;

import static com.google.common.base.Preconditions.checkArgument;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.ChoicePoint;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Model;
import io.foliolab.sim.TraceStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a {@link Model} under a {@link Strategy} and streams one {@link Execution} per explored
 * execution to a listener.
 *
 * <pre>{@code
 * Summary s = Explorer.explore(model, Strategy.parse("dpor"), Options.defaults(), e -> { });
 * if (s.firstFailure() != null) {
 *   Replayed r = Explorer.replay(model, Schedule.parse(s.firstFailure().schedule()));
 *   r.trace().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Results are deterministic: the same model, strategy and options give the same records in
 * the same order, whatever the number of workers.
 */
public final class Explorer {
  private Explorer() {}

  /**
   * Explores {@code model} with {@code strategy}; every execution goes to {@code listener}, in
   * order, on the calling thread or one worker at a time. Worker threads (with
   * {@code options.workers() > 1}) are named {@code foliolab-...}; they have all ended when this
   * returns or throws, and the listener is never called after that.
   *
   * <p>Interrupts: the exploration checks for an interrupt of the calling thread (and of its
   * workers) at every execution boundary, and the calling thread also notices one while it waits
   * for its workers. On an interrupt every worker stops at its next execution boundary (an
   * execution in progress runs to its end and is not reported), the calling thread waits for all
   * of them (uninterruptibly), and the call ends with {@link ExplorationInterruptedException},
   * whose {@link ExplorationInterruptedException#executions() executions()} counts the records
   * the listener received. The calling thread's interrupt status is set when it is thrown. A
   * call made with the interrupt status already set explores nothing and throws at once. This
   * behaviour is the same for every strategy and worker count; only how many records get
   * through before the interrupt is noticed depends on timing with several workers. (A budget,
   * by contrast, ends the call normally with a summary that is not {@link Summary#complete()}.)
   *
   * @throws ExplorationInterruptedException if the exploration was interrupted
   * @throws RuntimeException whatever the model or the listener threw (on a worker: rethrown
   *     here after every worker has stopped; it wins over an interrupt noticed at the same time)
   */
  public static Summary explore(Model model, Strategy strategy, Options options,
      ExecutionListener listener) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    Sink sink = new Sink(listener, options);
    if (sink.checkInterrupt()) {
      throw interrupted(strategy.toString(), sink.executions());
    }
    checkArgument(!(strategy instanceof Strategy.StatefulDpor)
        || options.memory().sequentiallyConsistent(), "the stateful strategy needs sequentially"
        + " consistent memory (its state fingerprints do not cover store buffers), not %s; use"
        + " dpor", options.memory());
    boolean finished;
    if (strategy instanceof Strategy.Dpor) {
      if (options.workers() > 1) {
        finished = new ParallelDpor(model, options, sink).run();
      } else {
        finished = new Dpor(new Runner(model, options), sink).run();
      }
    } else if (strategy instanceof Strategy.StatefulDpor) {
      finished = stateful(model, options, sink);
    } else if (strategy instanceof Strategy.Bounded b) {
      finished = new BoundedSearch(new Runner(model, options), sink, b.k()).run();
    } else if (strategy instanceof Strategy.Random r) {
      finished = sample(model, options, sink, r.n(), 0);
    } else if (strategy instanceof Strategy.Pct p) {
      finished = sample(model, options, sink, p.n(), p.d());
    } else if (strategy instanceof Strategy.Replay r) {
      Replayed rep = replay(model, r.schedule(), false, options);
      sink.accept(rep.execution());
      finished = true;
    } else {
      throw new AssertionError(strategy);
    }
    if (sink.interrupted()) {
      throw interrupted(strategy.toString(), sink.executions());
    }
    return sink.summary(strategy.toString(), finished);
  }

  /**
   * The exception for an exploration that stopped because of an interrupt, with the calling
   * thread's interrupt status set again (waiting for the workers may have cleared it, and an
   * interrupt that reached only a worker is passed on to the caller).
   */
  private static ExplorationInterruptedException interrupted(String strategy, long executions) {
    Thread.currentThread().interrupt();
    return new ExplorationInterruptedException(strategy, executions);
  }

  /** Sample executions that seed what a stateful exploration knows about locations. */
  private static final int LEARNING_RUNS = 512;

  /**
   * Stateful DPOR in rounds: each round explores with what is known about which locations are
   * written and shared (see {@link Quiet}); a round whose invisible-step decisions turn out to
   * rest on a wrong fact is run to its end anyway (to learn as much as it can), discarded, and run
   * again with the facts learnt. Only the last round's executions reach the sink. Checks for an
   * interrupt after each learning run and at each execution boundary of a round; an interrupted
   * round reports nothing.
   */
  private static boolean stateful(Model model, Options options, Sink sink) {
    Quiet quiet = new Quiet();
    Runner learner = new Runner(model, options);
    Sampling sampling = new Sampling(learner, options.withSeed(0).withPressure(0.5), 0, 0);
    for (int i = 0; i < LEARNING_RUNS; i++) {
      if (sink.checkInterrupt()) {
        return false;
      }
      sampling.run(i);
      quiet.learn(learner.m);
    }
    for (int round = 1; ; round++) {
      quiet.newRound();
      List<Execution> buffer = new ArrayList<>();
      long[] redundant = {0};
      Records records = new Records() {
        @Override
        public boolean accept(Execution e) {
          buffer.add(e);
          return !exhausted();
        }

        @Override
        public boolean exhausted() {
          return buffer.size() >= options.maxExecutions() || sink.timeSpent()
              || sink.checkInterrupt();
        }

        @Override
        public void redundant() {
          redundant[0]++;
        }
      };
      Dpor d = new Dpor(new Runner(model, options), records, true, quiet);
      boolean finished = d.run();
      if (sink.interrupted()) {
        return false;
      }
      if (d.violated() && !records.exhausted()) {
        continue;
      }
      for (Execution e : buffer) {
        if (!sink.accept(e)) {
          break;
        }
      }
      sink.redundant += redundant[0];
      sink.states = d.states();
      sink.cacheHits = d.hits;
      sink.rounds = round;
      return finished && !d.violated();
    }
  }

  private static boolean sample(Model model, Options options, Sink sink, long n, int depth) {
    Runner runner = new Runner(model, options);
    int k = depth > 0 ? Sampling.estimateSteps(runner) : 0;
    if (options.workers() > 1) {
      return ParallelSampling.run(model, options, sink, n, depth, k);
    }
    Sampling s = new Sampling(runner, options, depth, k);
    for (long i = 0; i < n; i++) {
      if (!sink.accept(s.run(i))) {
        return i == n - 1;
      }
      if ((i & 255) == 255 && sink.exhausted()) {
        return false;
      }
    }
    return true;
  }

  /** An execution re-run from its schedule, with its trace. */
  public record Replayed(Execution execution, List<TraceStep> trace) {}

  /** Replays {@code schedule} on {@code model} with tracing on. */
  public static Replayed replay(Model model, Schedule schedule) {
    return replay(model, schedule, true, Options.defaults());
  }

  /**
   * Replays {@code schedule} exactly: each step must be possible and the execution must end with
   * the last step. The machine runs under the schedule's memory model ({@link Schedule#memory}),
   * whatever {@code options} says.
   *
   * @throws IllegalArgumentException if the schedule does not fit the model (naming the step)
   */
  public static Replayed replay(Model model, Schedule schedule, boolean trace, Options options) {
    Runner runner = new Runner(model, options.withMemory(schedule.memory()));
    Machine m = runner.m;
    int[] next = {0};
    m.setOracle(new ChoiceOracle() {
      @Override
      public int choose(int cpu, ChoicePoint point) {
        checkArgument(next[0] < schedule.choiceCount(), "schedule %s decides %s choice points,"
            + " but the execution reaches another (%s on CPU %s)", schedule,
            schedule.choiceCount(), point.name(), cpu);
        return schedule.choice(next[0]++);
      }
    });
    m.setTracing(trace);
    m.start(model);
    for (int i = 0; i < schedule.length(); i++) {
      int c = schedule.cpu(i);
      checkArgument(!m.over(), "schedule %s has %s steps, but the execution ends after %s (%s)",
          schedule, schedule.length(), i, m.outcome());
      checkArgument(c < m.cpus(), "schedule %s: step %s names CPU %s, but the model has %s CPUs%s",
          schedule, i, c, m.cpus(), schedule.memory().sequentiallyConsistent()
              ? " (a schedule of a run under store buffers ends with @tso or @pso:N)" : "");
      checkArgument(m.step(c), "schedule %s: step %s names CPU %s, which cannot run then (%s)",
          schedule, i, c, m.cpu(c));
    }
    checkArgument(m.over(), "schedule %s ends after %s steps, but the execution goes on",
        schedule, schedule.length());
    checkArgument(next[0] == schedule.choiceCount(), "schedule %s decides %s choice points,"
        + " but the execution reached only %s", schedule, schedule.choiceCount(), next[0]);
    List<TraceStep> t = m.trace();
    m.setTracing(false);
    return new Replayed(runner.record(0), t);
  }

  /** The result of {@link #minimize}. */
  public record Minimized(Execution execution, boolean provenMinimal, long executionsTried) {}

  /**
   * Looks for an execution with the same outcome, message and failing label as {@code failing}
   * but fewer preemptions, by preemption-bounded search with bounds 0, 1, 2, ... below its own.
   * Returns the first one found (the fewest preemptions), or {@code failing} itself.
   * {@code provenMinimal} is true when every smaller bound was searched completely within the
   * budget ({@code options.maxExecutions()} per bound).
   *
   * @throws ExplorationInterruptedException if the calling thread is interrupted (checked at
   *     every execution boundary; its interrupt status is left set)
   */
  public static Minimized minimize(Model model, Execution failing, Options options) {
    checkArgument(failing.failed(), "execution %s did not fail", failing.id());
    long tried = 0;
    boolean complete = true;
    for (int k = 0; k < failing.preemptions(); k++) {
      Sink sink = new Sink(ExecutionListener.NONE, options);
      BoundedSearch search = new BoundedSearch(new Runner(model, options), sink, k);
      search.stopWhen = e -> e.outcome() == failing.outcome()
          && e.message().equals(failing.message())
          && e.failingLabel().equals(failing.failingLabel());
      boolean finished = search.run();
      tried += sink.executions();
      if (sink.interrupted()) {
        throw interrupted("minimize", tried);
      }
      if (search.found != null) {
        return new Minimized(search.found.withId(failing.id()), complete, tried);
      }
      complete &= finished;
    }
    return new Minimized(failing, complete, tried);
  }
}
