package io.foliolab.xarray;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Raw access to the shared words of XArrays and nodes by name (owner, field, index), bypassing
 * any {@link XaObserver}. {@link XaStore#undo} and {@link XaStore#redo} use it to roll a recorded
 * write-side operation back and to publish its stores again one at a time.
 */
public final class XaMemory {
  private XaMemory() {}

  /**
   * Writes {@code value} into the word named by (owner, field, index) without reporting it.
   * Integer fields take {@link Integer}s, mark bits {@link Boolean}s, {@code PARENT} an
   * {@link XaNode} or null, {@code HEAD} and {@code SLOT} any entry.
   *
   * @throws IllegalArgumentException if the owner does not have that field or the value has the
   *     wrong type
   */
  public static void write(Object owner, XaField field, int index, Object value) {
    if (owner instanceof XArray) {
      XArray xa = (XArray) owner;
      switch (field) {
        case HEAD:
          xa.head = value;
          return;
        case FLAG_MARK:
          checkMark(index);
          xa.markFlags = setBit(xa.markFlags, index, asBoolean(value, field));
          return;
        default:
          throw new IllegalArgumentException("an XArray has no field " + field);
      }
    }
    checkArgument(owner instanceof XaNode, "owner %s is neither an XArray nor an XaNode", owner);
    XaNode node = (XaNode) owner;
    switch (field) {
      case SLOT:
        node.slots[index] = value;
        return;
      case MARK: {
        int chunk = node.slots.length;
        int mark = index / chunk;
        int offset = index % chunk;
        checkMark(mark);
        long bit = 1L << offset;
        if (asBoolean(value, field)) {
          node.marks[mark] |= bit;
        } else {
          node.marks[mark] &= ~bit;
        }
        return;
      }
      case SHIFT:
        node.shift = asInt(value, field);
        return;
      case OFFSET:
        node.offset = asInt(value, field);
        return;
      case COUNT:
        node.count = asInt(value, field);
        return;
      case NR_VALUES:
        node.nrValues = asInt(value, field);
        return;
      case PARENT:
        checkArgument(value == null || value instanceof XaNode, "parent must be a node, not %s",
            value);
        node.parent = (XaNode) value;
        return;
      case ARRAY:
        node.array = value;
        return;
      default:
        throw new IllegalArgumentException("an XaNode has no field " + field);
    }
  }

  /**
   * Names a word for traces: {@code xarray.head}, {@code xarray.flags.mark0},
   * {@code node#3.slots[16]}, {@code node#3.marks[1][16]}, {@code node#3.count}, ...
   */
  public static String describe(Object owner, XaField field, int index) {
    switch (field) {
      case HEAD:
        return owner + ".head";
      case FLAG_MARK:
        return owner + ".flags.mark" + index;
      case SLOT:
        return owner + ".slots[" + index + "]";
      case MARK: {
        int chunk = owner instanceof XaNode ? ((XaNode) owner).slots.length : 64;
        return owner + ".marks[" + index / chunk + "][" + index % chunk + "]";
      }
      case NR_VALUES:
        return owner + ".nr_values";
      default:
        return owner + "." + field.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static void checkMark(int mark) {
    checkArgument(mark >= 0 && mark < XArray.XA_MAX_MARKS, "mark %s: must be 0..2", mark);
  }

  private static int setBit(int bits, int bit, boolean on) {
    return on ? bits | (1 << bit) : bits & ~(1 << bit);
  }

  private static boolean asBoolean(Object value, XaField field) {
    checkArgument(value instanceof Boolean, "%s takes a Boolean, not %s", field, value);
    return (Boolean) value;
  }

  private static int asInt(Object value, XaField field) {
    checkArgument(value instanceof Integer, "%s takes an Integer, not %s", field, value);
    return (Integer) value;
  }
}
