package io.foliolab.mm;

import static io.foliolab.mm.PageWriteback.PAGECACHE_TAG_DIRTY;
import static io.foliolab.mm.PageWriteback.PAGECACHE_TAG_TOWRITE;
import static io.foliolab.mm.PageWriteback.PAGECACHE_TAG_WRITEBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.Machine;
import io.foliolab.sim.Outcome;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaNode;
import io.foliolab.xarray.XaState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dirty tagging and the writeback walk run alone (no interference), against the XArray's marks:
 * which slots carry which tag, which folios get written.
 */
class PageWritebackTest {
  /** Three folios: order 2 at 0 and at 4, order 0 at 8 (16-slot nodes). */
  private static final class File {
    AddressSpace mapping;
    Folio a;
    Folio b;
    Folio c;
  }

  private static File file(Machine m, boolean dirtyA, boolean dirtyC) {
    File f = new File();
    f.mapping = AddressSpace.builder(m).xaConfig(XaConfig.DEFAULT.withChunkShift(4))
        .iSize(0x10L << Folio.PAGE_SHIFT).build();
    f.mapping.iPages().setLockdep(false);
    f.a = folio(m, f.mapping, 0x100, 0, 2, dirtyA);
    f.b = folio(m, f.mapping, 0x200, 4, 2, false);
    f.c = folio(m, f.mapping, 0x300, 8, 0, dirtyC);
    return f;
  }

  private static Folio folio(Machine m, AddressSpace as, long pfn, long index, int order,
      boolean dirty) {
    Folio f = Folio.create(m, pfn, index, order, 1L << order).initFlags(PageFlags.PG_uptodate,
        PageFlags.PG_lru);
    as.addAtSetUp(f);
    if (dirty) {
      f.initFlags(PageFlags.PG_dirty);
      as.iPages().setMark(index, PAGECACHE_TAG_DIRTY);
    }
    return f;
  }

  private static boolean marked(AddressSpace as, long index, int mark) {
    as.iPages().setObserver(null); // the run is over: read without reporting to the machine
    return as.iPages().getMark(index, mark);
  }

  /** The raw mark bit of the slot {@code index} uses in its node. */
  private static boolean slotMarked(AddressSpace as, long index, int mark) {
    as.iPages().setObserver(null); // the run is over: read without reporting to the machine
    XaState xas = new XaState(as.iPages(), index);
    xas.load();
    XaNode n = xas.node();
    return n.peekMark(mark, (int) (index >>> n.peekShift()) & (n.chunkSize() - 1));
  }

