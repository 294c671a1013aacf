package io.foliolab.xarray;

import static io.foliolab.xarray.XaEntry.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class XaEntryTest {
  @Test
  void valueEntriesRoundTripAndCompareByValue() {
    XaValue v = mkValue(0x1f);
    assertTrue(isValue(v));
    assertEquals(0x1f, toValue(v));
    assertFalse(isInternal(v));
    assertTrue(same(v, mkValue(0x1f)));
    assertFalse(same(v, mkValue(0x20)));
    assertEquals(Long.MAX_VALUE, toValue(mkValue(Long.MAX_VALUE)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mkValue(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void siblingPredicateCoversOnlyZeroToChunkSizeMinusTwo() {
    assertTrue(isSibling(mkSibling(0)));
    assertTrue(isSibling(mkSibling(62)));
    assertFalse(isSibling(mkInternal(63)));
    assertFalse(isSibling(mkInternal(255)));
    assertThrows(IllegalArgumentException.class, () -> mkSibling(63));
    assertThrows(IllegalArgumentException.class, () -> mkSibling(-1));
    assertEquals(16, toSibling(mkSibling(16)));
    // 16-slot nodes (XA_CHUNK_SHIFT 4): only 0..14 are siblings.
    assertTrue(isSibling(mkSibling(14), 4));
    assertFalse(isSibling(mkSibling(15), 4));
    assertTrue(isSibling(mkSibling(15), 6));
  }

  @Test
  void retryZeroAndErrorsAreInternalButNotSiblings() {
    assertTrue(isRetry(XA_RETRY_ENTRY));
    assertTrue(isZero(XA_ZERO_ENTRY));
    assertEquals(256, toInternal(XA_RETRY_ENTRY));
    assertEquals(257, toInternal(XA_ZERO_ENTRY));
    assertSame(XA_RETRY_ENTRY, mkInternal(256));
    assertFalse(isSibling(XA_RETRY_ENTRY));
    assertFalse(isSibling(XA_ZERO_ENTRY));
    XaError enomem = error(-XaErrno.ENOMEM);
    assertSame(enomem, error(-12));
    assertTrue(isErr(enomem));
    assertTrue(isInternal(enomem));
    assertFalse(isSibling(enomem));
    assertEquals(-12, err(enomem));
    assertEquals(0, err(mkValue(3)));
    assertEquals(0, err(null));
    assertThrows(IllegalArgumentException.class, () -> error(0));
    assertThrows(IllegalArgumentException.class, () -> error(-4096));
    assertSame(error(-4095), mkInternal(-4095));
  }

  @Test
  void advancedEntriesAreSiblingsAndRetryOnly() {
    assertTrue(isAdvanced(mkSibling(3)));
    assertTrue(isAdvanced(mkInternal(200)));
    assertTrue(isAdvanced(XA_RETRY_ENTRY));
    assertFalse(isAdvanced(XA_ZERO_ENTRY));
    assertFalse(isAdvanced(error(-22)));
    assertFalse(isAdvanced(null));
    assertFalse(isAdvanced(new Item("p")));
    XaNode node = new XaNodeAllocator().kmemCacheAlloc(XaGfp.GFP_KERNEL, XaAllocSite.XAS_ALLOC);
    assertFalse(isAdvanced(node));
    assertTrue(isNode(node));
    assertTrue(isInternal(node));
    assertSame(node, toNode(mkNode(node)));
  }

  @Test
  void userPointersAreNeitherValuesNorInternal() {
    Item p = new Item("folio");
    assertTrue(isPointer(p));
    assertFalse(isValue(p));
    assertFalse(isInternal(p));
    assertFalse(isPointer(null));
    assertFalse(isPointer(mkValue(1)));
    assertTrue(same(p, p));
    assertFalse(same(p, new Item("folio")));
    assertThrows(IllegalArgumentException.class, () -> toValue(p));
    assertThrows(IllegalArgumentException.class, () -> toSibling(p));
  }

  @Test
  void describeNamesEveryKind() {
    assertEquals("NULL", describe(null));
    assertEquals("value(0x1f)", describe(mkValue(31)));
    assertEquals("sibling(16)", describe(mkSibling(16)));
    assertEquals("retry", describe(XA_RETRY_ENTRY));
    assertEquals("zero", describe(XA_ZERO_ENTRY));
    assertEquals("error(-ENOMEM)", describe(error(-12)));
    assertEquals("internal(200)", describe(mkInternal(200)));
    assertEquals("F", describe(new Item("F")));
    assertEquals("XA_RCU_FREE", describe(XArray.XA_RCU_FREE));
  }
}
