package io.foliolab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new Main().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() { return out.toString(StandardCharsets.UTF_8); }

  private String err() { return err.toString(StandardCharsets.UTF_8); }

  @Test
  void helpListsEveryCommand() {
    assertEquals(0, run("--help"));
    assertTrue(out().contains("version"), out());
    assertTrue(out().startsWith("FolioLab "), out());
  }

  @Test
  void versionPrintsTheMavenVersion() {
    assertEquals(0, run("version"));
    assertTrue(out().matches("(?s)foliolab \\d+\\.\\d+\\.\\d+.*"), out());
  }

  @Test
  void unknownCommandExitsTwoAndListsTheValidOnes() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err().contains("unknown command 'frobnicate'"), err());
    assertTrue(err().contains("valid commands: "), err());
    assertTrue(err().contains("version"), err());
  }

  @Test
  void unexpectedArgumentIsAUsageError() {
    assertEquals(2, run("version", "extra"));
    assertTrue(err().contains("version takes no arguments"), err());
  }

  @Test
  void unknownOptionNamesTheValidOnes() {
    UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
        () -> Args.parse("explore", ImmutableList.of("--sed", "3"), ImmutableSet.of("seed", "variant"),
            ImmutableSet.of("json")));
    assertTrue(e.getMessage().contains("--sed"), e.getMessage());
    assertTrue(e.getMessage().contains("--seed, --variant, --json"), e.getMessage());
  }

  @Test
  void optionsTakeValuesInlineOrSeparatelyAndRepeat() {
    Args a = Args.parse("explore", ImmutableList.of("split-wrong-slot", "--param", "order=3",
        "--param=index=0x10", "--json"), ImmutableSet.of("param"), ImmutableSet.of("json"));
    assertEquals(ImmutableList.of("split-wrong-slot"), a.positional());
    assertEquals(ImmutableList.of("order=3", "index=0x10"), a.options("param"));
    assertTrue(a.flag("json"));
  }

  @Test
  void integersAcceptDecimalAndHex() {
    assertEquals(0x7650, Args.parseLong("index", "0x7650"));
    assertEquals(1499, Args.parseLong("index", "1499"));
    UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
        () -> Args.parseLong("index", "12z"));
    assertTrue(e.getMessage().contains("'12z'"), e.getMessage());
  }
}
