package io.foliolab.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foliolab.sim.toys.Toys;
import org.junit.jupiter.api.Test;

/** Parsing, validation and error messages of the explorer's API. */
class ApiTest {
  @Test
  void scheduleRoundTripsThroughItsText() {
    Schedule s = Schedule.parse("0x3.1.0x2.12/101");
    assertArrayEquals(new int[] {0, 0, 0, 1, 0, 0, 12}, s.cpus());
    assertArrayEquals(new int[] {1, 0, 1}, s.choices());
    assertEquals("0x3.1.0x2.12/101", s.toString());
    assertEquals(3, s.contextSwitches());
    assertEquals(Schedule.parse(s.toString()), s);
    assertEquals(0, Schedule.parse("").length());
  }

  @Test
  void badSchedulesAreRejectedWithTheExpectedForm() {
    for (String bad : new String[] {"0x", "a", "0..1", "0x0", "0/2", "64", "0x3.1/1a", "-1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Schedule.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void strategiesParseAndPrint() {
    for (String s : new String[] {"dpor", "bounded:2", "random:100", "pct:50:3", "replay:0x2.1"}) {
      assertEquals(s, Strategy.parse(s).toString());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Strategy.parse("dfs"));
    assertTrue(e.getMessage().contains("'dfs'") && e.getMessage().contains("pct:N:D"));
    assertThrows(IllegalArgumentException.class, () -> Strategy.parse("random:0"));
    assertThrows(IllegalArgumentException.class, () -> Strategy.parse("pct:5"));
    assertThrows(IllegalArgumentException.class, () -> Strategy.parse("bounded:-1"));
  }

  @Test
  void optionsCheckTheirRanges() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Options.defaults().withPressure(1.5));
    assertTrue(e.getMessage().contains("1.5"));
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().withWorkers(0));
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().withMaxExecutions(0));
  }

  @Test
  void replayRejectsSchedulesThatDoNotFit() {
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
        () -> Explorer.replay(Toys.lostUpdate(2), Schedule.parse("0")));
    assertTrue(tooShort.getMessage().contains("goes on"), tooShort.getMessage());
    IllegalArgumentException noCpu = assertThrows(IllegalArgumentException.class,
        () -> Explorer.replay(Toys.lostUpdate(2), Schedule.parse("0x2.5x2")));
    assertTrue(noCpu.getMessage().contains("CPU 5"), noCpu.getMessage());
    IllegalArgumentException finished = assertThrows(IllegalArgumentException.class,
        () -> Explorer.replay(Toys.lostUpdate(2), Schedule.parse("0x3.1x2")));
    assertTrue(finished.getMessage().contains("cannot run"), finished.getMessage());
  }

  @Test
  void aStepWithTwoActionsIsAModelError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Explorer.explore(Toys.twoActions(), new Strategy.Dpor(), Options.defaults(),
            ExecutionListener.NONE));
    assertTrue(e.getMessage().contains("two_actions:both") && e.getMessage().contains("second"),
        e.getMessage());
  }

  @Test
  void timeBudgetStopsASampleAndSaysSo() {
    Summary s = Explorer.explore(Toys.lostUpdate(3), new Strategy.Random(Long.MAX_VALUE / 2),
        Options.defaults().withMaxSeconds(0.2), ExecutionListener.NONE);
    assertFalse(s.complete());
    assertEquals("seconds", s.stoppedBy());
    assertTrue(s.executions() > 0);
  }

  @Test
  void replayStrategyReportsTheOneExecution() {
    Summary s = Explorer.explore(Toys.lostUpdate(2), Strategy.parse("replay:0.1x2.0"),
        Options.defaults(), ExecutionListener.NONE);
    assertEquals(1, s.executions());
    assertTrue(s.complete());
    assertEquals("0.1x2.0", s.firstFailure().schedule());
  }
}
