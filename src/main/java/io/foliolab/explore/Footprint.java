package io.foliolab.explore;

import io.foliolab.sim.Machine;
import java.util.Arrays;

/**
 * Every kind of access one CPU has made anywhere in an exploration so far: location (by the
 * cell's name hash, so that it means the same cell in every execution), access kind, and the
 * union of the bit masks. A stateful exploration uses it as an over-approximation of what the CPU
 * can still do below a state it has already explored. Additive accesses are kept as plain
 * read-modify-writes (whether two of them commute depends on the values, which are not kept).
 * Not thread-safe.
 */
final class Footprint {
  private long[] keys = new long[64];
  private int[] kinds = new int[64];
  private long[] masks = new long[64];
  private int[] index = new int[128];
  private int size;
  /** Whether the CPU has ended an execution with a failure (a step that halts every CPU). */
  boolean halts;

  Footprint() {
    Arrays.fill(index, -1);
  }

  int size() {
    return size;
  }

  long key(int i) {
    return keys[i];
  }

  int kind(int i) {
    return kinds[i];
  }

  long mask(int i) {
    return masks[i];
  }

  /** Adds an access to the cell named with hash {@code key}. */
  void add(long key, int kind, long mask) {
    int k = kind & ~Machine.ADD;
    int m = index.length - 1;
    int h = (int) (key ^ (key >>> 29) ^ (k * 0x9e3779b9)) & m;
    for (;;) {
      int at = index[h];
      if (at < 0) {
        break;
      }
      if (keys[at] == key && kinds[at] == k) {
        masks[at] |= mask;
        return;
      }
      h = (h + 1) & m;
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      kinds = Arrays.copyOf(kinds, size * 2);
      masks = Arrays.copyOf(masks, size * 2);
    }
    keys[size] = key;
    kinds[size] = k;
    masks[size] = mask;
    index[h] = size++;
    if (size * 2 > index.length) {
      rebuild();
    }
  }

  private void rebuild() {
    index = new int[index.length * 2];
    Arrays.fill(index, -1);
    int m = index.length - 1;
    for (int i = 0; i < size; i++) {
      int h = (int) (keys[i] ^ (keys[i] >>> 29) ^ (kinds[i] * 0x9e3779b9)) & m;
      while (index[h] >= 0) {
        h = (h + 1) & m;
      }
      index[h] = i;
    }
  }
}
