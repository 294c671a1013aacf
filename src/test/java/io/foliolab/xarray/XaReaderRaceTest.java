package io.foliolab.xarray;

import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * RCU readers interleaved with writers at chosen loads, reproducing the races behind
 * 63b1898fffcd and cbc02854331e, and the 2026 question of what {@code xas_reload} re-reads
 * (kernel-notes/xarray.md 4.2, 4.4, 8.3).
 */
class XaReaderRaceTest {
  private static final XaGfp K = XaGfp.GFP_KERNEL;

  /** Runs {@code writer} just before the reader performs the given load (once). */
  private static void before(XArray xa, Object owner, XaField field, int index, Runnable writer) {
    xa.setObserver(new XaObserver() {
      @Override
      public void load(Object o, XaField f, int i) {
        if (o == owner && f == field && i == index) {
          xa.setObserver(null);
          writer.run();
        }
      }

      @Override
      public void store(XaStore store) {}
    });
  }

  private static XArray fileWithF(XaConfig config, Item f) {
    XArray xa = new XArray("xa", config);
    xa.storeOrder(1024, 9, f, K);
    return xa;
  }

  /** The page cache's uniform split of F to order 0, then one new folio per index. */
  private static void splitToOrder0AndStoreNewFolios(XArray xa, Item f) {
    XaState xas = new XaState(xa, 1024, 0);
    xas.splitAlloc(f, 9, K);
    xa.xaLock();
    xas.split(f, 9);
    for (long i = 1025; i < 1536; i++) {
      xa.__store(i, new Item("f" + i), XaGfp.NONE);
    }
    xa.xaUnlock();
  }

  private static Object lookupRacingWithSplit(XaConfig.Descend variant) {
    Item f = new Item("F");
    XArray xa = fileWithF(XaConfig.DEFAULT.withDescend(variant), f);
    XaNode root = (XaNode) xa.peekHead();
    // The reader reads slot 23 (sibling(16)); the split happens; it then reads slot 16.
    before(xa, root, XaField.SLOT, 16, () -> splitToOrder0AndStoreNewFolios(xa, f));
    return xa.load(1499);
  }

  @Test
  void siblingOfANodeBecomesRetryInTheCurrentDescend() {
    assertEquals("f1499", lookupRacingWithSplit(XaConfig.Descend.CURRENT).toString());
    assertEquals("f1499", lookupRacingWithSplit(XaConfig.Descend.ONE_HOP_RETRY).toString());
  }

  @Test
  void beforeCommit63b1898fffcdTheLookupDescendedIntoTheWrongNode() {
    // Slot 16's new leaf covers 1024..1087; index 1499 is its slot 27, i.e. index 1051.
    assertEquals("f1051", lookupRacingWithSplit(XaConfig.Descend.ONE_HOP).toString());
  }

  @Test
  void descendReturnsRetryToXasLoad() {
    Item f = new Item("F");
    XArray xa = fileWithF(XaConfig.DEFAULT, f);
    XaNode root = (XaNode) xa.peekHead();
    before(xa, root, XaField.SLOT, 16, () -> splitToOrder0AndStoreNewFolios(xa, f));
    XaState xas = new XaState(xa, 1499);
    assertSame(XA_RETRY_ENTRY, xas.load());
    assertTrue(xas.retry(XA_RETRY_ENTRY));
    assertEquals("f1499", xas.load().toString());
  }

  private static Object lookupRacingWithStoreRange(XaConfig.Descend variant) {
    XArray xa = new XArray("xa", XaConfig.DEFAULT.withDescend(variant));
    xa.store(4000, new Item("other"));
    xa.storeRange(188, 191, new Item("E1"), K);
    XaNode leaf = (XaNode) ((XaNode) xa.peekHead()).peekSlot(2);
    assertEquals("sibling(60)", describe(leaf.peekSlot(63)));
    // Thread A reads slot 63 (sibling of 60); thread B stores 184..191; A reads slot 60.
    before(xa, leaf, XaField.SLOT, 60, () -> xa.storeRange(184, 191, new Item("E2"), K));
    return xa.load(191);
  }

  @Test
  void siblingPointingAtASiblingIsFollowedByTheCurrentLoop() {
    assertEquals("E2", lookupRacingWithStoreRange(XaConfig.Descend.CURRENT).toString());
  }

  @Test
  void beforeCommitCbc02854331eXaLoadReturnedASiblingEntry() {
    Object e = lookupRacingWithStoreRange(XaConfig.Descend.ONE_HOP_RETRY);
    assertTrue(isSibling(e), describe(e));
    assertEquals(56, toSibling(e));
  }

  /**
   * The check the issue asks for: a reader that pinned F at 1499 reloads after F was split to
   * order 8 and G stored at 1280. Recomputing the slot from the index finds sibling(20) -> G; a
   * reload of xa_offset (16, the canonical slot) would still find F and accept a folio that no
   * longer covers 1499.
   */
  private static Object reloadAfterSplitToOrder8(XaConfig.Reload variant) {
    Item f = new Item("F");
    Item g = new Item("G");
    XArray xa = fileWithF(XaConfig.DEFAULT.withReload(variant), f);
    XaState reader = new XaState(xa, 1499);
    assertSame(f, reader.load());
    assertEquals(16, reader.offset());
    XaState split = new XaState(xa, 1024, 8);
    xa.xaLock();
    split.split(f, 9);
    xa.__store(1280, g, XaGfp.NONE);
    xa.xaUnlock();
    return reader.reload();
  }

  @Test
  void reloadRecomputesTheSlotFromTheIndex() {
    assertEquals("G", reloadAfterSplitToOrder8(XaConfig.Reload.CURRENT).toString());
  }

  @Test
  void reloadOfTheCanonicalOffsetMissesTheSplit() {
    assertEquals("F", reloadAfterSplitToOrder8(XaConfig.Reload.RELOAD_CANONICAL).toString());
  }

  @Test
  void reloadAfterASplitToOrder0FindsANodeWhichNeverEqualsAFolio() {
    Item f = new Item("F");
    XArray xa = fileWithF(XaConfig.DEFAULT, f);
    XaState reader = new XaState(xa, 1499);
    assertSame(f, reader.load());
    splitToOrder0AndStoreNewFolios(xa, f);
    Object again = reader.reload();
    assertTrue(isNode(again));
    assertFalse(same(again, f));
  }

  @Test
  void reloadFollowsASiblingOnlyOnce() {
    // Current xas_reload: one hop, no loop and no node-to-retry conversion.
    XArray xa = new XArray();
    xa.store(4000, new Item("other"));
    xa.storeRange(188, 191, new Item("E1"), K);
    XaState reader = new XaState(xa, 191);
    assertEquals("E1", reader.load().toString());
    XaNode leaf = (XaNode) ((XaNode) xa.peekHead()).peekSlot(2);
    before(xa, leaf, XaField.SLOT, 60, () -> xa.storeRange(184, 191, new Item("E2"), K));
    Object e = reader.reload();
    assertEquals("sibling(56)", describe(e));
  }
}
