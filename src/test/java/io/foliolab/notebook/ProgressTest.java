package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private long now = 1_000L;
  private final List<String> events = new ArrayList<>();

  private final Progress.View view =
      new Progress.View() {
        @Override
        public void show(String id, Map<String, String> bundle) {
          events.add("show " + bundle.get("text/plain"));
        }

        @Override
        public void update(String id, Map<String, String> bundle) {
          events.add("update " + bundle.get("text/plain"));
        }
      };

  @AfterEach
  void lowerFlag() {
    Interrupts.clear();
  }

  private Progress progress(long total) {
    return new Progress("sweep", total, () -> now, view);
  }

  private void advanceClockMillis(long ms) {
    now += ms * 1_000_000L;
  }

  @Test
  void workShorterThanASecondShowsNothing() {
    try (Progress p = progress(10)) {
      for (int i = 0; i < 10; i++) {
        advanceClockMillis(90);
        p.step();
      }
    }
    assertEquals(List.of(), events);
  }

  @Test
  void longWorkShowsOnceThenUpdatesAtMostFiveTimesASecond() {
    Progress p = progress(100);
    for (int i = 0; i < 100; i++) {
      advanceClockMillis(50);
      p.step();
    }
    p.close();
    assertEquals("show sweep [######" + ".".repeat(24) + "] 20% (20/100) 1.0 s", events.get(0));
    long updates = events.stream().filter(e -> e.startsWith("update")).count();
    // 5 s of work: first draw at 1 s, then every 200 ms, plus the closing draw.
    assertEquals(1 + 20 + 1, events.size(), events.toString());
    assertEquals(21, updates);
    assertEquals("update sweep [##############################] 100% (100/100) 5.0 s done", events.get(events.size() - 1));
    p.close();
    assertEquals(22, events.size(), "close is idempotent");
  }

  @Test
  void unknownTotalShowsACount() {
    Progress p = progress(0);
    advanceClockMillis(1500);
    p.advance(7);
    assertEquals(List.of("show sweep 7 done 1.5 s"), events);
  }

  @Test
  void stepThrowsWhenInterrupted() {
    Progress p = progress(10);
    p.step();
    Interrupts.request();
    assertThrows(CellInterruptedException.class, p::step);
    Interrupts.clear();
    p.step();
    assertEquals(3, p.done());
  }

  @Test
  void badArgumentsNameTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> progress(-3));
    assertTrue(e.getMessage().contains("-3"));
    Progress p = progress(3);
    e = assertThrows(IllegalArgumentException.class, () -> p.advance(-1));
    assertTrue(e.getMessage().contains("-1"));
  }
}
