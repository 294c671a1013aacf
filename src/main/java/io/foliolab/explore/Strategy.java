package io.foliolab.explore;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How to explore: {@code dpor}, {@code stateful}, {@code bounded:K}, {@code random:N}, {@code pct:N:D} or
 * {@code replay:SCHEDULE}. Parse with {@link Strategy#parse(String)}; {@code toString()} gives the same text back.
 */
public sealed interface Strategy {
  /** Exhaustive source-set DPOR with sleep sets (Abdulla et al., POPL 2014). */
  record Dpor() implements Strategy {
    @Override
    public String toString() {
      return "dpor";
    }
  }

  /**
   * {@link Dpor} that also remembers every state it reaches (by fingerprint, see
   * {@code Machine.fingerprint}) and does not explore a state twice: stateful DPOR (Yang et al.,
   * SPIN 2008). Complete like {@code dpor} (every reachable outcome is reached), but an
   * execution that reaches a state explored before is cut there and not reported, so the
   * executions reported are fewer and their counts per outcome are not those of {@code dpor}.
   * For models whose CPUs interleave in many ways that lead back to the same states (several
   * readers of one structure). Runs on one thread.
   */
  record StatefulDpor() implements Strategy {
    @Override
    public String toString() {
      return "stateful";
    }
  }

  /** Every execution with at most {@code k} preemptions (Musuvathi and Qadeer, PLDI 2007). */
  record Bounded(int k) implements Strategy {
    public Bounded {
      checkArgument(k >= 0, "bounded:K needs K >= 0, got %s", k);
    }

    @Override
    public String toString() {
      return "bounded:" + k;
    }
  }

  /** {@code n} executions, each CPU step picked uniformly among the CPUs that can run. */
  record Random(long n) implements Strategy {
    public Random {
      checkArgument(n >= 1, "random:N needs N >= 1, got %s", n);
    }

    @Override
    public String toString() {
      return "random:" + n;
    }
  }

  /** {@code n} executions of PCT with depth {@code d} (Burckhardt et al., ASPLOS 2010). */
  record Pct(long n, int d) implements Strategy {
    public Pct {
      checkArgument(n >= 1, "pct:N:D needs N >= 1, got %s", n);
      checkArgument(d >= 1, "pct:N:D needs D >= 1, got %s", d);
    }

    @Override
    public String toString() {
      return "pct:" + n + ":" + d;
    }
  }

  /** The one execution given by {@code schedule}. */
  record Replay(Schedule schedule) implements Strategy {
    @Override
    public String toString() {
      return "replay:" + schedule;
    }
  }

  /**
   * Parses a strategy.
   *
   * @throws IllegalArgumentException naming the bad text and listing the valid forms
   */
  static Strategy parse(String text) {
    checkArgument(text != null, "strategy must not be null");
    String s = text.trim();
    String[] p = s.split(":", -1);
    try {
      switch (p[0]) {
        case "dpor":
          if (p.length == 1) {
            return new Dpor();
          }
          break;
        case "stateful":
          if (p.length == 1) {
            return new StatefulDpor();
          }
          break;
        case "bounded":
          if (p.length == 2) {
            return new Bounded(Integer.parseInt(p[1]));
          }
          break;
        case "random":
          if (p.length == 2) {
            return new Random(Long.parseLong(p[1]));
          }
          break;
        case "pct":
          if (p.length == 3) {
            return new Pct(Long.parseLong(p[1]), Integer.parseInt(p[2]));
          }
          break;
        case "replay":
          if (p.length == 2) {
            return new Replay(Schedule.parse(p[1]));
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("bad strategy '" + text
        + "': expected dpor, stateful, bounded:K, random:N, pct:N:D or replay:SCHEDULE");
  }
}
