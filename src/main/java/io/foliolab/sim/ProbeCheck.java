package io.foliolab.sim;

import io.foliolab.xarray.XaState;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Strict probe mode ({@link Machine#setStrictProbes}): checks the step-program rule "no side
 * effect before a step's first shared action" on every step the machine abandons, i.e. a step a
 * probe ran up to its first action (a failure such as {@code VM_BUG_ON} counts as one) and a step
 * that blocked on a lock. Such a step runs again from its start later, so whatever it changed
 * before it was abandoned must be exactly as it was.
 *
 * <p>Before each step of a CPU ({@link #before}) this records the CPU's call stack (depth and
 * routine identities), the CPU's own state a step can change ({@link Cpu#retval()}, pending work,
 * retries, its observation log), the machine's state parts and {@code init} count, and every
 * field of every routine on the stack, recursively through the step-local objects they refer to
 * (other routines, such as callees kept as fields; XArray cursors; {@link StepLocal} objects;
 * collections and arrays). If the step is abandoned, {@link #after} records the same again and
 * throws {@link IllegalStateException} naming the first difference. Steps that complete (local
 * steps included, which a probe runs for real) are not compared: their changes are the step.
 *
 * <p>Values are compared by identity, except boxed primitives and strings (by value); shared
 * objects (folios, address spaces, XArrays, cells) are compared by identity only. Field lists are
 * cached per class. Only used in strict mode: it allocates and reflects on every step.
 */
final class ProbeCheck {
  /** Why a step was abandoned: a probe stopped at its first action. */
  static final int PROBED = 0;
  /** Why a step was abandoned: it blocked on a lock. */
  static final int BLOCKED = 1;
  /**
   * Why a step was abandoned: a probe ran into a {@link Failure} (the CPU's failure operations
   * stop a probe as actions, so this is for failures raised some other way).
   */
  static final int FAILS = 2;
  /** No old and new value to show. */
  private static final Object NONE = new Object();

  /** How a field is read and compared. */
  private static final byte REF = 0;
  private static final byte FINAL_REF = 1;
  private static final byte LONG = 2;
  private static final byte BOOLEAN = 3;
  private static final byte FLOAT = 4;
  private static final byte DOUBLE = 5;

  /**
   * The instance fields of a class and its superclasses, with how to read each: primitives
   * without boxing; a final reference is only followed (its value cannot change); a final
   * primitive is left out.
   */
  private static final class Layout {
    /**
     * Whether objects of this class are step-local, compared deeply: routines, XArray cursors,
     * {@link StepLocal} objects, collections, maps, arrays.
     */
    final boolean deep;
    /** 0: an object with fields; 1: an array; 2: a collection; 3: a map. */
    final int shape;
    final Field[] fields;
    final byte[] kinds;

    Layout(Class<?> type) {
      deep = Routine.class.isAssignableFrom(type) || type == XaState.class
          || StepLocal.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
          || Map.class.isAssignableFrom(type) || type.isArray();
      shape = type.isArray() ? 1 : Collection.class.isAssignableFrom(type) ? 2
          : Map.class.isAssignableFrom(type) ? 3 : 0;
      if (!deep || shape != 0) {
        fields = new Field[0];
        kinds = new byte[0];
        return;
      }
      List<Field> fs = new ArrayList<>();
      List<Byte> ks = new ArrayList<>();
      for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          int mod = f.getModifiers();
          if (Modifier.isStatic(mod)) {
            continue;
          }
          Class<?> t = f.getType();
          boolean fin = Modifier.isFinal(mod);
          if (fin && t.isPrimitive()) {
            continue;
          }
          f.setAccessible(true);
          fs.add(f);
          ks.add(!t.isPrimitive() ? (fin ? FINAL_REF : REF)
              : t == boolean.class ? BOOLEAN : t == float.class ? FLOAT
              : t == double.class ? DOUBLE : LONG);
        }
      }
      fields = fs.toArray(new Field[0]);
      kinds = new byte[ks.size()];
      for (int i = 0; i < kinds.length; i++) {
        kinds[i] = ks.get(i);
      }
    }
  }

  private static final ClassValue<Layout> LAYOUTS = new ClassValue<>() {
    @Override
    protected Layout computeValue(Class<?> type) {
      return new Layout(type);
    }
  };

  private final List<LongSupplier> stateParts;
  private final Snapshot was = new Snapshot();
  private final Snapshot now = new Snapshot();
  private String label = "";
  private Routine<?>[] frames = new Routine<?>[8];
  private String[] frameLabels = new String[8];
  private int depth;
  private Object retval;
  private int pending;
  private int retries;
  private int logSize;
  private int stores;
  private long[] parts = new long[0];
  private long inits;

  ProbeCheck(List<LongSupplier> stateParts) {
    this.stateParts = stateParts;
  }

  /** Records CPU {@code c}'s state before it runs the step {@code stepLabel}. */
  void before(Cpu c, String stepLabel, long initCount) {
    label = stepLabel;
    depth = c.depth;
    if (frames.length < depth) {
      frames = new Routine<?>[c.stack.length];
      frameLabels = new String[c.stack.length];
    }
    for (int f = 0; f < depth; f++) {
      frames[f] = c.stack[f];
      frameLabels[f] = c.stack[f].label();
    }
    retval = c.retval;
    pending = c.pending;
    retries = c.retries;
    logSize = c.logSize;
    stores = c.stores.size();
    if (parts.length != stateParts.size()) {
      parts = new long[stateParts.size()];
    }
    for (int i = 0; i < parts.length; i++) {
      parts[i] = stateParts.get(i).getAsLong();
    }
    inits = initCount;
    was.record(c);
  }

  /**
   * Checks that CPU {@code c}'s abandoned step (abandoned because {@code why}) left everything
   * {@link #before} recorded as it was.
   *
   * @throws IllegalStateException naming the step, the routine, the field, the old and new value
   */
  void after(Cpu c, int why, long initCount) {
    if (c.depth != depth) {
      fail(c, why, "the call stack's depth", depth, c.depth);
    }
    for (int f = 0; f < depth; f++) {
      if (c.stack[f] != frames[f]) {
        fail(c, why, "call stack frame " + f, frames[f], c.stack[f]);
      }
    }
    if (c.retval != retval) {
      fail(c, why, "the CPU's return value (cpu.ret)", retval, c.retval);
    }
    if (c.pending != pending) {
      fail(c, why, "the CPU's pending work (a retry or a queued store)", pending, c.pending);
    }
    if (c.retries != retries) {
      fail(c, why, "the CPU's retry count (retry(cpu, label))", retries, c.retries);
    }
    if (c.logSize != logSize) {
      fail(c, why, "the CPU's observation log", logSize, c.logSize);
    }
    if (c.stores.size() != stores) {
      fail(c, why, "the CPU's queued stores", stores, c.stores.size());
    }
    for (int i = 0; i < parts.length; i++) {
      long p = stateParts.get(i).getAsLong();
      if (p != parts[i]) {
        fail(c, why, "state part " + i + " of the model (Machine.addStatePart: e.g. an"
            + " allocator's free lists), whose hash", parts[i], p);
      }
    }
    if (initCount != inits) {
      fail(c, why, "cells by init (" + (initCount - inits) + " init calls)", inits, initCount);
    }
    now.record(c);
    int n = Math.min(was.n, now.n);
    for (int i = 0; i < n; i++) {
      if (was.sameAt(i, now, i)) {
        continue;
      }
      if (was.owner[i] != now.owner[i] || !Snapshot.samePlace(was.where[i], now.where[i])) {
        fail(c, why, "the routines' structure at " + was.describe(i, frames, frameLabels)
            + " (now " + now.describe(i, frames, frameLabels) + ")", NONE, NONE);
      }
      fail(c, why, was.describe(i, frames, frameLabels), was.shown(i), now.shown(i));
    }
    if (was.n != now.n) {
      fail(c, why, "the number of step-local values", was.n, now.n);
    }
  }

  private static boolean same(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    return (a instanceof Number || a instanceof String || a instanceof Boolean
        || a instanceof Character) && a.equals(b);
  }

  private void fail(Cpu c, int why, String what, Object old, Object now) {
    String reason = why == PROBED ? "a probe stopped at its first shared action"
        : why == BLOCKED ? "it blocked on a lock" : "a probe found that it fails";
    throw new IllegalStateException("strict probes: step " + label + " on CPU " + c.id
        + " changed " + what + (old == NONE ? "" : " from " + show(old) + " to " + show(now))
        + " before its first shared action (" + reason + "; the step runs again from its start"
        + " later). Compute into Java locals and assign fields after the action (sim package"
        + " documentation, rule 2).");
  }

  static String show(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Routine) {
      return v.getClass().getSimpleName() + "@" + ((Routine<?>) v).label();
    }
    if (v instanceof String) {
      return "\"" + v + "\"";
    }
    String s;
    try {
      s = String.valueOf(v);
    } catch (RuntimeException e) {
      s = v.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(v));
    }
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  /**
   * The values of a CPU's routines in a fixed traversal order: per value its owner (a routine or
   * a step-local object), where in the owner (a {@link Field} or an index), the stack frame it was
   * reached from, and the value.
   */
  private static final class Snapshot {
    /** The value of an entry that holds a primitive (in {@link #prim}). */
    static final Object PRIMITIVE = new Object();
    Object[] owner = new Object[256];
    Object[] where = new Object[256];
    int[] frame = new int[256];
    Object[] value = new Object[256];
    long[] prim = new long[256];
    int n;
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private static final Object[] INDEX = new Object[64];
    private static final Object SIZE = "size";

    static {
      for (int i = 0; i < INDEX.length; i++) {
        INDEX[i] = "element " + i;
      }
    }

    /**
     * Records the routines on {@code c}'s stack, each from its own frame, and what they hold that
     * is step-local, each from the first frame that reaches it.
     */
    void record(Cpu c) {
      n = 0;
      seen.clear();
      for (int f = 0; f < c.depth; f++) {
        seen.put(c.stack[f], Boolean.TRUE);
      }
      for (int f = 0; f < c.depth; f++) {
        contents(c.stack[f], LAYOUTS.get(c.stack[f].getClass()), f);
      }
    }

    /** Whether entry {@code i} equals entry {@code j} of {@code o} (same place, same value). */
    boolean sameAt(int i, Snapshot o, int j) {
      return owner[i] == o.owner[j] && samePlace(where[i], o.where[j]) && prim[i] == o.prim[j]
          && same(value[i], o.value[j]);
    }

    /** A field (by identity) or an index or "size" (by value). */
    static boolean samePlace(Object w1, Object w2) {
      return w1 == w2 || w1 instanceof String && w1.equals(w2);
    }

    /** The value of entry {@code i}, for messages. */
    Object shown(int i) {
      if (value[i] != PRIMITIVE) {
        return value[i];
      }
      long v = prim[i];
      Object w = where[i];
      Class<?> t = w instanceof Field ? ((Field) w).getType() : long.class;
      return t == boolean.class ? (Object) (v != 0) : t == float.class
          ? (Object) Float.intBitsToFloat((int) v) : t == double.class
          ? (Object) Double.longBitsToDouble(v) : (Object) v;
    }

    /** Follows {@code v} if it is step-local (a routine, a cursor, a StepLocal, a collection). */
    private void follow(Object v, int f) {
      if (v == null) {
        return;
      }
      Layout l = LAYOUTS.get(v.getClass());
      if (l.deep && seen.put(v, Boolean.TRUE) == null) {
        contents(v, l, f);
      }
    }

    private void contents(Object o, Layout layout, int f) {
      if (layout.shape == 1) {
        int len = Array.getLength(o);
        addPrim(o, SIZE, f, len);
        for (int i = 0; i < len; i++) {
          value(o, index(i), f, Array.get(o, i));
        }
      } else if (layout.shape == 2) {
        Collection<?> c = (Collection<?>) o;
        addPrim(o, SIZE, f, c.size());
        int i = 0;
        for (Object e : c) {
          value(o, index(i++), f, e);
        }
      } else if (layout.shape == 3) {
        Map<?, ?> mp = (Map<?, ?>) o;
        addPrim(o, SIZE, f, mp.size());
        int i = 0;
        for (Map.Entry<?, ?> e : mp.entrySet()) {
          value(o, index(i), f, e.getKey());
          value(o, index(i++), f, e.getValue());
        }
      } else {
        Field[] fs = layout.fields;
        byte[] ks = layout.kinds;
        try {
          for (int k = 0; k < fs.length; k++) {
            Field fl = fs[k];
            switch (ks[k]) {
              case REF:
                value(o, fl, f, fl.get(o));
                break;
              case FINAL_REF:
                follow(fl.get(o), f);
                break;
              case LONG:
                addPrim(o, fl, f, fl.getLong(o));
                break;
              case BOOLEAN:
                addPrim(o, fl, f, fl.getBoolean(o) ? 1 : 0);
                break;
              case FLOAT:
                addPrim(o, fl, f, Float.floatToRawIntBits(fl.getFloat(o)));
                break;
              default:
                addPrim(o, fl, f, Double.doubleToRawLongBits(fl.getDouble(o)));
                break;
            }
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }

    private static Object index(int i) {
      return i < INDEX.length ? INDEX[i] : "element " + i;
    }

    private void value(Object o, Object where, int f, Object v) {
      add(o, where, f, v, 0);
      follow(v, f);
    }

    private void addPrim(Object o, Object w, int f, long v) {
      add(o, w, f, PRIMITIVE, v);
    }

    private void add(Object o, Object w, int f, Object v, long p) {
      if (n == owner.length) {
        int len = n * 2;
        owner = java.util.Arrays.copyOf(owner, len);
        where = java.util.Arrays.copyOf(where, len);
        frame = java.util.Arrays.copyOf(frame, len);
        value = java.util.Arrays.copyOf(value, len);
        prim = java.util.Arrays.copyOf(prim, len);
      }
      owner[n] = o;
      where[n] = w;
      frame[n] = f;
      value[n] = v;
      prim[n] = p;
      n++;
    }

    /**
     * E.g. "field XasLoad.offset of routine XasLoad (stack frame 3, at xas_load:walk)" or "field
     * XaState.index of a XaState reached from routine FilemapGetEntry (stack frame 2, at
     * filemap_get_entry:repeat)".
     */
    String describe(int i, Routine<?>[] frames, String[] labels) {
      Object w = where[i];
      String name = w instanceof Field
          ? "field " + ((Field) w).getDeclaringClass().getSimpleName() + "." + ((Field) w).getName()
          : w.toString();
      int f = frame[i];
      String type = owner[i].getClass().getSimpleName();
      String in = owner[i] instanceof Routine ? "routine " + type
          : ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
      if (owner[i] != frames[f]) {
        in += " reached from routine " + frames[f].getClass().getSimpleName();
      }
      return name + " of " + in + " (stack frame " + f + ", at " + labels[f] + ")";
    }
  }
}
