package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Machine;
import io.foliolab.sim.Outcome;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaErrno;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaState;
import io.foliolab.xarray.XaValue;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code __filemap_add_folio} in both versions, run alone (no interference): what ends up in the
 * page cache and in the folio for an empty range, a shadow of the same order, a larger shadow
 * (split), and an existing folio (-EEXIST).
 */
class FilemapAddFolioTest {
  private static final XaValue SHADOW = Workingset.packShadow(7);

  /** A mapping and a new, locked folio with the allocator's reference. */
  private static final class File {
    AddressSpace mapping;
    Folio folio;
  }

  private static File file(Machine m, int chunkShift, long index, int order) {
    File f = new File();
    f.mapping = AddressSpace.builder(m).xaConfig(XaConfig.DEFAULT.withChunkShift(chunkShift))
        .iSize(0x1000L << Folio.PAGE_SHIFT).build();
    f.mapping.iPages().setLockdep(false);
    f.folio = Folio.create(m, 0x5000, index, order, 1).initFlags(PageFlags.PG_locked);
    return f;
  }

  private static Object at(AddressSpace as, long index) {
    as.iPages().setObserver(null); // the run is over: read without reporting to the machine
    return new XaState(as.iPages(), index).load();
  }

  private static Add add(File f, Filemap.AddFolioVersion v, long index) {
    return new Add(new Filemap.FilemapAddFolio(v), f, index);
  }

  /** A routine and what it was bound to. */
  private record Add(Filemap.FilemapAddFolio r, File f, long index) {
    Filemap.FilemapAddFolio bound() {
      return r.on(f.mapping, f.folio, index, XaGfp.GFP_KERNEL);
    }
  }

