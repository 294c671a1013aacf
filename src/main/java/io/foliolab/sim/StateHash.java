package io.foliolab.sim;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The 64-bit hashing used for state fingerprints ({@link Machine#fingerprint}): a finalizing
 * mixer, a string hash, and canonical hashes of the values a cell can hold. A canonical hash must
 * be the same in every execution of a model (executions re-create every object), so objects are
 * hashed by what they print as (a folio by its name, a node by its id, an entry by its
 * description), never by identity.
 */
final class StateHash {
  private StateHash() {}

  static final long NULL = 0x51ed270b27f5a9c3L;
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;

  /** The finalizer of MurmurHash3 (a bijection on 64-bit words). */
  static long fmix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Order-dependent combination of a running hash with one more word. */
  static long mix(long h, long v) {
    return fmix(h * GOLDEN + v + 0x632be59bd9b4e019L);
  }

  /** FNV-1a over the characters of {@code s}, finalized. */
  static long of(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return fmix(h);
  }

  /** Canonical hashes of objects, cached per execution (objects are re-created each time). */
  static final class Canon {
    private final Map<Object, Long> cache = new IdentityHashMap<>();

    void clear() {
      cache.clear();
    }

    long of(Object o) {
      if (o == null) {
        return NULL;
      }
      if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
        return fmix(((Number) o).longValue() ^ 0x2545f4914f6cdd1dL);
      }
      if (o instanceof Boolean b) {
        return b ? 0x1b873593L : 0xcc9e2d51L;
      }
      if (o instanceof String s) {
        return StateHash.of(s);
      }
      if (o instanceof Enum<?> e) {
        return mix(StateHash.of(e.getDeclaringClass().getName()), e.ordinal());
      }
      Long h = cache.get(o);
      if (h == null) {
        String s = o.toString();
        String anonymous = o.getClass().getName() + "@"
            + Integer.toHexString(System.identityHashCode(o));
        if (s.equals(anonymous)) {
          throw new IllegalStateException("a cell holds " + s + ", which has no printed name:"
              + " give " + o.getClass().getName() + " a toString() that names it, so that"
              + " states can be compared across executions");
        }
        h = mix(StateHash.of(o.getClass().getName()), StateHash.of(s));
        cache.put(o, h);
      }
      return h;
    }
  }
}
