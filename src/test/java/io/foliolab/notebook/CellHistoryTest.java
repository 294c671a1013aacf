package io.foliolab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CellHistoryTest {
  private static List<Integer> lines(List<CellHistory.Entry> entries) {
    return entries.stream().map(e -> e.line).collect(Collectors.toList());
  }

  private static CellHistory sample() {
    CellHistory h = new CellHistory();
    h.add(1, "int a = 1;", "");
    h.add(2, "a + 1", "2");
    h.add(3, "Math.max(a, 5)", "5");
    h.add(4, "a + 1", "2");
    return h;
  }

  @Test
  void tailRangeAndJson() {
    CellHistory h = sample();
    assertEquals(List.of(3, 4), lines(h.tail(2)));
    assertEquals(List.of(1, 2, 3, 4), lines(h.tail(0)));
    assertEquals(List.of(2, 3), lines(h.range(0, 2, 4)));
    assertEquals(List.of(2, 3), lines(h.range(CellHistory.SESSION, 2, 4)));
    assertEquals(List.of(), lines(h.range(7, 2, 4)));
    assertEquals(List.of(3, 4), lines(h.range(0, 3, 0)));
    assertEquals(List.of(1, 2, "a + 1"), h.tail(3).get(0).toJson(false));
    assertEquals(List.of(1, 3, List.of("Math.max(a, 5)", "5")), h.tail(2).get(0).toJson(true));
  }

  @Test
  void searchUsesGlobsUniqueAndLimit() {
    CellHistory h = sample();
    assertEquals(List.of(2, 4), lines(h.search("a + ?", 0, false)));
    assertEquals(List.of(4), lines(h.search("a + ?", 0, true)));
    assertEquals(List.of(3, 4), lines(h.search("*", 2, false)));
    assertEquals(List.of(3), lines(h.search("Math.max*", 0, false)));
    assertEquals(List.of(1), lines(h.search("[i]nt *", 0, false)));
    assertEquals(List.of(2, 3, 4), lines(h.search("[^i]*", 0, false)));
  }

  @Test
  void globTreatsRegexCharactersLiterally() {
    assertTrue(CellHistory.globToRegex("a.b(c)*").matcher("a.b(c) and more").matches());
    assertFalse(CellHistory.globToRegex("a.b").matcher("axb").matches());
    assertTrue(CellHistory.globToRegex("x*").matcher("x\ny").matches());
  }
}
