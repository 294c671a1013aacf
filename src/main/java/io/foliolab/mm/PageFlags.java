package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.StringJoiner;

/**
 * The page flag bits the model uses: {@code enum pageflags} of include/linux/page-flags.h (v6.18),
 * with the kernel's bit numbers, and their names as {@code %pGp} prints them
 * ({@code __def_pageflag_names} in include/trace/events/mmflags.h, in that table's order).
 *
 * <p>The bit numbers matter only for dumps: with them a model dump shows the same low bits as a
 * kernel dump (the 6.18.7 report's {@code 0x...1ad} is locked|referenced|uptodate|lru|waiters|
 * active). {@code PG_swapcache} is the kernel's alias of {@code PG_owner_priv_1} (meaningful with
 * {@code PG_swapbacked}); {@code PG_large} is {@code PG_head}, set on the first page of a large
 * folio.
 */
public final class PageFlags {
  private PageFlags() {}

  /** {@code PG_locked}: the folio lock. */
  public static final int PG_locked = 0;
  /** {@code PG_writeback}. */
  public static final int PG_writeback = 1;
  /** {@code PG_referenced}. */
  public static final int PG_referenced = 2;
  /** {@code PG_uptodate}. */
  public static final int PG_uptodate = 3;
  /** {@code PG_dirty}. */
  public static final int PG_dirty = 4;
  /** {@code PG_lru}. */
  public static final int PG_lru = 5;
  /** {@code PG_head}: {@code folio_test_large}. */
  public static final int PG_head = 6;
  /** The brief's name for {@link #PG_head}. */
  public static final int PG_large = PG_head;
  /** {@code PG_waiters}: someone sleeps on the folio's wait queue. */
  public static final int PG_waiters = 7;
  /** {@code PG_active}. */
  public static final int PG_active = 8;
  /** {@code PG_workingset}. */
  public static final int PG_workingset = 9;
  /** {@code PG_owner_priv_1}; {@code PG_swapcache} is its alias. */
  public static final int PG_owner_priv_1 = 10;
  /** {@code PG_swapcache} ({@code PG_owner_priv_1}). */
  public static final int PG_swapcache = PG_owner_priv_1;
  /** {@code PG_private}: {@code folio->private} holds fs data (one extra reference). */
  public static final int PG_private = 14;
  /** {@code PG_reclaim}. */
  public static final int PG_reclaim = 16;
  /** {@code PG_swapbacked}. */
  public static final int PG_swapbacked = 17;
  /** {@code PG_unevictable}. */
  public static final int PG_unevictable = 18;
  /** {@code PG_mlocked}. */
  public static final int PG_mlocked = 20;

  /**
   * Names in the order {@code %pGp} prints them ({@code __def_pageflag_names}); index i of
   * {@link #PRINT_BITS} is the bit named {@code PRINT_NAMES[i]}.
   */
  private static final String[] PRINT_NAMES = {
    "locked", "waiters", "referenced", "uptodate", "dirty", "lru", "active", "workingset",
    "owner_priv_1", "private", "writeback", "head", "reclaim", "swapbacked", "unevictable",
    "mlocked"
  };

  private static final int[] PRINT_BITS = {
    PG_locked, PG_waiters, PG_referenced, PG_uptodate, PG_dirty, PG_lru, PG_active,
    PG_workingset, PG_owner_priv_1, PG_private, PG_writeback, PG_head, PG_reclaim,
    PG_swapbacked, PG_unevictable, PG_mlocked
  };

  /**
   * The flags the split copies from the head to every new piece ({@code __split_folio_to_order},
   * mm/huge_memory.c v6.18): referenced, swapbacked, swapcache, mlocked, uptodate, active,
   * workingset, locked, unevictable, dirty (arch and LRU-generation bits are not modelled).
   */
  public static final int[] SPLIT_COPIED = {
    PG_referenced, PG_swapbacked, PG_swapcache, PG_mlocked, PG_uptodate, PG_active,
    PG_workingset, PG_locked, PG_unevictable, PG_dirty
  };

  /** The {@code %pGp} name of {@code bit}, or {@code "bit" + bit} for a bit the model does not name. */
  public static String name(int bit) {
    checkArgument(bit >= 0 && bit < 64, "page flag bit %s out of range [0, 64)", bit);
    for (int i = 0; i < PRINT_BITS.length; i++) {
      if (PRINT_BITS[i] == bit) {
        return PRINT_NAMES[i];
      }
    }
    return "bit" + bit;
  }

  /**
   * The bit called {@code name} ({@code "locked"}, {@code "uptodate"}, ...; {@code "swapcache"} and
   * {@code "large"} are accepted as the aliases).
   *
   * @throws IllegalArgumentException for an unknown name, listing the valid ones
   */
  public static int bit(String name) {
    if (name.equals("swapcache")) {
      return PG_swapcache;
    }
    if (name.equals("large")) {
      return PG_large;
    }
    for (int i = 0; i < PRINT_NAMES.length; i++) {
      if (PRINT_NAMES[i].equals(name)) {
        return PRINT_BITS[i];
      }
    }
    throw new IllegalArgumentException("unknown page flag '" + name + "'; valid flags: "
        + String.join(", ", PRINT_NAMES) + ", swapcache, large");
  }

  /** The names of the bits set in {@code flags}, in {@code %pGp} order, joined by {@code |}. */
  public static String describe(long flags) {
    StringJoiner j = new StringJoiner("|");
    long rest = flags;
    for (int i = 0; i < PRINT_BITS.length; i++) {
      long m = 1L << PRINT_BITS[i];
      if ((flags & m) != 0) {
        j.add(PRINT_NAMES[i]);
        rest &= ~m;
      }
    }
    for (int b = 0; b < 64; b++) {
      if ((rest & (1L << b)) != 0) {
        j.add("bit" + b);
      }
    }
    return j.toString();
  }

  /**
   * {@code flags: 0x1ad(locked|waiters|...)}: returns the flags line of {@code dump_page}
   * ({@code __dump_folio}, mm/debug.c, v6.18). Context: failure reporting; no access.
   */
  public static String dumpLine(long flags) {
    return "flags: 0x" + Long.toHexString(flags) + "(" + describe(flags) + ")";
  }
}
