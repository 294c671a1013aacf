package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.ChoiceOracle;
import io.foliolab.sim.Machine;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code migrate_pages_batch} on one isolated large folio, run alone: it splits the folio to the
 * mapping's minimum order only when the destination allocation fails, and puts the folio back.
 */
class MigrateTest {
  private static final class File {
    AddressSpace mapping;
    Folio folio;
  }

  /** An isolated (PG_lru clear, +1 reference) dirty order-{@code order} folio at 0. */
  private static File file(Machine m, int order, int minOrder) {
    File f = new File();
    f.mapping = AddressSpace.builder(m).xaConfig(XaConfig.DEFAULT.withChunkShift(4))
        .folioOrders(minOrder, AddressSpace.MAX_PAGECACHE_ORDER)
        .iSize(0x40L << Folio.PAGE_SHIFT).build();
    f.mapping.iPages().setLockdep(false);
    f.folio = Folio.create(m, 0x400, 0, order, (1L << order) + 1)
        .initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty);
    f.mapping.addAtSetUp(f.folio);
    return f;
  }

  private static Object at(AddressSpace as, long index) {
    as.iPages().setObserver(null); // the run is over: read without reporting to the machine
    return new XaState(as.iPages(), index).load();
  }

  private static List<io.foliolab.sim.Routine<?>> migrate(File f) {
    return List.of(new Migrate.MigratePagesBatch(HugeMemory.SplitVersion.COMMIT_577A1F495FD7)
        .on(f.folio));
  }

  @Test
  void withADestinationTheFolioIsNotSplitAndGoesBack() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(ChoiceOracle.ORDINARY, m -> {
      f[0] = file(m, 4, 2);
      return migrate(f[0]);
    }).ok();
    assertEquals(ErrPtr.EAGAIN, r.result(0));
    assertEquals(4, f[0].folio.peekOrder());
    assertSame(f[0].folio, at(f[0].mapping, 15));
    assertTrue(f[0].folio.peekFlag(PageFlags.PG_lru), "folio_putback_lru");
    assertEquals(16, f[0].folio.peekRefcount(), "the isolation reference is dropped");
  }

  @Test
  void enomemSplitsToTheMinimumOrder() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(SeqRun.PRESSURE, m -> {
      f[0] = file(m, 5, 2);
      return migrate(f[0]);
    }).ok();
    assertEquals(0, r.result(0));
    Folio head = f[0].folio;
    assertEquals(2, head.peekOrder());
    for (long i = 0; i < 32; i++) {
      Folio piece = (Folio) at(f[0].mapping, i);
      assertEquals(i & ~3L, piece.peekIndex(), "index " + i);
      assertEquals(2, piece.peekOrder());
      assertTrue(piece.peekFlag(PageFlags.PG_dirty), "the split copies PG_dirty");
      assertFalse(piece.peekFlag(PageFlags.PG_locked), piece + " unlocked");
      assertEquals(4, piece.peekRefcount(), piece + " holds the cache's references only");
    }
    assertTrue(head.peekFlag(PageFlags.PG_lru), "the head piece is put back");
    assertEquals(Optional.empty(), f[0].mapping.iPages().validate());
    assertEquals(null, PageCacheCheck.reachableSlots(f[0].mapping));
  }

  @Test
  void aSmallFolioIsNotSplit() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(SeqRun.PRESSURE, m -> {
      f[0] = file(m, 0, 0);
      return migrate(f[0]);
    }).ok();
    assertEquals(ErrPtr.EAGAIN, r.result(0));
    assertEquals(1, f[0].folio.peekRefcount());
  }
}
