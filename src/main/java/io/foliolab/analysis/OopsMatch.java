package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.foliolab.explore.Execution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * How well an explored failure matches an {@link OopsSignature}. Each criterion scores 1 (agrees),
 * 0.5 (agrees in part) or 0 (disagrees), times its weight; criteria one side cannot state (e.g.
 * flags the model does not print) are left out of both the score and its maximum. Immutable.
 *
 * <p>Criteria and weights: outcome kind (BUG / OOPS) 1; assertion (the oops's {@code page dumped
 * because:} text against the failure message) 3; function (RIP against the failing step's
 * function; 0.5 when the step's function is elsewhere in the call trace) 2; folio order 1; index
 * relation (fault index minus folio index, with the order; 0.5 when the fault index lies on the
 * same side of the folio) 2; flags (Jaccard similarity over the flags the model tracks) 1;
 * refcount 0.5.
 *
 * @param execution the explored failure
 * @param score the weighted score over the criteria both sides state, in [0, 1]
 * @param verdict {@link Verdict#MATCH} when kind, assertion, function, order and index relation
 *     all agree fully (those the oops states); {@link Verdict#PARTIAL} when something agrees;
 *     {@link Verdict#NONE} otherwise
 * @param criteria every criterion with its result
 */
public record OopsMatch(Execution execution, double score, Verdict verdict,
    ImmutableList<Criterion> criteria) {
  /** The overall verdict. */
  public enum Verdict { MATCH, PARTIAL, NONE }

  /**
   * One criterion.
   *
   * @param name {@code kind}, {@code assertion}, {@code function}, {@code order},
   *     {@code index}, {@code flags} or {@code refcount}
   * @param weight its weight
   * @param agreement 1, 0.5 or 0 (a Jaccard similarity for flags)
   * @param detail oops value vs execution value
   */
  public record Criterion(String name, double weight, double agreement, String detail) {}

  /** The flags the page-cache model tracks (issue 4), by their kernel names. */
  public static final ImmutableSet<String> MODEL_FLAGS = ImmutableSet.of("locked", "waiters",
      "referenced", "uptodate", "dirty", "writeback", "lru", "active", "swapcache", "swapbacked",
      "private", "head");

  private static final Set<String> DECISIVE = Set.of("kind", "assertion", "function", "order",
      "index");

  public OopsMatch {
    Objects.requireNonNull(execution, "execution");
    Objects.requireNonNull(verdict, "verdict");
  }

  /**
   * Scores {@code e} against {@code oops}.
   *
   * @throws IllegalArgumentException if {@code e} did not fail
   */
  public static OopsMatch of(OopsSignature oops, Execution e) {
    checkArgument(e.failed(), "execution %s did not fail (outcome %s)", e.id(), e.outcome());
    List<Criterion> cs = new ArrayList<>();
    cs.add(new Criterion("kind", 1, oops.kind() == e.outcome() ? 1 : 0,
        oops.kind() + " vs " + e.outcome()));
    if (!oops.assertion().isEmpty()) {
      String a = normalize(oops.assertion());
      String b = normalize(e.message());
      double ag = a.equals(b) ? 1 : !b.isEmpty() && (a.contains(b) || b.contains(a)) ? 0.5 : 0;
      cs.add(new Criterion("assertion", 3, ag, oops.assertion() + " vs " + e.message()));
    }
    String fn = FailureFields.function(e.failingLabel());
    double fa = fn.equals(oops.function()) ? 1 : oops.callTrace().contains(fn) ? 0.5 : 0;
    cs.add(new Criterion("function", 2, fa, oops.function() + " vs " + fn));
    OptionalInt order = FailureFields.folioOrder(e);
    if (oops.order().isPresent() && order.isPresent()) {
      cs.add(new Criterion("order", 1, oops.order().getAsInt() == order.getAsInt() ? 1 : 0,
          oops.order().getAsInt() + " vs " + order.getAsInt()));
    } else if (oops.folioIndex().isPresent() && oops.order().isEmpty() && order.isPresent()) {
      // A large folio whose order the oops does not give.
      cs.add(new Criterion("order", 1, order.getAsInt() > 0 ? 0.5 : 0,
          "large (order not dumped) vs " + order.getAsInt()));
    } else if (oops.folioIndex().isPresent()) {
      cs.add(new Criterion("order", 1, 0, oops.order() + " vs no folio"));
    }
    OptionalLong delta = oops.indexDelta();
    OptionalLong fi = FailureFields.folioIndex(e);
    OptionalLong li = FailureFields.lookupIndex(e);
    if (delta.isPresent()) {
      if (fi.isPresent() && li.isPresent() && order.isPresent()) {
        long d = li.getAsLong() - fi.getAsLong();
        int oo = oops.order().orElse(order.getAsInt());
        double ag = d == delta.getAsLong() && oo == order.getAsInt() ? 1
            : side(d, order.getAsInt()) == side(delta.getAsLong(), oo) ? 0.5 : 0;
        cs.add(new Criterion("index", 2, ag, oops.indexRelation().orElse("delta "
            + delta.getAsLong()) + " vs " + OopsSignature.relation(d, order.getAsInt())));
      } else {
        cs.add(new Criterion("index", 2, 0, "delta " + delta.getAsLong()
            + " vs no folio index and lookup index"));
      }
    }
    String modelFlags = FailureFields.folioFlags(e);
    if (!oops.flags().isEmpty() && !modelFlags.isEmpty() && !modelFlags.matches("-?\\d+|0x\\p{XDigit}+")) {
      Set<String> a = new TreeSet<>(oops.flags());
      a.retainAll(MODEL_FLAGS);
      Set<String> b = new TreeSet<>();
      for (String f : modelFlags.toLowerCase(Locale.ROOT).split("[|,\\s]+")) {
        String k = f.equals("large") ? "head" : f;
        if (MODEL_FLAGS.contains(k)) {
          b.add(k);
        }
      }
      Set<String> union = new TreeSet<>(a);
      union.addAll(b);
      Set<String> inter = new TreeSet<>(a);
      inter.retainAll(b);
      double j = union.isEmpty() ? 1 : (double) inter.size() / union.size();
      cs.add(new Criterion("flags", 1, j, String.join("|", a) + " vs " + String.join("|", b)));
    }
    OptionalInt rc = FailureFields.folioRefcount(e);
    if (oops.refcount().isPresent() && rc.isPresent()) {
      cs.add(new Criterion("refcount", 0.5, oops.refcount().getAsInt() == rc.getAsInt() ? 1 : 0,
          oops.refcount().getAsInt() + " vs " + rc.getAsInt()));
    }
    double got = 0;
    double max = 0;
    boolean decisive = true;
    boolean any = false;
    for (Criterion c : cs) {
      got += c.weight() * c.agreement();
      max += c.weight();
      any |= c.agreement() > 0;
      if (DECISIVE.contains(c.name()) && c.agreement() < 1) {
        decisive = false;
      }
    }
    Verdict v = decisive ? Verdict.MATCH : any ? Verdict.PARTIAL : Verdict.NONE;
    return new OopsMatch(e, max == 0 ? 0 : got / max, v, ImmutableList.copyOf(cs));
  }

  private static int side(long delta, int order) {
    return delta < 0 ? -1 : delta < (1L << order) ? 0 : 1;
  }

  /** The assertion without blanks and without the dumped object argument. */
  static String normalize(String s) {
    String t = s.replaceAll("\\s+", "");
    // VM_BUG_ON_FOLIO(cond, folio) and VM_BUG_ON_FOLIO(cond) name the same assertion.
    if (t.endsWith(",folio)") || t.endsWith(",page)")) {
      t = t.substring(0, t.lastIndexOf(',')) + ")";
    }
    return t;
  }

  /**
   * A class of explored failures that look the same to the matcher (same outcome, message,
   * failing label, folio order, index relation, flags and refcount), with how many executions
   * fell into it and the match of its first execution (smallest id).
   */
  public record Ranked(OopsMatch match, long count) {}

  /**
   * Ranks {@code failures} by how well they match {@code oops}: failures are grouped into
   * classes, ordered by score (highest first), then by count (largest first), then by the first
   * execution's id. Non-failing executions are skipped.
   */
  public static ImmutableList<Ranked> rank(OopsSignature oops, Iterable<Execution> failures) {
    Ranker r = new Ranker(oops);
    failures.forEach(r::accept);
    return r.ranking();
  }

  /**
   * Collects failures as an exploration streams them (an {@link
   * io.foliolab.explore.ExecutionListener}); memory grows with the number of distinct classes,
   * not executions.
   */
  public static final class Ranker implements io.foliolab.explore.ExecutionListener {
    private final OopsSignature oops;
    private final Map<List<Object>, OopsMatch> first = new LinkedHashMap<>();
    private final Map<List<Object>, long[]> counts = new LinkedHashMap<>();

    public Ranker(OopsSignature oops) {
      this.oops = Objects.requireNonNull(oops, "oops");
    }

    @Override
    public void accept(Execution e) {
      if (!e.failed()) {
        return;
      }
      OptionalLong fi = FailureFields.folioIndex(e);
      OptionalLong li = FailureFields.lookupIndex(e);
      List<Object> key = List.of(e.outcome(), e.message(), e.failingLabel(),
          FailureFields.folioOrder(e), fi.isPresent() && li.isPresent()
              ? OptionalLong.of(li.getAsLong() - fi.getAsLong()) : OptionalLong.empty(),
          FailureFields.folioFlags(e), FailureFields.folioRefcount(e));
      long[] c = counts.computeIfAbsent(key, k -> new long[1]);
      c[0]++;
      if (c[0] == 1) {
        first.put(key, of(oops, e));
      }
    }

    /** The classes seen so far, best match first. */
    public ImmutableList<Ranked> ranking() {
      List<Ranked> out = new ArrayList<>();
      first.forEach((k, m) -> out.add(new Ranked(m, counts.get(k)[0])));
      out.sort(Comparator.comparingDouble((Ranked r) -> -r.match().score())
          .thenComparingLong(r -> -r.count())
          .thenComparingLong(r -> r.match().execution().id()));
      return ImmutableList.copyOf(out);
    }
  }

  /** One line per criterion, for reports. */
  public String explain() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s, score %.2f", verdict, score));
    for (Criterion c : criteria) {
      sb.append(String.format(Locale.ROOT, "%n  %-9s %s  %s", c.name(),
          c.agreement() == 1 ? "yes " : c.agreement() == 0 ? "no  " : "part", c.detail()));
    }
    return sb.toString();
  }
}
