package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;

import io.foliolab.xarray.XaEntry;
import io.foliolab.xarray.XaValue;

/**
 * A {@code swp_entry_t} (include/linux/mm_types.h, include/linux/swapops.h, v6.16): a swap device
 * {@code type} and a slot {@code offset} on it, packed into one word {@code val} as
 * {@code type << SWP_TYPE_SHIFT | offset}. Immutable. {@code swp_entry_t} with {@code val == 0}
 * ("no swap entry") is represented by {@code null} where a field may hold none
 * ({@code folio->swap}).
 *
 * <p>Shmem keeps swapped-out data in its page cache as value entries: {@link #toRadix}
 * ({@code swp_to_radix_entry}) and {@link #fromRadix} ({@code radix_to_swp_entry}). A large
 * (multi-index) shmem swap entry of order k at index {@code base} holds the entry of its first
 * slot; index {@code base + j} corresponds to slot {@code offset + j}.
 *
 * @param type the swap device ({@code swp_type}), 0 .. {@code MAX_SWAPFILES - 1}
 * @param offset the slot on it ({@code swp_offset})
 */
public record SwpEntry(int type, long offset) {
  /** {@code MAX_SWAPFILES_SHIFT}. */
  public static final int MAX_SWAPFILES_SHIFT = 5;
  /** {@code SWP_TYPE_SHIFT} = {@code BITS_PER_XA_VALUE - MAX_SWAPFILES_SHIFT} (64-bit: 58). */
  public static final int SWP_TYPE_SHIFT = 63 - MAX_SWAPFILES_SHIFT;
  /** {@code SWP_OFFSET_MASK}. */
  public static final long SWP_OFFSET_MASK = (1L << SWP_TYPE_SHIFT) - 1;

  public SwpEntry {
    checkArgument(type >= 0 && type < (1 << MAX_SWAPFILES_SHIFT),
        "swap type %s must be in 0..%s", type, (1 << MAX_SWAPFILES_SHIFT) - 1);
    checkArgument(offset >= 0 && offset <= SWP_OFFSET_MASK,
        "swap offset %s must be in 0..%s", offset, SWP_OFFSET_MASK);
  }

  /**
   * {@code swp_entry(type, offset)} (include/linux/swapops.h, v6.16): returns the entry. Context:
   * any.
   */
  public static SwpEntry of(int type, long offset) {
    return new SwpEntry(type, offset);
  }

  /** {@code entry.val}. */
  public long val() {
    return (long) type << SWP_TYPE_SHIFT | offset;
  }

  /**
   * The entry whose {@code val} is {@code val} ({@code (swp_entry_t){ val }}).
   *
   * @throws IllegalArgumentException for {@code val == 0} (no entry) or a negative value
   */
  public static SwpEntry ofVal(long val) {
    checkArgument(val > 0, "swap entry val %s: must be > 0 (0 means no entry)", val);
    return new SwpEntry((int) (val >>> SWP_TYPE_SHIFT), val & SWP_OFFSET_MASK);
  }

  /**
   * {@code swp_to_radix_entry(entry)} (include/linux/swapops.h, v6.16): returns
   * {@code xa_mk_value(entry.val)}, the value entry shmem stores in the page cache. Context: any.
   */
  public XaValue toRadix() {
    return XaEntry.mkValue(val());
  }

  /**
   * {@code radix_to_swp_entry(entry)} (include/linux/swapops.h, v6.16): returns the swap entry a
   * shmem value entry holds. Context: any.
   *
   * @throws IllegalArgumentException if {@code entry} is not a value entry
   */
  public static SwpEntry fromRadix(Object entry) {
    checkArgument(XaEntry.isValue(entry), "radix_to_swp_entry(%s): not a value entry",
        XaEntry.describe(entry));
    return ofVal(XaEntry.toValue(entry));
  }

  /**
   * {@code swp_entry(swp_type(e), swp_offset(e) + n)} (include/linux/swapops.h, v6.16): returns
   * the entry {@code n} slots further on the same device. Context: any.
   */
  public SwpEntry plus(long n) {
    return new SwpEntry(type, offset + n);
  }

  /** {@code (swp_entry_t){ round_down(e.val, nr) }} for a power of two {@code nr}. */
  public SwpEntry roundDown(long nr) {
    checkArgument(nr > 0 && (nr & (nr - 1)) == 0, "round_down by %s: not a power of two", nr);
    return new SwpEntry(type, offset & ~(nr - 1));
  }

  @Override
  public String toString() {
    return "swp_entry(" + type + ", 0x" + Long.toHexString(offset) + ")";
  }
}
