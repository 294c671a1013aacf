package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OopsSignatureTest {
  static final Path SHIPPED = Path.of("data/oops/seed-000-filemap_fault.txt");

  static String shipped() throws IOException {
    return Files.readString(SHIPPED);
  }

  static void assertSeed000(OopsSignature s) {
    assertEquals(Outcome.BUG, s.kind());
    assertEquals("kernel BUG at mm/filemap.c:3519!", s.headline());
    assertEquals("VM_BUG_ON_FOLIO(!folio_contains(folio, index))", s.assertion());
    assertEquals("mm/filemap.c", s.bugFile());
    assertEquals(3519, s.bugLine());
    assertEquals("filemap_fault", s.function());
    assertEquals(0xa61, s.offset());
    assertEquals(0x1410, s.size());
    assertEquals(0xeffff8000001adL, s.flagsWord().getAsLong());
    assertEquals(Set.of("locked", "waiters", "referenced", "uptodate", "lru", "active"), s.flags());
    assertEquals(0x737a, s.folioIndex().getAsLong());
    assertEquals(0, s.order().getAsInt());
    assertEquals(2, s.refcount().getAsInt());
    assertEquals(0, s.mapcount().getAsInt());
    assertEquals(0x737b, s.faultIndex().getAsLong());
    assertEquals("RBP", s.faultIndexRegister());
    assertEquals(1, s.indexDelta().getAsLong());
    assertEquals("the folio ends 1 page left of the fault index", s.indexRelation().get());
    assertEquals(List.of("__do_fault", "do_fault", "__handle_mm_fault", "handle_mm_fault",
        "do_user_addr_fault", "exc_page_fault", "asm_exc_page_fault"), s.callTrace());
    assertEquals("6.18.7-cloudflare-2026.1.15", s.kernelRelease());
  }

  @Test
  void parsesTheShippedOopsExactly() throws IOException {
    OopsSignature s = OopsSignature.read(SHIPPED);
    assertSeed000(s);
    assertTrue(shipped().startsWith("# Oops from FolioLab seed 000"));
    assertTrue(s.describe().contains("fault index 0x737b (RBP): the folio ends 1 page left"));
  }

  @Test
  void parsesTheCollapsedArchiveTextAndTimestampedLogs() throws IOException {
    // The seed's first line: the whole cover letter with line breaks collapsed, replies after it.
    Path seed = Path.of("../shared/seeds/000_67cec1cb130c3fac.txt");
    if (!Files.exists(seed)) {
      seed = Path.of("/work/shared/seeds/000_67cec1cb130c3fac.txt");
    }
    String collapsed = shipped().lines().filter(l -> !l.startsWith("#"))
        .reduce((a, b) -> a + " " + b).orElseThrow();
    assertSeed000(OopsSignature.parse(collapsed));
    if (Files.exists(seed)) {
      assertSeed000(OopsSignature.parse(Files.readAllLines(seed).get(0)));
    }
    StringBuilder stamped = new StringBuilder();
    double t = 81234.5;
    for (String l : shipped().split("\n")) {
      stamped.append(String.format("[%12.6f] %s%n", t += 0.000001, l));
    }
    assertSeed000(OopsSignature.parse(stamped.toString()));
  }

  static String without(String text, String prefix) {
    StringBuilder sb = new StringBuilder();
    for (String l : text.split("\n")) {
      if (!l.startsWith(prefix)) {
        sb.append(l).append('\n');
      }
    }
    return sb.toString();
  }

  static void assertMissing(String text, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OopsSignature.parse(text));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), e.getMessage());
    }
  }

  @Test
  void mangledInputsSayWhatIsMissing() throws IOException {
    String ok = shipped();
    assertMissing("", "empty");
    assertMissing("# only a comment\n\n", "empty");
    assertMissing(without(ok, "kernel BUG at"), "no failure line", "kernel BUG at FILE:LINE!");
    assertMissing(ok.replace("RIP: 0010:filemap_fault+0xa61/0x1410", "RIP: 0010:0xffffffff86"),
        "no kernel RIP line", "only a RIP without a kernel function");
    assertMissing(without(ok, "RIP:"), "no kernel RIP line", "no 'RIP:' at all");
    assertMissing(without(ok, "flags:"), "no flags line");
    assertMissing(without(ok, "raw:"), "has 0 raw: lines", "two 'raw:");
    String oneRaw = ok.replace("raw: 000000000000737a", "raw: 00000000000073");
    assertMissing(oneRaw, "has 1 raw: line ");
    assertMissing(ok.replace("page dumped because: VM_BUG_ON_FOLIO(!folio_contains(folio, index))",
        "page dumped because: "), "empty 'page dumped because:'");
  }

  @Test
  void optionalPartsMayBeAbsent() throws IOException {
    String ok = shipped();
    // No page dump at all: a plain BUG_ON; no folio fields, no fault index.
    String plain = without(without(without(without(ok, "flags:"), "raw:"), "page dumped"), "aops");
    OopsSignature s = OopsSignature.parse(plain);
    assertEquals("", s.assertion());
    assertTrue(s.folioIndex().isEmpty() && s.order().isEmpty() && s.faultIndex().isEmpty());
    // Two registers near the index: the fault index is ambiguous, so not given.
    s = OopsSignature.parse(ok.replace("RSI: 0000000000000001", "RSI: 0000000000007379"));
    assertTrue(s.faultIndex().isEmpty());
    // A large folio whose dump names its order; and one without an order line.
    String large = ok.replace("(locked|", "(locked|head|").replace("aops:", "head: order:2 aops:");
    assertEquals(2, OopsSignature.parse(large).order().getAsInt());
    String largeNoOrder = ok.replace("(locked|", "(locked|head|");
    assertTrue(OopsSignature.parse(largeNoOrder).order().isEmpty());
    // A NULL dereference is an OOPS, not a BUG.
    String nullDeref = without(ok, "kernel BUG at").replace("Oops: invalid opcode",
        "BUG: kernel NULL pointer dereference, address: 0000000000000002\nOops: 0000");
    s = OopsSignature.parse(nullDeref);
    assertEquals(Outcome.OOPS, s.kind());
    assertEquals("BUG: kernel NULL pointer dereference, address: 0000000000000002", s.headline());
  }

  @Test
  void relationWords() {
    assertEquals("the fault index lies inside the folio (page 3 of 4)", OopsSignature.relation(3, 2));
    assertEquals("the folio ends 2 pages left of the fault index", OopsSignature.relation(5, 2));
    assertEquals("the folio starts 1 page right of the fault index", OopsSignature.relation(-1, 0));
  }
}
