package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Entry encoding and the kernel's entry predicates (include/linux/xarray.h, v6.18), for the
 * Java model in which a machine word is an object:
 *
 * <ul>
 *   <li>{@code null} is NULL;
 *   <li>an {@link XaValue} is a value entry ({@code xa_mk_value});
 *   <li>an {@link XaInternal} is an internal entry: sibling (numbers 0..255, of which only
 *       0..{@code XA_CHUNK_SIZE - 2} are produced), {@link #XA_RETRY_ENTRY} (256),
 *       {@link #XA_ZERO_ENTRY} (257), or an {@link XaError} (-4095..-1);
 *   <li>an {@link XaNode} is a node pointer ({@code xa_mk_node});
 *   <li>any other object is a user pointer (e.g. a folio).
 * </ul>
 *
 * <p>Internal entries are interned, so the kernel's word comparison is {@link #same}: identity,
 * or equal values for value entries. Every place where the model compares two words uses it.
 *
 * <p>Deviations from the bit encoding, by construction: a user pointer can never look like a
 * value or an internal entry (no {@code xa_tag_pointer}, no 2-byte-aligned pointers), and
 * {@link #isNode} is false for error entries (in the kernel {@code xa_is_node} is also true for
 * them, but errors are never stored in slots so no kernel path can tell).
 */
public final class XaEntry {
  private XaEntry() {}

  /** Largest sibling number of a 64-slot node: {@code XA_CHUNK_SIZE - 2}. */
  public static final int MAX_SIBLING = 62;

  private static final int RETRY_NUMBER = 256;
  private static final int ZERO_NUMBER = 257;
  private static final XaInternal[] INTERNAL = new XaInternal[ZERO_NUMBER + 1];
  private static final XaError[] ERRORS = new XaError[XaErrno.MAX_ERRNO + 1];

  static {
    for (int i = 0; i < INTERNAL.length; i++) {
      INTERNAL[i] = new XaInternal(i);
    }
    for (int e = 1; e <= XaErrno.MAX_ERRNO; e++) {
      ERRORS[e] = new XaError(-e);
    }
  }

  /** {@code XA_RETRY_ENTRY} = {@code xa_mk_internal(256)}. */
  public static final XaInternal XA_RETRY_ENTRY = INTERNAL[RETRY_NUMBER];
  /** {@code XA_ZERO_ENTRY} = {@code xa_mk_internal(257)}: reserved, reads as NULL. */
  public static final XaInternal XA_ZERO_ENTRY = INTERNAL[ZERO_NUMBER];

  // ---------------------------------------------------------------- value entries

  /**
   * {@code xa_mk_value(v)} (include/linux/xarray.h, v6.18): returns the value entry for {@code v}.
   * Context: any; pure.
   *
   * @throws IllegalArgumentException if {@code v < 0} (the kernel WARNs)
   */
  public static XaValue mkValue(long v) {
    return new XaValue(v);
  }

  /**
   * {@code xa_is_value(e)} (include/linux/xarray.h, v6.18): returns true for value entries.
   * Context: any; pure.
   */
  public static boolean isValue(Object e) {
    return e instanceof XaValue;
  }

  /**
   * {@code xa_to_value(e)} (include/linux/xarray.h, v6.18): returns the integer a value entry
   * encodes. Context: any; pure.
   *
   * @throws IllegalArgumentException if {@code e} is not a value entry
   */
  public static long toValue(Object e) {
    checkArgument(e instanceof XaValue, "xa_to_value(%s): not a value entry", describe(e));
    return ((XaValue) e).value();
  }

  // ---------------------------------------------------------------- internal entries

  /**
   * {@code xa_mk_internal(v)} (include/linux/xarray.h, v6.18) for the internal numbers the model
   * can represent: -4095..-1 (errors) and 0..257. Returns the interned entry. Context: any; pure.
   *
   * @throws IllegalArgumentException for any other number
   */
  public static XaInternal mkInternal(int v) {
    if (v < 0) {
      return error(v);
    }
    checkArgument(v <= ZERO_NUMBER, "xa_mk_internal(%s): only -4095..257 are modelled", v);
    return INTERNAL[v];
  }

  /**
   * {@code xa_to_internal(e)} (include/linux/xarray.h, v6.18): returns the internal number of
   * {@code e}. Context: any; pure.
   *
   * @throws IllegalArgumentException if {@code e} is not an internal non-node entry
   */
  public static int toInternal(Object e) {
    checkArgument(e instanceof XaInternal, "xa_to_internal(%s): not an internal entry",
        describe(e));
    return ((XaInternal) e).internalNumber();
  }

  /**
   * {@code xa_is_internal(e)} (include/linux/xarray.h, v6.18): returns true for siblings, retry,
   * zero, errors and node pointers. Context: any; pure.
   */
  public static boolean isInternal(Object e) {
    return e instanceof XaInternal || e instanceof XaNode;
  }

  /**
   * {@code xa_is_advanced(e)} (include/linux/xarray.h, v6.18): returns true for an internal entry
   * not above {@code XA_RETRY_ENTRY} (siblings and retry, i.e. internal numbers 0..256). The normal
   * API refuses these with {@code -EINVAL}. Context: any; pure.
   */
  public static boolean isAdvanced(Object e) {
    if (!(e instanceof XaInternal) || e instanceof XaError) {
      return false;
    }
    return ((XaInternal) e).internalNumber() <= RETRY_NUMBER;
  }

  /**
   * {@code xa_mk_sibling(k)} (include/linux/xarray.h, v6.18): returns the sibling entry pointing at
   * slot {@code k}. Context: any; pure.
   *
   * @throws IllegalArgumentException unless {@code 0 <= k <= 62}
   */
  public static XaInternal mkSibling(int k) {
    checkArgument(k >= 0 && k <= MAX_SIBLING, "xa_mk_sibling(%s): slot must be in 0..%s", k,
        MAX_SIBLING);
    return INTERNAL[k];
  }

  /**
   * {@code xa_is_sibling(e)} (include/linux/xarray.h, v6.18) for 64-slot nodes: returns true for
   * internal number 0..62 ({@code e < xa_mk_sibling(XA_CHUNK_SIZE - 1)}). Context: any; pure.
   */
  public static boolean isSibling(Object e) {
    if (e instanceof XaInternal) {
      int n = ((XaInternal) e).internalNumber();
      return n >= 0 && n <= MAX_SIBLING;
    }
    return false;
  }

  /**
   * {@code xa_is_sibling(e)} (include/linux/xarray.h, v6.18) for a build with the given
   * {@code XA_CHUNK_SHIFT}: returns true for internal number 0..{@code (1 << chunkShift) - 2}.
   * Context: any; pure.
   */
  public static boolean isSibling(Object e, int chunkShift) {
    if (e instanceof XaInternal) {
      int n = ((XaInternal) e).internalNumber();
      return n >= 0 && n <= (1 << chunkShift) - 2;
    }
    return false;
  }

  /**
   * {@code xa_to_sibling(e)} (include/linux/xarray.h, v6.18): returns the slot the sibling points
   * at. Context: any; pure.
   *
   * @throws IllegalArgumentException if {@code e} is not a sibling
   */
  public static int toSibling(Object e) {
    checkArgument(isSibling(e), "xa_to_sibling(%s): not a sibling entry", describe(e));
    return ((XaInternal) e).internalNumber();
  }

  /**
   * {@code xa_is_retry(e)} (include/linux/xarray.h, v6.18): returns true for
   * {@code XA_RETRY_ENTRY}. Context: any; pure.
   */
  public static boolean isRetry(Object e) {
    return e == XA_RETRY_ENTRY;
  }

  /**
   * {@code xa_is_zero(e)} (include/linux/xarray.h, v6.18): returns true for {@code XA_ZERO_ENTRY}.
   * Context: any; pure.
   */
  public static boolean isZero(Object e) {
    return e == XA_ZERO_ENTRY;
  }

  /**
   * {@code xa_is_node(e)} (include/linux/xarray.h, v6.18): returns true for a pointer to an
   * {@link XaNode}. Context: any; pure.
   */
  public static boolean isNode(Object e) {
    return e instanceof XaNode;
  }

  /**
   * {@code xa_to_node(e)} (include/linux/xarray.h, v6.18): returns the node {@code e} points at.
   * Context: any; pure.
   *
   * @throws IllegalArgumentException if {@code e} is not a node
   */
  public static XaNode toNode(Object e) {
    checkArgument(e instanceof XaNode, "xa_to_node(%s): not a node entry", describe(e));
    return (XaNode) e;
  }

  /**
   * {@code xa_mk_node(node)} (include/linux/xarray.h, v6.18): returns the entry pointing at
   * {@code node}; in the model the node object is its own entry. Context: any; pure.
   */
  public static Object mkNode(XaNode node) {
    return node;
  }

  /**
   * {@code xa_is_err(e)} (include/linux/xarray.h, v6.18): returns true for an error entry (internal
   * number -4095..-1). Context: any; pure.
   */
  public static boolean isErr(Object e) {
    return e instanceof XaError;
  }

  /**
   * {@code xa_err(e)} (include/linux/xarray.h, v6.18): returns the negative errno of an error
   * entry, 0 for any other entry. Context: any; pure.
   */
  public static int err(Object e) {
    return e instanceof XaError ? ((XaError) e).errno() : 0;
  }

  /**
   * {@code XA_ERROR(errno)} (include/linux/xarray.h, v6.18): returns the interned error entry for a
   * negative errno. Context: any; pure.
   *
   * @throws IllegalArgumentException unless {@code -4095 <= errno <= -1}
   */
  public static XaError error(int errno) {
    checkArgument(errno < 0 && errno >= -XaErrno.MAX_ERRNO,
        "XA_ERROR(%s): errno must be in -4095..-1", errno);
    return ERRORS[-errno];
  }

  /** True for a user pointer: non-NULL and neither a value nor an internal entry. */
  public static boolean isPointer(Object e) {
    return e != null && !(e instanceof XaValue) && !isInternal(e);
  }

  /**
   * Compares two words the way the kernel compares {@code void *}: the same object, or two value
   * entries holding the same value. Used everywhere the model compares words ({@code xas_store}'s
   * no-op check, {@code xa_cmpxchg}, ...); callers such as the page cache's
   * {@code xas_reload(&xas) != folio} check should use it too.
   */
  public static boolean same(Object a, Object b) {
    return a == b || (a instanceof XaValue && a.equals(b));
  }

  /**
   * Describes a word in the style of {@code xa_dump_entry}: {@code NULL}, {@code value(0x1f)},
   * {@code sibling(16)}, {@code retry}, {@code zero}, {@code error(-ENOMEM)}, {@code node#3}, or
   * the user object's {@code toString()}. Also describes the other values an {@link XaStore} can
   * carry (integers, mark bits, {@link XArray#XA_RCU_FREE}).
   */
  public static String describe(Object e) {
    if (e == null) {
      return "NULL";
    }
    if (e instanceof XaValue || e instanceof XaNode) {
      return e.toString();
    }
    if (e instanceof XaError) {
      return "error(" + XaErrno.name(((XaError) e).errno()) + ")";
    }
    if (e instanceof XaInternal) {
      int n = ((XaInternal) e).internalNumber();
      if (n <= MAX_SIBLING) {
        return "sibling(" + n + ")";
      }
      if (n == RETRY_NUMBER) {
        return "retry";
      }
      if (n == ZERO_NUMBER) {
        return "zero";
      }
      return "internal(" + n + ")";
    }
    return String.valueOf(e);
  }
}
