package io.foliolab.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.explore.Explorer;
import io.foliolab.explore.Options;
import io.foliolab.explore.Strategy;
import io.foliolab.explore.Summary;
import io.foliolab.sim.Machine;
import io.foliolab.sim.Outcome;
import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaConfig;
import io.foliolab.xarray.XaEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mm/filemap.c lookups run alone on a machine with the XArray bound. */
class FilemapTest {
  /** A file: order-2 folio at 4 (dirty), small folio at 9, shadow at 12, order-3 folio at 16. */
  private static final class File {
    AddressSpace mapping;
    Folio big;
    Folio small;
    Folio eight;
  }

  private static File file(Machine m) {
    File f = new File();
    f.mapping = AddressSpace.builder(m).xaConfig(XaConfig.DEFAULT.withChunkShift(4))
        .iSize(64 * Folio.PAGE_SIZE).build();
    f.big = Folio.create(m, 0x100, 4, 2, 4);
    f.big.initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty);
    f.mapping.addAtSetUp(f.big);
    f.mapping.iPages().setMark(4, XArray.XA_MARK_0);
    f.small = Folio.create(m, 0x200, 9, 0, 1);
    f.small.initFlags(PageFlags.PG_uptodate);
    f.mapping.addAtSetUp(f.small);
    f.mapping.addShadowAtSetUp(12, 0, Workingset.packShadow(7));
    f.eight = Folio.create(m, 0x300, 16, 3, 8);
    f.eight.initFlags(PageFlags.PG_uptodate, PageFlags.PG_dirty);
    f.mapping.addAtSetUp(f.eight);
    f.mapping.iPages().setMark(16, XArray.XA_MARK_0);
    return f;
  }

  @Test
  void filemapGetEntryReturnsAReferencedFolioOrAShadow() {
    File[] f = new File[1];
    Object r = StepRun.run(m -> {
      f[0] = file(m);
      return new Filemap.FilemapGetEntry().on(f[0].mapping, 6);
    });
    assertSame(f[0].big, r);
    assertEquals(5, f[0].big.peekRefcount(), "one reference taken");
    Object shadow = StepRun.run(m -> {
      f[0] = file(m);
      return new Filemap.FilemapGetEntry().on(f[0].mapping, 12);
    });
    assertEquals(7, Workingset.shadowEviction(shadow));
    assertEquals(null, StepRun.run(m -> new Filemap.FilemapGetEntry().on(file(m).mapping, 30)));
  }

  @Test
  void filemapGetFolioLocksAndChecks() {
    File[] f = new File[1];
    Object r = StepRun.run(m -> {
      f[0] = file(m);
      return new Filemap.FilemapGetFolio(Filemap.Version.V6_18).on(f[0].mapping, 18,
          Filemap.FGP_LOCK);
    });
    assertSame(f[0].eight, r);
    assertTrue(f[0].eight.peekFlag(PageFlags.PG_locked));
    Object none = StepRun.run(m -> new Filemap.FilemapGetFolio(Filemap.Version.V6_18)
        .on(file(m).mapping, 12, 0));
    assertEquals(new ErrPtr(ErrPtr.ENOENT), none, "a shadow entry is no folio");
  }

  @Test
  void findLockEntriesTakesWholeFoliosAndShadows() {
    File[] f = new File[1];
    Filemap.FindLockEntries[] fle = new Filemap.FindLockEntries[1];
    Object n = StepRun.run(m -> {
      f[0] = file(m);
      fle[0] = new Filemap.FindLockEntries(Filemap.Version.V6_18).on(f[0].mapping, 5, 20);
      return fle[0];
    });
    // The folio at 4 starts before 5 and the one at 16 ends after 20: both skipped.
    assertEquals(2, n);
    List<Object> e = fle[0].batch().entries();
    assertSame(f[0].small, e.get(0));
    assertTrue(XaEntry.isValue(e.get(1)));
    assertEquals(List.of(9L, 12L), fle[0].batch().indices());
    assertEquals(13, fle[0].start());
    assertTrue(f[0].small.peekFlag(PageFlags.PG_locked));
    assertEquals(1, f[0].big.peekRefcount() - 3, "the skipped folio's reference was put");
  }

  @Test
  void filemapGetFoliosTagFindsTheDirtyFolios() {
    File[] f = new File[1];
    Filemap.FilemapGetFoliosTag[] tag = new Filemap.FilemapGetFoliosTag[1];
    Object n = StepRun.run(m -> {
      f[0] = file(m);
      // The machine's XaBinding cannot take xas_find_chunk's load of a whole mark word (it
      // reports one load per bit, i.e. 64 actions in one step), so this lookup runs with the
      // XArray unbound: it checks the results, not the interleavings.
      f[0].mapping.iPages().setObserver(null);
      tag[0] = new Filemap.FilemapGetFoliosTag(LibXarray.FindMarked.V6_18)
          .on(f[0].mapping, 0, 63, XArray.XA_MARK_0);
      return tag[0];
    });
    assertEquals(2, n);
    assertEquals(List.of(f[0].big, f[0].eight), tag[0].batch().entries());
    assertEquals(64, tag[0].start());
  }

  @Test
  void aFaultAloneMapsTheRightFolio() {
    File[] f = new File[1];
    Object r = StepRun.run(m -> {
      f[0] = file(m);
      return new Memory.ReadFault(Filemap.Version.V6_18).on(f[0].mapping, 19);
    });
    assertEquals(Filemap.VM_FAULT_LOCKED, r);
    assertEquals(8, f[0].eight.peekRefcount(), "the fault's reference was dropped again");
    assertEquals(Filemap.VM_FAULT_SIGBUS,
        StepRun.run(m -> new Memory.ReadFault(Filemap.Version.V6_18).on(file(m).mapping, 64)));
  }

  @Test
  void twoFaultsOnOneFolioNeverFail() {
    Summary s = Explorer.explore(m -> {
      File f = file(m);
      m.addCpu(new Memory.ReadFault(Filemap.Version.V6_18).on(f.mapping, 17));
      m.addCpu(new Memory.ReadFault(Filemap.Version.V6_18).on(f.mapping, 22));
      m.addExitCheck(PageCacheCheck.atExit(f.mapping, 0, 63));
    }, Strategy.parse("dpor"), Options.defaults(), e -> { });
    assertTrue(s.complete());
    assertEquals(s.executions(), s.count(Outcome.OK), s.toString());
    assertTrue(s.executions() > 1, "the faults race on the refcount and the lock: " + s);
  }
}