  @Test
  void folioMarkDirtyTagsOnlyTheCanonicalSlot() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, false, false);
      return List.of(new PageWriteback.FolioMarkDirty().on(f[0].b),
          new PageWriteback.FolioMarkDirty().on(f[0].b));
    }).ok();
    assertEquals(true, r.result(0));
    assertEquals(false, r.result(1), "already dirty");
    assertTrue(f[0].b.peekFlag(PageFlags.PG_dirty));
    assertTrue(slotMarked(f[0].mapping, 4, PAGECACHE_TAG_DIRTY));
    for (long i = 5; i < 8; i++) {
      assertFalse(slotMarked(f[0].mapping, i, PAGECACHE_TAG_DIRTY), "sibling slot " + i);
      assertTrue(marked(f[0].mapping, i, PAGECACHE_TAG_DIRTY), "xa_get_mark follows siblings");
    }
    assertFalse(marked(f[0].mapping, 0, PAGECACHE_TAG_DIRTY));
    assertTrue(f[0].mapping.iPages().marked(PAGECACHE_TAG_DIRTY));
  }

  @Test
  void folioMarkDirtyWithoutAMappingSetsNoTag() {
    Folio[] f = new Folio[1];
    AddressSpace[] as = new AddressSpace[1];
    SeqRun.Result r = SeqRun.run(m -> {
      as[0] = AddressSpace.builder(m).build();
      f[0] = Folio.create(m, 0x100, 0, 0, 1);
      return List.of(new PageWriteback.FolioMarkDirty().on(f[0]));
    }).ok();
    assertEquals(true, r.result(0));
    assertTrue(f[0].peekFlag(PageFlags.PG_dirty));
    as[0].iPages().setObserver(null);
    assertFalse(as[0].iPages().marked(PAGECACHE_TAG_DIRTY));
  }

  @Test
  void tagPagesForWritebackCopiesDirtyToTowriteInTheRange() {
    File[] f = new File[2];
    SeqRun.run(m -> {
      f[0] = file(m, true, true);
      return List.of(new PageWriteback.TagPagesForWriteback().on(f[0].mapping, 0, -1L));
    }).ok();
    assertTrue(marked(f[0].mapping, 0, PAGECACHE_TAG_TOWRITE));
    assertFalse(marked(f[0].mapping, 4, PAGECACHE_TAG_TOWRITE));
    assertTrue(marked(f[0].mapping, 8, PAGECACHE_TAG_TOWRITE));
    SeqRun.run(m -> {
      f[1] = file(m, true, true);
      return List.of(new PageWriteback.TagPagesForWriteback().on(f[1].mapping, 4, 8));
    }).ok();
    assertFalse(marked(f[1].mapping, 0, PAGECACHE_TAG_TOWRITE), "outside the range");
    assertTrue(marked(f[1].mapping, 8, PAGECACHE_TAG_TOWRITE));
  }

  @ParameterizedTest
  @EnumSource(PageWriteback.SyncMode.class)
  void writeCachePagesWritesTheDirtyFolios(PageWriteback.SyncMode mode) {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, true, true);
      return List.of(new PageWriteback.WriteCachePages(LibXarray.FindMarked.V6_18)
          .on(f[0].mapping, 0, -1L, mode));
    }).ok();
    assertEquals(2, r.result(0));
    AddressSpace as = f[0].mapping;
    for (Folio w : List.of(f[0].a, f[0].c)) {
      long i = w.peekIndex();
      assertFalse(w.peekFlag(PageFlags.PG_dirty), w + " cleaned for I/O");
      assertTrue(w.peekFlag(PageFlags.PG_writeback), w + " under writeback");
      assertFalse(w.peekFlag(PageFlags.PG_locked), w + " unlocked");
      assertEquals(w.peekNrPages(), w.peekRefcount(), w + ": the batch's reference is dropped");
      assertTrue(marked(as, i, PAGECACHE_TAG_WRITEBACK));
      assertFalse(marked(as, i, PAGECACHE_TAG_DIRTY));
      assertFalse(marked(as, i, PAGECACHE_TAG_TOWRITE));
    }
    assertFalse(f[0].b.peekFlag(PageFlags.PG_writeback));
    assertFalse(marked(as, 4, PAGECACHE_TAG_WRITEBACK));
    assertFalse(as.iPages().marked(PAGECACHE_TAG_DIRTY));
  }

  @Test
  void aFolioCleanedBehindTheTagIsSkipped() {
    File[] f = new File[1];
    SeqRun.Result r = SeqRun.run(m -> {
      f[0] = file(m, true, true);
      // Tagged but no longer dirty: someone wrote it between tagging and the walk.
      f[0].a.flags.init(PageFlags.PG_dirty, false);
      return List.of(new PageWriteback.WriteCachePages(LibXarray.FindMarked.V6_18)
          .on(f[0].mapping, 0, -1L, PageWriteback.SyncMode.WB_SYNC_NONE));
    }).ok();
    assertEquals(1, r.result(0));
    assertFalse(f[0].a.peekFlag(PageFlags.PG_writeback));
    assertFalse(f[0].a.peekFlag(PageFlags.PG_locked));
    assertEquals(4, f[0].a.peekRefcount());
    assertTrue(f[0].c.peekFlag(PageFlags.PG_writeback));
  }

  /**
   * A dirty order-4 folio split to order 2 (compaction under pressure), then the writeback walk,
   * one after the other: with c010d47f107f's marks the walk meets a marked sibling slot and
   * dereferences it (the 2024 xas_find_marked returns it); with 2a0774c2886d it writes the four
   * pieces.
   */
  @ParameterizedTest
  @EnumSource(XaConfig.SplitMarks.class)
  void writebackAfterASplitOfADirtyFolio(XaConfig.SplitMarks marks) {
    AddressSpace[] as = new AddressSpace[1];
    SeqRun.Result r = SeqRun.run(SeqRun.PRESSURE, m -> {
      as[0] = AddressSpace.builder(m)
          .xaConfig(XaConfig.DEFAULT.withChunkShift(4).withSplitMarks(marks))
          .folioOrders(2, AddressSpace.MAX_PAGECACHE_ORDER)
          .iSize(0x10L << Folio.PAGE_SHIFT).build();
      as[0].iPages().setLockdep(false);
      Folio d = Folio.create(m, 0x100, 0, 4, 16 + 1).initFlags(PageFlags.PG_uptodate,
          PageFlags.PG_dirty);
      as[0].addAtSetUp(d);
      as[0].iPages().setMark(0, PAGECACHE_TAG_DIRTY);
      return List.of(new Migrate.MigratePagesBatch(HugeMemory.SplitVersion.COMMIT_577A1F495FD7)
              .on(d),
          new PageWriteback.WriteCachePages(LibXarray.FindMarked.NO_SIBLING_CHECK)
              .on(as[0], 0, -1L, PageWriteback.SyncMode.WB_SYNC_NONE));
    });
    XArray xa = as[0].iPages();
    xa.setObserver(null);
    if (marks == XaConfig.SplitMarks.C010D47F107F) {
      assertEquals(Outcome.OOPS, r.outcome(), r.message());
      assertEquals("find_get_entry:folio_try_get", r.label());
      assertTrue(r.message().contains("0000000000000036"), r.message());
      assertTrue(r.message().contains("sibling(0)"), r.message());
    } else {
      r.ok();
      assertEquals(0, r.result(0), "the split succeeded");
      assertEquals(4, r.result(1), "four order-2 pieces written");
      for (long i = 0; i < 16; i += 4) {
        assertTrue(xa.getMark(i, PAGECACHE_TAG_WRITEBACK), "piece at " + i);
        assertFalse(xa.getMark(i, PAGECACHE_TAG_DIRTY), "piece at " + i);
      }
    }
  }
}
