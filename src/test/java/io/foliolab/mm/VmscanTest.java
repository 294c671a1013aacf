package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.Machine;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reclaim run alone: {@code __remove_mapping}'s freeze protocol and the shadow it leaves
 * ({@code __filemap_remove_folio} / {@code page_cache_delete}), and the one-folio
 * {@code shrink_inactive_list}.
 */
class VmscanTest {
  /** An order-4 folio at 0x60 next to an order-4 folio at 0x40, in a 64-slot tree. */
  private static final class File {
    AddressSpace mapping;
    Folio folio;
    Folio neighbour;
  }

  private static File file(Machine m, long extraRefs, int... flags) {
    File f = new File();
    f.mapping = AddressSpace.builder(m).xaConfig(XaConfig.DEFAULT)
        .iSize(0x80L << Folio.PAGE_SHIFT).build();
    f.mapping.iPages().setLockdep(false);
    f.neighbour = Folio.create(m, 0x7000, 0x40, 4, 16).initFlags(PageFlags.PG_uptodate);
    f.mapping.addAtSetUp(f.neighbour);
    f.folio = Folio.create(m, 0x8000, 0x60, 4, 16 + extraRefs).initFlags(flags);
    f.mapping.addAtSetUp(f.folio);
    f.mapping.iPages().setMark(0x60, PageWriteback.PAGECACHE_TAG_TOWRITE);
    return f;
  }

  private static Object at(AddressSpace as, long index) {
    as.iPages().setObserver(null); // the run is over: read without reporting to the machine
    return new XaState(as.iPages(), index).load();
  }

  @Test
  void removeMappingFreezesAndLeavesTheShadow() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 1, PageFlags.PG_locked, PageFlags.PG_uptodate);
      return List.of(new Vmscan.RemoveMapping().on(f[0].mapping, f[0].folio, 5));
    }).ok();
    assertEquals(1, r.result(0));
    Folio folio = f[0].folio;
    assertEquals(0, folio.peekRefcount(), "frozen: the caller frees it");
    assertNull(folio.peekMapping());
    assertEquals(0x60, folio.peekIndex(), "page_cache_delete leaves the index");
    for (long i = 0x60; i < 0x70; i++) {
      Object e = at(f[0].mapping, i);
      assertTrue(XaEntry.isValue(e), "index 0x" + Long.toHexString(i) + " holds " + e);
      assertEquals(5, Workingset.shadowEviction(e));
    }
    assertSame(f[0].neighbour, at(f[0].mapping, 0x40));
    assertFalse(f[0].mapping.iPages().getMark(0x60, PageWriteback.PAGECACHE_TAG_TOWRITE),
        "xas_init_marks");
    assertEquals(16, f[0].mapping.peekNrpages());
    assertEquals(Optional.empty(), f[0].mapping.iPages().validate());
  }

  @Test
  void removeMappingGivesUpWhileAnotherReferenceIsHeld() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 2, PageFlags.PG_locked);
      return List.of(new Vmscan.RemoveMapping().on(f[0].mapping, f[0].folio, 5));
    }).ok();
    assertEquals(0, r.result(0));
    assertEquals(18, f[0].folio.peekRefcount());
    assertSame(f[0].folio, at(f[0].mapping, 0x6f));
    assertSame(f[0].mapping, f[0].folio.peekMapping());
    assertEquals(32, f[0].mapping.peekNrpages());
  }

  @Test
  void removeMappingUnfreezesADirtyFolio() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 1, PageFlags.PG_locked, PageFlags.PG_dirty);
      return List.of(new Vmscan.RemoveMapping().on(f[0].mapping, f[0].folio, 5));
    }).ok();
    assertEquals(0, r.result(0));
    assertEquals(17, f[0].folio.peekRefcount(), "folio_ref_unfreeze(folio, 1 + nr)");
    assertSame(f[0].folio, at(f[0].mapping, 0x60));
  }

  @Test
  void shrinkReclaimsAnIdleCleanFolio() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 0, PageFlags.PG_uptodate, PageFlags.PG_lru);
      return List.of(new Vmscan.ShrinkInactiveList().on(f[0].folio, 3));
    }).ok();
    assertEquals(1, r.result(0));
    assertEquals(3, Workingset.shadowEviction(at(f[0].mapping, 0x65)));
    assertFalse(f[0].folio.peekFlag(PageFlags.PG_locked));
    assertFalse(f[0].folio.peekFlag(PageFlags.PG_lru));
    assertEquals(0, f[0].folio.peekRefcount());
  }

  @Test
  void shrinkFindsNothingOffTheLruAndPutsBackWhatItCannotFree() {
    File[] f = new File[2];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 0, PageFlags.PG_uptodate);
      return List.of(new Vmscan.ShrinkInactiveList().on(f[0].folio, 3));
    }).ok();
    assertEquals(0, r.result(0));
    assertEquals(16, f[0].folio.peekRefcount());
    r = SeqRun.run(m -> {
      f[1] = file(m, 0, PageFlags.PG_uptodate, PageFlags.PG_lru, PageFlags.PG_locked);
      return List.of(new Vmscan.ShrinkInactiveList().on(f[1].folio, 3));
    }).ok();
    assertEquals(0, r.result(0), "a locked folio is kept");
    assertTrue(f[1].folio.peekFlag(PageFlags.PG_lru), "put back on the LRU");
    assertEquals(16, f[1].folio.peekRefcount(), "the isolation reference is dropped");
    assertSame(f[1].folio, at(f[1].mapping, 0x60));
  }

  @Test
  void kswapdRunsOnlyUnderPressure() {
    File[] f = new File[2];
    SeqRun.Result idle = SeqRun.run(ChoiceOracle.ORDINARY, m -> {
      f[0] = file(m, 0, PageFlags.PG_uptodate, PageFlags.PG_lru);
      return List.of(new Vmscan.Kswapd().on(f[0].folio, 3));
    }).ok();
    assertEquals(0, idle.result(0));
    assertSame(f[0].folio, at(f[0].mapping, 0x60));
    SeqRun.Result awake = SeqRun.run(SeqRun.PRESSURE, m -> {
      f[1] = file(m, 0, PageFlags.PG_uptodate, PageFlags.PG_lru);
      return List.of(new Vmscan.Kswapd().on(f[1].folio, 3));
    }).ok();
    assertEquals(1, awake.result(0));
    assertTrue(XaEntry.isValue(at(f[1].mapping, 0x60)));
  }
}
