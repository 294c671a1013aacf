package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MimeBundleTest {
  @Test
  void builderKeepsFirstPutOrderAndEncodesPng() {
    Map<String, String> b = MimeBundle.builder().html("<p>").text("p").png(new byte[] {1, 2, 3}).html("<q>").build();
    assertEquals(List.of("text/html", "text/plain", "image/png"), List.copyOf(b.keySet()));
    assertEquals("<q>", b.get("text/html"));
    assertEquals("AQID", b.get("image/png"));
  }

  @Test
  void badTypesAndNullValuesAreRejectedWithTheirName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MimeBundle.builder().put("html", "x"));
    assertTrue(e.getMessage().contains("'html'"), e.getMessage());
    Map<String, String> withNull = new HashMap<>();
    withNull.put("text/plain", null);
    e = assertThrows(IllegalArgumentException.class, () -> MimeBundle.checked(withNull));
    assertTrue(e.getMessage().contains("text/plain"), e.getMessage());
    assertTrue(MimeBundle.isMimeType("application/vnd.foliolab.trace+json"));
    assertTrue(!MimeBundle.isMimeType("text/plain; charset=utf-8"));
  }

  @Test
  void svgDropsTheXmlPrologSoTheMarkupCanBeInlinedInHtml() {
    String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect/></svg>";
    String prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- made by a test -->\n";
    assertEquals(svg, MimeBundle.builder().svg(prolog + svg).build().get("image/svg+xml"));
    assertEquals(svg, MimeBundle.builder().svg(svg).build().get("image/svg+xml"));
    // Not SVG at all: kept as given rather than cut at a later "<svg" inside the text.
    assertEquals("text <svg>", MimeBundle.builder().svg("text <svg>").build().get("image/svg+xml"));
  }
}
