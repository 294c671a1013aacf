package io.foliolab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WilsonTest {
  @Test
  void knownIntervals() {
    // Published 95% Wilson intervals (e.g. Newcombe 1998, table I; R binom.confint "wilson").
    Wilson w = Wilson.of(5, 10);
    assertEquals(0.5, w.rate());
    assertEquals(0.2366, w.low(), 1e-4);
    assertEquals(0.7634, w.high(), 1e-4);
    w = Wilson.of(1, 10);
    assertEquals(0.0179, w.low(), 1e-4);
    assertEquals(0.4042, w.high(), 1e-4);
    w = Wilson.of(81, 263);
    assertEquals(0.2553, w.low(), 1e-4);
    assertEquals(0.3662, w.high(), 1e-4);
  }

  @Test
  void edgesStayInsideUnitInterval() {
    Wilson zero = Wilson.of(0, 10);
    assertEquals(0, zero.low());
    assertEquals(3.8415 / 13.8415, zero.high(), 1e-4);
    Wilson all = Wilson.of(10, 10);
    assertEquals(1, all.high());
    assertEquals(1 - zero.high(), all.low(), 1e-12);
    Wilson none = Wilson.of(0, 0);
    assertTrue(Double.isNaN(none.rate()));
    assertEquals(0, none.low());
    assertEquals(1, none.high());
  }

  @Test
  void narrowsWithMoreExecutions() {
    Wilson small = Wilson.of(10, 100);
    Wilson big = Wilson.of(1000, 10_000);
    assertTrue(big.high() - big.low() < small.high() - small.low());
    assertTrue(big.low() < 0.1 && big.high() > 0.1);
  }

  @Test
  void rejectsBadCounts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wilson.of(11, 10));
    assertTrue(e.getMessage().contains("11 of 10"));
    assertThrows(IllegalArgumentException.class, () -> Wilson.of(-1, 10));
  }
}
