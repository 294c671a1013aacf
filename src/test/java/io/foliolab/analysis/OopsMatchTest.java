package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableIntArray;
import io.foliolab.analysis.OopsMatch.Verdict;
import io.foliolab.explore.Execution;
import io.foliolab.sim.Outcome;
import io.foliolab.sim.Subject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OopsMatchTest {
  static OopsSignature oops;

  @BeforeAll
  static void load() throws IOException {
    oops = OopsSignature.read(OopsSignatureTest.SHIPPED);
  }

  static final String BUG_MSG = "VM_BUG_ON_FOLIO(!folio_contains(folio, index), folio)";

  static Execution failure(long id, Outcome o, String msg, String label, long index, int order,
      long lookup, String flags, int refcount) {
    Subject s = new Subject("folio", "dump", ImmutableMap.of("index", index, "order", order,
        "flags", flags, "refcount", refcount, "lookup_index", lookup));
    return new Execution(id, "0x5.1x3", 8, 1, 1, o, msg, 1, label, s, ImmutableIntArray.of(0, 0),
        "");
  }

  /** What split-wrong-slot v6.18 should give: an order-0 left piece one page left of the index. */
  static Execution wrongSlot(long id) {
    return failure(id, Outcome.BUG, BUG_MSG, "filemap_fault:folio_contains", 0x7652, 0, 0x7653,
        "locked|uptodate|lru", 2);
  }

  /** What willy-1499 reload-canonical gives: an order-8 folio at 1024 for index 1499. */
  static Execution oldHead(long id) {
    return failure(id, Outcome.BUG, BUG_MSG, "filemap_fault:folio_contains", 1024, 8, 1499,
        "locked|uptodate|lru|head", 2);
  }

  @Test
  void theWrongSlotFailureMatches() {
    OopsMatch m = OopsMatch.of(oops, wrongSlot(3));
    assertEquals(Verdict.MATCH, m.verdict(), m.explain());
    // Flags differ (the model's folio is not waited on, referenced or active): not a full score.
    assertTrue(m.score() > 0.85 && m.score() < 1, m.explain());
    assertEquals(List.of("kind", "assertion", "function", "order", "index", "flags", "refcount"),
        m.criteria().stream().map(OopsMatch.Criterion::name).toList());
    assertEquals(0.5, m.criteria().get(5).agreement(), 1e-9); // {locked,uptodate,lru} of 6
  }

  @Test
  void theOldHeadFailureDoesNot() {
    OopsMatch m = OopsMatch.of(oops, oldHead(1));
    assertEquals(Verdict.PARTIAL, m.verdict(), m.explain());
    OopsMatch.Criterion index = m.criteria().stream().filter(c -> c.name().equals("index"))
        .findFirst().orElseThrow();
    // 1499 - 1024 = 475 lies beyond an order-8 folio: same side, another distance.
    assertEquals(0.5, index.agreement());
    assertTrue(index.detail().contains("the folio ends 220 pages left of the fault index"),
        index.detail());
    assertTrue(m.score() < OopsMatch.of(oops, wrongSlot(2)).score());
  }

  @Test
  void otherFailuresScoreLower() {
    Execution oopsSibling = new Execution(4, "0x2", 2, 0, 0, Outcome.OOPS,
        "sibling entry used as a folio", 0, "filemap_get_folios_tag:folio_try_get",
        new Subject("xa_entry", "", ImmutableMap.of()), ImmutableIntArray.of(0), "");
    OopsMatch m = OopsMatch.of(oops, oopsSibling);
    assertEquals(Verdict.NONE, m.verdict(), m.explain());
    assertEquals(0, m.score());
    // In the call trace but not the RIP function: half the function weight.
    Execution inTrace = failure(5, Outcome.BUG, BUG_MSG, "__do_fault:x", 0x7652, 0, 0x7653,
        "locked", 2);
    OopsMatch t = OopsMatch.of(oops, inTrace);
    assertEquals(Verdict.PARTIAL, t.verdict());
    assertEquals(0.5, t.criteria().get(2).agreement());
  }

  @Test
  void rankingGroupsClassesAndOrdersByScoreThenCount() {
    List<Execution> es = new ArrayList<>();
    es.add(oldHead(0));
    es.add(oldHead(1));
    es.add(oldHead(2));
    es.add(new Execution(3, "0", 1, 0, 0, Outcome.OK, "", -1, "", null, ImmutableIntArray.of(0),
        ""));
    es.add(wrongSlot(4));
    es.add(wrongSlot(5));
    ImmutableList<OopsMatch.Ranked> r = OopsMatch.rank(oops, es);
    assertEquals(2, r.size());
    assertEquals(4, r.get(0).match().execution().id());
    assertEquals(2, r.get(0).count());
    assertEquals(Verdict.MATCH, r.get(0).match().verdict());
    assertEquals(0, r.get(1).match().execution().id());
    assertEquals(3, r.get(1).count());
  }

  @Test
  void rejectsNonFailures() {
    Execution ok = new Execution(3, "0", 1, 0, 0, Outcome.OK, "", -1, "", null,
        ImmutableIntArray.of(0), "");
    assertThrows(IllegalArgumentException.class, () -> OopsMatch.of(oops, ok));
  }

  @Test
  void assertionNormalization() {
    assertEquals(OopsMatch.normalize("VM_BUG_ON_FOLIO(!folio_contains(folio, index))"),
        OopsMatch.normalize("VM_BUG_ON_FOLIO( !folio_contains(folio,index), folio)"));
  }
}
