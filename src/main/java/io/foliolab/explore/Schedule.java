package io.foliolab.explore;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A schedule: the CPU of every step and the alternative taken at every choice point, which
 * together determine an execution of a deterministic model. Printed as runs of steps, e.g.
 * {@code "0x3.1.0x2/10"}: CPU 0 takes 3 steps, CPU 1 one, CPU 0 two; the first choice point took
 * alternative 1, the second 0. A schedule of a run under store buffers ends with its memory model,
 * e.g. {@code "0x3.2.1.0x2@tso"} (CPU 2 is then a flush agent, see {@link MemoryModel}), so that a
 * schedule alone still determines the execution. Immutable.
 */
public final class Schedule {
  private final int[] cpus;
  private final int[] choices;
  private final MemoryModel memory;

  private Schedule(int[] cpus, int[] choices, MemoryModel memory) {
    this.cpus = cpus;
    this.choices = choices;
    this.memory = memory;
  }

  /** A schedule of the given CPU sequence and choice alternatives (copied), under SC. */
  public static Schedule of(int[] cpus, int[] choices) {
    for (int c : cpus) {
      checkArgument(c >= 0 && c < 64, "CPU %s out of range [0, 64)", c);
    }
    for (int c : choices) {
      checkArgument(c == 0 || c == 1, "choice %s must be 0 or 1", c);
    }
    return new Schedule(cpus.clone(), choices.clone(), MemoryModel.SC);
  }

  /** This schedule under memory model {@code m}. */
  public Schedule withMemory(MemoryModel m) {
    checkArgument(m != null, "memory model must not be null");
    return new Schedule(cpus, choices, m);
  }

  /** The memory model the schedule runs under ({@link MemoryModel#SC} unless marked). */
  public MemoryModel memory() {
    return memory;
  }

  /**
   * Parses {@code text}: runs separated by '.', each {@code CPU} or {@code CPUxCOUNT} (decimal),
   * optionally followed by '/' and one digit (0 or 1) per choice point, optionally followed by
   * '@' and a memory model ({@link MemoryModel#parse}). The empty string is the empty schedule.
   *
   * @throws IllegalArgumentException naming the bad part and the expected form
   */
  public static Schedule parse(String text) {
    checkArgument(text != null, "schedule must not be null");
    String marked = text.trim();
    MemoryModel memory;
    try {
      memory = MemoryModel.of(marked);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad schedule '" + text + "': " + e.getMessage(), e);
    }
    String s = MemoryModel.unmarked(marked);
    int slash = s.indexOf('/');
    String runs = slash < 0 ? s : s.substring(0, slash);
    String ch = slash < 0 ? "" : s.substring(slash + 1);
    int[] cpus = new int[16];
    int n = 0;
    if (!runs.isEmpty()) {
      for (String run : runs.split("\\.", -1)) {
        int x = run.indexOf('x');
        int cpu = number(run, x < 0 ? run : run.substring(0, x), text);
        int count = x < 0 ? 1 : number(run, run.substring(x + 1), text);
        checkArgument(cpu < 64, "bad schedule '%s': CPU %s out of range [0, 64)", text, cpu);
        checkArgument(count >= 1, "bad schedule '%s': run '%s' has count %s, must be >= 1",
            text, run, count);
        checkArgument((long) n + count <= 10_000_000, "bad schedule '%s': too many steps", text);
        while (n + count > cpus.length) {
          cpus = Arrays.copyOf(cpus, cpus.length * 2);
        }
        Arrays.fill(cpus, n, n + count, cpu);
        n += count;
      }
    }
    int[] choices = new int[ch.length()];
    for (int i = 0; i < ch.length(); i++) {
      char c = ch.charAt(i);
      checkArgument(c == '0' || c == '1',
          "bad schedule '%s': choice '%s' must be 0 or 1 (form: 0x3.1.0x2/10)", text, c);
      choices[i] = c - '0';
    }
    return new Schedule(Arrays.copyOf(cpus, n), choices, memory);
  }

  private static int number(String run, String digits, String text) {
    checkArgument(!digits.isEmpty() && digits.length() <= 9 && digits.chars().allMatch(
        Character::isDigit), "bad schedule '%s': run '%s' is not CPU or CPUxCOUNT"
            + " (form: 0x3.1.0x2/10)", text, run);
    return Integer.parseInt(digits);
  }

  /** Number of steps. */
  public int length() {
    return cpus.length;
  }

  /** The CPU of step {@code i}. */
  public int cpu(int i) {
    return cpus[i];
  }

  /** Number of choice points decided. */
  public int choiceCount() {
    return choices.length;
  }

  /** The alternative taken at the {@code i}-th choice point. */
  public int choice(int i) {
    return choices[i];
  }

  /** The CPU sequence (a copy). */
  public int[] cpus() {
    return cpus.clone();
  }

  /** The choices (a copy). */
  public int[] choices() {
    return choices.clone();
  }

  /** Number of changes of CPU between consecutive steps. */
  public int contextSwitches() {
    int k = 0;
    for (int i = 1; i < cpus.length; i++) {
      if (cpus[i] != cpus[i - 1]) {
        k++;
      }
    }
    return k;
  }

  /** Formats CPU sequence {@code cpus[0, n)} and choices {@code choices[0, m)}. */
  static String format(int[] cpus, int n, int[] choices, int m) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < n) {
      int j = i;
      while (j < n && cpus[j] == cpus[i]) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(cpus[i]);
      if (j - i > 1) {
        sb.append('x').append(j - i);
      }
      i = j;
    }
    if (m > 0) {
      sb.append('/');
      for (int k = 0; k < m; k++) {
        sb.append((char) ('0' + choices[k]));
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return memory.mark(format(cpus, cpus.length, choices, choices.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s && Arrays.equals(cpus, s.cpus)
        && Arrays.equals(choices, s.choices) && memory.equals(s.memory);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(cpus) + Arrays.hashCode(choices)) + memory.hashCode();
  }
}
