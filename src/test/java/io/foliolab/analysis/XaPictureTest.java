package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.xarray.XArray;
import io.foliolab.xarray.XaGfp;
import io.foliolab.xarray.XaObserver;
import io.foliolab.xarray.XaField;
import io.foliolab.xarray.XaState;
import io.foliolab.xarray.XaStore;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

class XaPictureTest {
  record Label(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final Object F = new Label("F(1024, order 9)");
  static final Object G = new Label("G(1280, order 8)");

  static XaObserver recorder(List<XaStore> stores) {
    return new XaObserver() {
      @Override
      public void load(Object owner, XaField field, int index) { }

      @Override
      public void store(XaStore store) {
        stores.add(store);
      }
    };
  }

  /** The 1499 example: F at 1024 order 9, split to order 8 with G stored at 1280. */
  static XaSnapshot[] split1499ToOrder8() {
    XArray xa = new XArray("i_pages", io.foliolab.xarray.XaConfig.DEFAULT);
    xa.storeOrder(1024, 9, F, XaGfp.GFP_KERNEL);
    List<XaStore> stores = new ArrayList<>();
    xa.setObserver(recorder(stores));
    xa.xaLock();
    new XaState(xa, 1024, 8).split(F, 9);
    xa.__store(1280, G, XaGfp.NONE);
    xa.xaUnlock();
    xa.setObserver(null);
    String dumpAfter = xa.dump();
    XaSnapshot[] ba = XaSnapshot.beforeAfter(xa, stores);
    assertEquals(dumpAfter, xa.dump(), "beforeAfter must leave the array as it was");
    return ba;
  }

  static void assertWellFormed(String svg) throws Exception {
    DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new InputSource(new StringReader(svg)));
  }

  @Test
  void snapshotOfTheSplit() {
    XaSnapshot[] ba = split1499ToOrder8();
    XaSnapshot before = ba[0];
    XaSnapshot after = ba[1];
    assertEquals(1, after.nodes().size());
    XaSnapshot.Node n = after.nodes().get(0);
    assertEquals(6, n.shift());
    assertEquals(0, n.first());
    assertEquals(XaSnapshot.Kind.ENTRY, n.slots().get(16).kind());
    assertEquals(XaSnapshot.Kind.SIBLING, n.slots().get(23).kind());
    assertEquals(20, n.slots().get(23).sibling());
    assertEquals("G(1280, order 8)", n.slots().get(20).label());
    assertEquals(16, before.nodes().get(0).slots().get(23).sibling());
  }

  @Test
  void beforeAfterPictureOf1499() throws Exception {
    XaSnapshot[] ba = split1499ToOrder8();
    String svg = XaPicture.svg(ba[0], ba[1], "1499: F split to order 8", OptionalLong.of(1499));
    assertWellFormed(svg);
    // What a reader must see: 1499 falls in slot 23, whose sibling points to slot 16 before and
    // to slot 20 (G) after; slots 20-23 changed.
    assertTrue(svg.contains("index 1499 -&gt; slot 23: sibling(16): the entry is in slot 16 (F(1024,"
        + " order 9))"), svg);
    assertTrue(svg.contains("index 1499 -&gt; slot 23: sibling(20): the entry is in slot 20 (G(1280,"
        + " order 8))"));
    assertTrue(svg.contains("slots 16-23: F(1024, order 9) + 7 siblings, order 9, indices"
        + " 1024-1535"));
    assertTrue(svg.contains("slots 16-19: F(1024, order 9) + 3 siblings, order 8, indices"
        + " 1024-1279"));
    assertTrue(svg.contains("slots 20-23: G(1280, order 8) + 3 siblings, order 8, indices"
        + " 1280-1535   [before: slots 20-23 sibling(16)]"));
    assertTrue(svg.contains("slots 16-23: F(1024, order 9) + 7 siblings, order 9, indices"
        + " 1024-1535   [after: slot 20 G(1280, order 8); slots 21-23 sibling(20)]"));
    // Four red outlines in each panel: slots 20..23.
    Matcher m = Pattern.compile("stroke=\"#D50000\" stroke-width=\"2.20\"").matcher(svg);
    int outlines = 0;
    while (m.find()) {
      outlines++;
    }
    assertEquals(2 * 4 + 1, outlines); // + the legend key
  }

  @Test
  void splitToOrderZeroStaysCompact() throws Exception {
    XArray xa = new XArray();
    xa.storeOrder(1024, 9, F, XaGfp.GFP_KERNEL);
    XaState xs = new XaState(xa, 1024, 0);
    xs.splitAlloc(F, 9, XaGfp.GFP_KERNEL);
    xa.xaLock();
    xs.split(F, 9);
    xa.xaUnlock();
    xs.destroy();
    // Give each page its own entry, as the page cache does after a split.
    for (long i = 1024; i < 1536; i++) {
      xa.store(i, new Label("p" + i));
    }
    XaSnapshot s = XaSnapshot.of(xa);
    assertEquals(1 + 8, s.nodes().size());
    String svg = XaPicture.svg(s, "order 0", OptionalLong.of(1499));
    assertWellFormed(svg);
    assertTrue(svg.contains("slots 0-63: 64 entries of order 0 (p1472 ... p1535)"), svg);
    assertTrue(svg.contains("index 1499 -&gt; slot 23: node#"));
    assertTrue(svg.contains("index 1499 -&gt; slot 27: p1499"));
    // Compact: one line per leaf node, not one per slot.
    assertFalse(svg.contains("slot 5: p1029"));
    assertTrue(svg.split("\n").length < 1000);
  }

  @Test
  void emptyAndSingleEntryArrays() throws Exception {
    XArray xa = new XArray();
    String svg = XaPicture.svg(XaSnapshot.of(xa), "empty", OptionalLong.empty());
    assertWellFormed(svg);
    assertTrue(svg.contains("(empty array)"));
    xa.store(0, F);
    svg = XaPicture.svg(XaSnapshot.of(xa), "one", OptionalLong.empty());
    assertTrue(svg.contains("head F(1024, order 9)"));
  }
}
