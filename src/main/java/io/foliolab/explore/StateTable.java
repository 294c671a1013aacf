package io.foliolab.explore;

/**
 * The states a stateful exploration has visited: an open-addressing table from a state's
 * fingerprint ({@link io.foliolab.sim.Machine#fingerprint}) to the sleep set it was explored with.
 * 16 bytes a slot, at most 3/4 full. Not thread-safe.
 */
final class StateTable {
  static final long ABSENT = Long.MIN_VALUE;

  private long[] keys;
  private long[] values;
  private int mask;
  private int size;

  StateTable() {
    keys = new long[1 << 16];
    values = new long[1 << 16];
    mask = keys.length - 1;
  }

  /** States stored. */
  int size() {
    return size;
  }

  /** The value stored for {@code fp}, or {@link #ABSENT}. */
  long get(long fp) {
    long k = fp == 0 ? 1 : fp;
    for (int i = slot(k); ; i = (i + 1) & mask) {
      long at = keys[i];
      if (at == k) {
        return values[i];
      }
      if (at == 0) {
        return ABSENT;
      }
    }
  }

  /** Stores {@code value} for {@code fp} (replacing any earlier value). */
  void put(long fp, long value) {
    long k = fp == 0 ? 1 : fp;
    int i = slot(k);
    while (keys[i] != 0 && keys[i] != k) {
      i = (i + 1) & mask;
    }
    if (keys[i] == 0) {
      keys[i] = k;
      size++;
    }
    values[i] = value;
    if (size * 4L > keys.length * 3L) {
      grow();
    }
  }

  private int slot(long k) {
    return (int) (k ^ (k >>> 32)) & mask;
  }

  private void grow() {
    long[] ok = keys;
    long[] ov = values;
    keys = new long[ok.length * 2];
    values = new long[ok.length * 2];
    mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      long k = ok[j];
      if (k != 0) {
        int i = slot(k);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = ov[j];
      }
    }
  }
}
