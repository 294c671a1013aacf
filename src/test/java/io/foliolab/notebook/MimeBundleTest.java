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
}
