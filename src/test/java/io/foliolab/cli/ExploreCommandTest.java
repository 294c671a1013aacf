package io.foliolab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** explore, replay and scenarios through {@link Main}, as a script would call them. */
class ExploreCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return new Main().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() { return out.toString(StandardCharsets.UTF_8); }

  private String err() { return err.toString(StandardCharsets.UTF_8); }

  private String lastLine() {
    String[] lines = out().split("\n");
    return lines[lines.length - 1];
  }

  private static String field(String json, String regex) {
    Matcher m = Pattern.compile(regex).matcher(json);
    assertTrue(m.find(), regex + " not in " + json);
    return m.group(1);
  }

  @Test
  void exploreJsonReportsTheBugAndItsFolioAndReplayReproducesIt() {
    assertEquals(0, run("explore", "split-wrong-slot", "--variant", "v6.18", "--json", "--workers", "1"));
    String json = lastLine();
    assertTrue(json.startsWith("{\"scenario\":\"split-wrong-slot\",\"variant\":\"v6.18\",\"strategy\":\"dpor\""), json);
    assertEquals("true", field(json, "\"complete\":(true|false)"));
    assertTrue(Long.parseLong(field(json, "\"BUG\":(\\d+)")) > 0, json);
    assertEquals("BUG", field(json, "\"kind\":\"(\\w+)\""));
    assertEquals("VM_BUG_ON_FOLIO(!folio_contains(folio, index))", field(json, "\"message\":\"([^\"]+)\""));
    long folioIndex = Long.parseLong(field(json, "\"folio\":\\{\"index\":(\\d+)"));
    long lookup = Long.parseLong(field(json, "\"lookupIndex\":(\\d+)"));
    assertEquals(lookup - 1, folioIndex, "the folio is one page left of the fault index: " + json);
    String schedule = field(json, "\"schedule\":\"([^\"]+)\"");

    assertEquals(0, run("replay", "split-wrong-slot", "--variant", "v6.18", "--schedule", schedule));
    assertTrue(out().contains("outcome: BUG"), out());
    assertTrue(out().contains("VM_BUG_ON_FOLIO(!folio_contains(folio, index))"), out());
    assertTrue(out().contains("filemap_fault:"), out());
  }

  @Test
  void storeBufferRunsSayTheirMemoryModelAndReplayFromTheSchedule() {
    assertEquals(0, run("explore", "split-wrong-slot", "--variant", "v6.18", "--memory", "tso",
        "--json", "--workers", "2"));
    assertTrue(out().contains("memory tso"), out());
    String json = lastLine();
    assertEquals("tso", field(json, "\"memory\":\"([^\"]+)\""));
    assertEquals("BUG", field(json, "\"kind\":\"(\\w+)\""));
    String schedule = field(json, "\"schedule\":\"([^\"]+)\"");
    assertTrue(schedule.endsWith("@tso"), schedule);
    assertEquals(0, run("replay", "split-wrong-slot", "--variant", "v6.18", "--schedule", schedule));
    assertTrue(out().contains("(buffered)") && out().contains("store_buffer:flush"), out());
    assertTrue(out().contains("outcome: BUG"), out());

    assertEquals(2, run("explore", "split-wrong-slot", "--memory", "arm64"));
    assertTrue(err().contains("--memory") && err().contains("sc, tso, pso:N"), err());
    assertEquals(2, run("explore", "split-wrong-slot", "--memory", "tso", "--strategy",
        "stateful"));
    assertTrue(err().contains("sequentially consistent"), err());
  }

  @Test
  void theFixedVariantHasNoFailure() {
    assertEquals(0, run("explore", "split-wrong-slot", "--variant", "577a1f495fd7", "--json"));
    String json = lastLine();
    assertTrue(json.contains("\"firstFailure\":null"), json);
    assertEquals("0", field(json, "\"BUG\":(\\d+)"));
    assertEquals("true", field(json, "\"complete\":(true|false)"));
  }

  @Test
  void hexAndDecimalParamsAreTheSame() {
    assertEquals(0, run("explore", "split-wrong-slot", "--param", "index=0x7650", "--json"));
    String hex = lastLine().replaceAll("\"seconds\":[^,]+,", "");
    assertEquals(0, run("explore", "split-wrong-slot", "--param", "index=30288", "--json"));
    String dec = lastLine().replaceAll("\"seconds\":[^,]+,", "");
    assertEquals(hex, dec);
  }

  @Test
  void badInputExitsTwoAndSaysWhatIsValid() {
    assertEquals(2, run("explore", "no-such-race"));
    assertTrue(err().contains("valid scenarios: split-wrong-slot"), err());
    assertEquals(2, run("explore", "split-wrong-slot", "--variant", "v6.1"));
    assertTrue(err().contains("valid variants: v6.18, 577a1f495fd7, rfc-2026-03"), err());
    assertEquals(2, run("explore", "split-wrong-slot", "--param", "colour=3"));
    assertTrue(err().contains("valid parameters: order, index, split_at, readers"), err());
    assertEquals(2, run("explore", "split-wrong-slot", "--param", "order=zz"));
    assertTrue(err().contains("'zz' is not an integer"), err());
    assertEquals(2, run("explore", "split-wrong-slot", "--strategy", "dfs"));
    assertTrue(err().contains("expected dpor, stateful, bounded:K, random:N, pct:N:D"), err());
    assertEquals(2, run("explore", "split-wrong-slot", "--pressure", "1.5"));
    assertTrue(err().contains("1.5"), err());
    assertEquals(2, run("replay", "split-wrong-slot", "--schedule", "not-a-schedule"));
  }

  @Test
  void scenariosListsEveryScenarioWithItsSeed() {
    assertEquals(0, run("scenarios"));
    assertTrue(out().contains("split-wrong-slot       000"), out());
    assertTrue(out().contains("willy-1499"), out());
    assertEquals(0, run("scenarios", "split-wrong-slot"));
    assertTrue(out().contains("Variants:"), out());
    assertTrue(out().contains("Memory pressure"), out());
  }
}
