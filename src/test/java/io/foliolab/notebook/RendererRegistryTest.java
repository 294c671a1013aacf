package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RendererRegistryTest {
  interface Shape {}

  static class Square implements Shape {}

  static class BigSquare extends Square {}

  static class Labelled implements Displayable {
    @Override
    public Map<String, String> mimeBundle() {
      return MimeBundle.builder().html("<i>label</i>").build();
    }

    @Override
    public String toString() {
      return "Labelled!";
    }
  }

  static class FancyLabelled extends Labelled {}

  @Test
  void emptyRegistryRendersPlainTextAndArraysDeeply() {
    RendererRegistry r = RendererRegistry.empty();
    assertEquals(Map.of("text/plain", "42"), r.render(42));
    assertEquals(Map.of("text/plain", "[1, 2, 3]"), r.render(new int[] {1, 2, 3}));
    assertEquals(Map.of("text/plain", "[[a], [b, c]]"), r.render(new String[][] {{"a"}, {"b", "c"}}));
    assertEquals(Map.of(), r.render(null));
  }

  @Test
  void nearestSuperclassWinsThenInterfacesThenObject() {
    RendererRegistry r = RendererRegistry.empty();
    r.register(Object.class, o -> MimeBundle.text("object"));
    r.register(Shape.class, s -> MimeBundle.text("shape"));
    assertEquals("shape", r.render(new BigSquare()).get("text/plain"));
    r.register(Square.class, s -> MimeBundle.text("square"));
    assertEquals("square", r.render(new BigSquare()).get("text/plain"));
    r.register(BigSquare.class, s -> MimeBundle.text("big"));
    assertEquals("big", r.render(new BigSquare()).get("text/plain"));
    assertEquals("square", r.render(new Square()).get("text/plain"));
    assertEquals("object", r.render("a string").get("text/plain"));
  }

  @Test
  void laterRegistrationReplacesEarlier() {
    RendererRegistry r = RendererRegistry.empty();
    r.register(Square.class, s -> MimeBundle.text("one"));
    assertEquals("one", r.render(new Square()).get("text/plain"));
    r.register(Square.class, s -> MimeBundle.text("two"));
    assertEquals("two", r.render(new Square()).get("text/plain"));
  }

  @Test
  void displayableUsesItsBundleAndGetsPlainTextAdded() {
    RendererRegistry r = RendererRegistry.withBuiltIns();
    Map<String, String> bundle = r.render(new Labelled());
    assertEquals(Map.of("text/html", "<i>label</i>", "text/plain", "Labelled!"), bundle);
  }

  @Test
  void classRendererBeatsDisplayable() {
    RendererRegistry r = RendererRegistry.withBuiltIns();
    r.register(FancyLabelled.class, l -> MimeBundle.text("fancy"));
    assertEquals(Map.of("text/plain", "fancy"), r.render(new FancyLabelled()));
    assertEquals("<i>label</i>", r.render(new Labelled()).get("text/html"));
  }

  @Test
  void failingRendererFallsBackToTextNamingTheFailure() {
    RendererRegistry r = RendererRegistry.empty();
    r.register(Square.class, s -> {
      throw new IllegalStateException("no pictures today");
    });
    String text = r.render(new Square()).get("text/plain");
    assertTrue(text.contains("no pictures today"), text);
    r.register(Square.class, s -> Map.of("not a mime type", "x"));
    text = r.render(new Square()).get("text/plain");
    assertTrue(text.contains("'not a mime type' is not a MIME type"), text);
  }

  @Test
  void registeringByNameNeedsNoClassAndMatchesSubclasses() {
    RendererRegistry r = RendererRegistry.empty();
    r.register("io.foliolab.notebook.RendererRegistryTest$Square", o -> MimeBundle.text("by name"));
    r.register("com.example.DoesNotExist", o -> MimeBundle.text("never"));
    assertEquals("by name", r.render(new BigSquare()).get("text/plain"));
  }

  @Test
  void svgStringsBecomeSvgOtherStringsStayText() {
    RendererRegistry r = RendererRegistry.withBuiltIns();
    String svg = "<?xml version=\"1.0\"?>\n<!-- picture -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>";
    String element = svg.substring(svg.indexOf("<svg"));
    Map<String, String> bundle = r.render(svg);
    assertEquals(element, bundle.get("image/svg+xml"));
    assertTrue(bundle.get("text/plain").startsWith("SVG image"));
    assertEquals(Map.of("text/plain", "<svgx>not svg</svgx>"), r.render("<svgx>not svg</svgx>"));
    assertEquals(Map.of("text/plain", "hello"), r.render(new StringBuilder("hello")));
    assertEquals(element, r.render(Svg.of(svg)).get("image/svg+xml"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Svg.of("<html></html>"));
    assertTrue(e.getMessage().contains("<html></html>"), e.getMessage());
  }

  @Test
  void aChartSubclassIsSummarisedAsItsXChartKind() {
    class Noted extends XYChart {
      Noted() {
        super(100, 80);
      }
    }
    assertEquals("XYChart", BuiltInRenderers.xchartKind(Noted.class));
    assertEquals("CategoryChart", BuiltInRenderers.xchartKind(
        org.knowm.xchart.CategoryChart.class));
    assertTrue(BuiltInRenderers.chartSummary(new Noted()).startsWith("XYChart 100x80"),
        BuiltInRenderers.chartSummary(new Noted()));
    assertEquals("String", BuiltInRenderers.xchartKind(String.class));
  }

  @Test
  void pageIndicesShowInHex() {
    // As an execution table has them: numeric columns, shown the way the kernel prints indices.
    Table t = Table.create("executions", tech.tablesaw.api.LongColumn.create("execution", 0L, 1L),
        tech.tablesaw.api.LongColumn.create("folio_index", new long[] {0x7652L, 0L}),
        tech.tablesaw.api.LongColumn.create("lookup_index", new long[] {0x7653L, 0L}));
    t.longColumn("folio_index").setMissing(1);
    t.longColumn("lookup_index").setMissing(1);
    Map<String, String> b = Renderers.render(t);
    String text = b.get("text/plain");
    assertTrue(text.contains("0         | 0x7652      | 0x7653"), text);
    assertTrue(!text.contains("30290") && !text.contains("30291"), text);
    assertTrue(b.get("text/html").contains("<td>0x7652</td><td>0x7653</td>"), b.get("text/html"));
    assertTrue(b.get("text/html").contains("<td>1</td><td></td><td></td>"), b.get("text/html"));
  }

  @Test
  void tableIsCappedAtFiftyRowsInHtmlAndText() {
    int[] values = new int[120];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    Table t = Table.create("runs", IntColumn.create("i", values));
    Map<String, String> bundle = RendererRegistry.withBuiltIns().render(t);
    String html = bundle.get("text/html");
    assertEquals(50, count(html, "<tr><td>"));
    assertTrue(html.contains("<td>49</td>") && !html.contains("<td>50</td>"));
    assertTrue(html.contains("<caption>runs: 120 rows \u00d7 1 column</caption>"), html);
    assertTrue(html.contains("<p>\u2026 70 more rows</p>"), html);
    String text = bundle.get("text/plain");
    List<String> lines = text.lines().collect(java.util.stream.Collectors.toList());
    assertEquals("runs: 120 rows \u00d7 1 column", lines.get(0));
    assertEquals("i", lines.get(1));
    assertEquals("0", lines.get(3));
    assertEquals("49", lines.get(52));
    assertEquals("\u2026 70 more rows", lines.get(53));
    assertEquals(54, lines.size());
  }

  @Test
  void smallTableHasNoMoreRowsLineAndEscapesHtml() {
    Table t = Table.create("", StringColumn.create("name", "<b>bold</b>", "a & b"), IntColumn.create("n", 1, 22));
    Map<String, String> bundle = RendererRegistry.withBuiltIns().render(t);
    String html = bundle.get("text/html");
    assertTrue(html.contains("<td>&lt;b&gt;bold&lt;/b&gt;</td>"), html);
    assertTrue(html.contains("<td>a &amp; b</td>"), html);
    assertFalse(html.contains("more row"));
    assertEquals(
        "2 rows \u00d7 2 columns\nname        | n\n------------+---\n<b>bold</b> | 1\na & b       | 22\n",
        bundle.get("text/plain"));
  }

  @Test
  void chartIsPngWithSummary() {
    XYChart chart = new XYChartBuilder().width(320).height(200).title("failures").xAxisTitle("pressure").yAxisTitle("rate").build();
    chart.addSeries("buggy", new double[] {0, 1, 2, 3}, new double[] {0, 0.1, 0.3, 0.5});
    chart.addSeries("fixed", new double[] {0, 1}, new double[] {0, 0});
    Map<String, String> bundle = RendererRegistry.withBuiltIns().render(chart);
    byte[] png = Base64.getDecoder().decode(bundle.get("image/png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(320, java.nio.ByteBuffer.wrap(png, 16, 4).getInt());
    assertEquals(200, java.nio.ByteBuffer.wrap(png, 20, 4).getInt());
    assertEquals(
        "XYChart \"failures\" 320x200: 2 series: buggy (4 points), fixed (2 points); x: pressure; y: rate",
        bundle.get("text/plain"));
    var bars = new CategoryChartBuilder().width(100).height(80).build();
    bars.addSeries("count", List.of("a", "b", "c"), List.of(1, 2, 3));
    assertEquals("CategoryChart 100x80: 1 series: count (3 points)", RendererRegistry.withBuiltIns().render(bars).get("text/plain"));
  }

  @Test
  void globalRegistryAcceptsRuntimeRegistrations() {
    class Local {}
    Renderers.register(Local.class, l -> MimeBundle.builder().markdown("*local*").build());
    Map<String, String> bundle = Notebook.render(new Local());
    assertEquals("*local*", bundle.get("text/markdown"));
    assertTrue(bundle.containsKey("text/plain"));
  }

  @Test
  void toHtmlComposesValues() {
    assertTrue(Notebook.toHtml(Table.create("t", IntColumn.create("x", 1))).startsWith("<div class=\"foliolab-table\">"));
    XYChart chart = new XYChartBuilder().width(50).height(40).title("c").build();
    chart.addSeries("s", new double[] {1, 2}, new double[] {1, 2});
    String img = Notebook.toHtml(chart);
    assertTrue(img.startsWith("<img src=\"data:image/png;base64,iVBORw0KGgo"), img.substring(0, 60));
    assertTrue(img.endsWith("alt=\"XYChart &quot;c&quot; 50x40: 1 series: s (2 points)\"/>"), img.substring(img.length() - 80));
    assertEquals("<pre>a &lt; b</pre>", Notebook.toHtml("a < b"));
    assertEquals("<svg xmlns=\"x\"></svg>", Notebook.toHtml(Svg.of("<svg xmlns=\"x\"></svg>")));
  }

  private static int count(String s, String what) {
    List<Integer> at = new ArrayList<>();
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      at.add(i);
    }
    return at.size();
  }
}
