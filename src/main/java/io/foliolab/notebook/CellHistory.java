package io.foliolab.notebook;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The inputs (and plain-text outputs) of this kernel session's cells, for history requests. In
 * memory only: session number {@link #SESSION}; a kernel restart starts an empty history.
 * Thread-safe.
 */
final class CellHistory {
  /** The session number entries carry; range requests accept it or 0 (the current session). */
  static final int SESSION = 1;

  /** One executed cell. */
  static final class Entry {
    final int line;
    final String input;
    final String output;

    Entry(int line, String input, String output) {
      this.line = line;
      this.input = input;
      this.output = output;
    }

    /** {@code [session, line, input]} or {@code [session, line, [input, output]]}. */
    List<Object> toJson(boolean withOutput) {
      return List.of(SESSION, line, withOutput ? List.of(input, output) : input);
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  /** Records cell number {@code line}; {@code output} is its plain-text result or "". */
  synchronized void add(int line, String input, String output) {
    checkArgument(line >= 1, "execution count must be >= 1, got %s", line);
    entries.add(new Entry(line, input, output == null ? "" : output));
  }

  /** The last {@code n} cells, oldest first (all if {@code n <= 0}). */
  synchronized List<Entry> tail(int n) {
    int from = n <= 0 ? 0 : Math.max(0, entries.size() - n);
    return List.copyOf(entries.subList(from, entries.size()));
  }

  /**
   * Cells with {@code start <= line < stop} of {@code session} (0 or {@link #SESSION}; other
   * sessions are empty). {@code stop <= 0} means no upper bound.
   */
  synchronized List<Entry> range(int session, int start, int stop) {
    List<Entry> out = new ArrayList<>();
    if (session != 0 && session != SESSION) {
      return out;
    }
    for (Entry e : entries) {
      if (e.line >= start && (stop <= 0 || e.line < stop)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The last {@code n} cells (all if {@code n <= 0}) whose input matches the glob {@code pattern}
   * ({@code *}, {@code ?}, {@code [...]}, {@code [^...]} as in sqlite's GLOB), oldest first; with
   * {@code unique}, only the latest of equal inputs.
   */
  synchronized List<Entry> search(String pattern, int n, boolean unique) {
    Pattern regex = globToRegex(pattern == null || pattern.isEmpty() ? "*" : pattern);
    List<Entry> matches = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (!regex.matcher(e.input).matches() || (unique && !seen.add(e.input))) {
        continue;
      }
      matches.add(0, e);
      if (n > 0 && matches.size() == n) {
        break;
      }
    }
    return matches;
  }

  static Pattern globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[') {
        int close = glob.indexOf(']', i + 2);
        if (close < 0) {
          re.append("\\[");
          continue;
        }
        String set = glob.substring(i + 1, close);
        boolean negate = set.startsWith("^");
        if (negate) {
          set = set.substring(1);
        }
        re.append('[').append(negate ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
        i = close;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
