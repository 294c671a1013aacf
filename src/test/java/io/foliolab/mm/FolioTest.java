package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Machine;
import io.foliolab.sim.Subject;
import org.junit.jupiter.api.Test;

class FolioTest {
  @Test
  void folioContainsIsAnUnsignedRangeCheck() {
    assertTrue(Folio.contains(0x7650, 2, 0x7650));
    assertTrue(Folio.contains(0x7650, 2, 0x7653));
    assertFalse(Folio.contains(0x7650, 2, 0x7654));
    assertFalse(Folio.contains(0x7650, 2, 0x764f), "below the folio wraps to a huge difference");
    assertFalse(Folio.contains(0x7652, 0, 0x7653), "the 6.18.7 report: folio 0x7652, index 0x7653");
    assertTrue(Folio.contains(1024, 9, 1535));
    assertFalse(Folio.contains(1024, 8, 1499));
    assertTrue(Folio.contains(-2L, 1, -1L), "indices near ULONG_MAX");
    assertFalse(Folio.contains(0, 0, -1L));
  }

  private static Folio folio(Machine m, AddressSpace as, long pfn, long index, int order,
      long extraRefs) {
    Folio f = Folio.create(m, pfn, index, order, (1L << order) + extraRefs);
    f.initFlags(PageFlags.PG_uptodate, PageFlags.PG_lru);
    as.addAtSetUp(f);
    return f;
  }

  @Test
  void dumpLooksLikeDumpPage() {
    Machine m = new Machine();
    Folio[] f = new Folio[1];
    m.start(mach -> {
      AddressSpace as = AddressSpace.builder(mach).iSize(0x8000L * Folio.PAGE_SIZE).build();
      f[0] = folio(mach, as, 0x1000, 0x7650, 2, 1);
      f[0].initFlags(PageFlags.PG_locked, PageFlags.PG_referenced, PageFlags.PG_active);
      mach.addCpu(new StepRun.Driver(new LibXarray.XasReload()));
    });
    String dump = f[0].dump("VM_BUG_ON_FOLIO(!folio_contains(folio, index))");
    String[] lines = dump.split("\n");
    assertEquals("page: refcount:5 mapcount:0 mapping:mapping index:0x7650 pfn:0x1000", lines[0]);
    assertEquals("head: order:2 mapcount:0 entire_mapcount:0 nr_pages_mapped:0 pincount:0",
        lines[1]);
    assertEquals("aops:xfs_address_space_operations ino:5000126", lines[2]);
    assertEquals("flags: 0x16d(locked|referenced|uptodate|lru|active|head)", lines[3]);
    assertEquals("page dumped because: VM_BUG_ON_FOLIO(!folio_contains(folio, index))", lines[4]);
    Subject s = f[0].subject("because", 0x7653);
    assertEquals(0x7650L, s.fields().get("index"));
    assertEquals(2, s.fields().get("order"));
    assertEquals(5L, s.fields().get("refcount"));
    assertEquals("locked|referenced|uptodate|lru|active|head", s.fields().get("flags"));
    assertEquals(0x7653L, s.fields().get("lookupIndex"));
    assertEquals("folio", s.kind());
  }

  @Test
  void flagNamesFollowTheKernelTable() {
    // The 6.18.7 report's low bits: 0x1ad.
    assertEquals("locked|waiters|referenced|uptodate|lru|active", PageFlags.describe(0x1ad));
    assertEquals(PageFlags.PG_swapcache, PageFlags.bit("swapcache"));
    assertEquals(PageFlags.PG_head, PageFlags.bit("large"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PageFlags.bit("bogus"));
    assertTrue(e.getMessage().contains("'bogus'") && e.getMessage().contains("uptodate"));
  }

  @Test
  void pagesOfAFolio() {
    Machine m = new Machine();
    Folio[] f = new Folio[1];
    m.start(mach -> {
      f[0] = Folio.create(mach, 0x2000, 1024, 9, 1);
      mach.addCpu(new StepRun.Driver(new LibXarray.XasReload()));
    });
    Folio h = f[0];
    assertEquals(0x2000 + 475, h.filePage(1499).pfn());
    assertEquals(0x2000 + 3, h.page(3).pfn());
    assertSame(h, h.filePage(1499).folio(), "a tail page's folio is the head");
    assertThrows(IllegalArgumentException.class, () -> h.page(512));
    assertThrows(IllegalArgumentException.class, () -> Folio.create(m, 0, 1025, 9, 1));
  }
}