  @ParameterizedTest
  @EnumSource(Filemap.AddFolioVersion.class)
  void addsIntoAnEmptyRange(Filemap.AddFolioVersion v) {
    File[] f = new File[1];
    Add[] a = new Add[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 6, 0x10, 2);
      a[0] = add(f[0], v, 0x10);
      return List.of(a[0].bound());
    }).ok();
    assertEquals(0, r.result(0));
    AddressSpace as = f[0].mapping;
    for (long i = 0x10; i < 0x14; i++) {
      assertSame(f[0].folio, at(as, i), "index 0x" + Long.toHexString(i));
    }
    assertNull(at(as, 0x14));
    assertNull(at(as, 0xf));
    assertEquals(1 + 4, f[0].folio.peekRefcount(), "the allocator's reference + 4 for the cache");
    assertSame(as, f[0].folio.peekMapping());
    assertEquals(0x10, f[0].folio.peekIndex());
    assertEquals(4, as.peekNrpages());
    assertNull(a[0].r().shadow());
    assertEquals(Optional.empty(), as.iPages().validate());
  }

  @ParameterizedTest
  @EnumSource(Filemap.AddFolioVersion.class)
  void replacesAShadowOfTheSameOrderAndHandsItBack(Filemap.AddFolioVersion v) {
    File[] f = new File[1];
    Add[] a = new Add[1];
    SeqRun.run(m -> {
      f[0] = file(m, 6, 0x40, 6);
      f[0].mapping.addShadowAtSetUp(0x40, 6, SHADOW);
      a[0] = add(f[0], v, 0x40);
      return List.of(a[0].bound());
    }).ok();
    assertEquals(SHADOW, a[0].r().shadow());
    for (long i = 0x40; i < 0x80; i++) {
      assertSame(f[0].folio, at(f[0].mapping, i));
    }
    assertEquals(64, f[0].mapping.peekNrpages());
    assertEquals(Optional.empty(), f[0].mapping.iPages().validate());
  }

  /**
   * A smaller folio inside a larger shadow: the shadow is split (one new node: order 6 -> 4 with
   * 64-slot nodes, order 4 -> 2 with 16-slot nodes), the folio takes its part of the range and
   * every other index still reads the shadow.
   */
  @ParameterizedTest
  @EnumSource(Filemap.AddFolioVersion.class)
  void splitsALargerShadowAroundTheNewFolio(Filemap.AddFolioVersion v) {
    for (int[] c : new int[][] {{6, 0x40, 6, 0x60, 4}, {4, 0x10, 4, 0x18, 2},
        {6, 0x200, 9, 0x240, 6}, {6, 0x40, 6, 0x44, 2}}) {
      int cs = c[0];
      long index = c[1];
      int order = c[2];
      long newIndex = c[3];
      int newOrder = c[4];
      File[] f = new File[1];
      Add[] a = new Add[1];
      SeqRun.run(m -> {
        f[0] = file(m, cs, newIndex, newOrder);
        f[0].mapping.addShadowAtSetUp(index, order, SHADOW);
        a[0] = add(f[0], v, newIndex);
        return List.of(a[0].bound());
      }).ok();
      String what = "chunk shift " + cs + ", order " + order + " -> " + newOrder;
      assertEquals(SHADOW, a[0].r().shadow(), what);
      for (long i = index; i < index + (1L << order); i++) {
        Object want = i >= newIndex && i < newIndex + (1L << newOrder) ? f[0].folio : SHADOW;
        assertTrue(XaEntry.same(want, at(f[0].mapping, i)),
            what + ": index 0x" + Long.toHexString(i) + " holds " + at(f[0].mapping, i));
      }
      assertEquals(1L << newOrder, f[0].mapping.peekNrpages(), what);
      assertEquals(Optional.empty(), f[0].mapping.iPages().validate(), what);
      assertNull(PageCacheCheck.reachableSlots(f[0].mapping), what);
    }
  }

  @ParameterizedTest
  @EnumSource(Filemap.AddFolioVersion.class)
  void refusesARangeHoldingAFolio(Filemap.AddFolioVersion v) {
    File[] f = new File[1];
    Folio[] old = new Folio[1];
    Add[] a = new Add[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 6, 0x60, 4);
      old[0] = Folio.create(m, 0x9000, 0x40, 6, 64);
      f[0].mapping.addAtSetUp(old[0]);
      a[0] = add(f[0], v, 0x60);
      return List.of(a[0].bound());
    }).ok();
    assertEquals(-XaErrno.EEXIST, r.result(0));
    assertEquals(1, f[0].folio.peekRefcount(), "the cache's references are given back");
    assertNull(f[0].folio.peekMapping());
    for (long i = 0x40; i < 0x80; i++) {
      assertSame(old[0], at(f[0].mapping, i));
    }
    assertEquals(64, f[0].mapping.peekNrpages(), "only the folio added at set-up");
    assertEquals(Optional.empty(), f[0].mapping.iPages().validate());
  }

  @ParameterizedTest
  @EnumSource(Filemap.AddFolioVersion.class)
  void filemapAddFolioPutsTheFolioOnTheLruOrUnlocksItOnError(Filemap.AddFolioVersion v) {
    File[] f = new File[2];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, 6, 0x40, 6);
      f[1] = new File();
      f[1].mapping = f[0].mapping;
      f[1].folio = Folio.create(m, 0x6000, 0x50, 4, 1).initFlags(PageFlags.PG_locked);
      return List.of(
          new Filemap.FilemapAddFolioLru(v).on(f[0].mapping, f[0].folio, 0x40, XaGfp.GFP_KERNEL),
          new Filemap.FilemapAddFolioLru(v).on(f[1].mapping, f[1].folio, 0x50, XaGfp.GFP_KERNEL));
    }).ok();
    assertEquals(0, r.result(0));
    assertTrue(f[0].folio.peekFlag(PageFlags.PG_lru));
    assertTrue(f[0].folio.peekFlag(PageFlags.PG_locked), "still locked for the read");
    assertEquals(-XaErrno.EEXIST, r.result(1));
    assertFalse(f[1].folio.peekFlag(PageFlags.PG_locked), "__folio_clear_locked on error");
    assertFalse(f[1].folio.peekFlag(PageFlags.PG_lru));
  }

  /** The v6.9 form walks the tree without the lock before locking; 6758c1128ceb does not. */
  @ParameterizedTest
  @EnumSource(Filemap.AddFolioVersion.class)
  void onlyTheOldFormReadsUnderRcu(Filemap.AddFolioVersion v) {
    java.util.List<String> labels = new java.util.ArrayList<>();
    Machine m = new Machine();
    m.setTracing(true);
    m.start(mach -> {
      File f = file(mach, 6, 0x60, 4);
      f.mapping.addShadowAtSetUp(0x40, 6, SHADOW);
      mach.addCpu(new SeqRun.Sequence(List.of(add(f, v, 0x60).bound())));
    });
    while (!m.over()) {
      m.step(0);
    }
    assertEquals(Outcome.OK, m.outcome());
    m.trace().forEach(t -> labels.add(t.label()));
    boolean rcu = labels.stream().anyMatch(l -> l.startsWith("xa_get_order:")
        || l.startsWith("xa_load:"));
    assertEquals(v == Filemap.AddFolioVersion.V6_9, rcu, labels.toString());
  }
}
