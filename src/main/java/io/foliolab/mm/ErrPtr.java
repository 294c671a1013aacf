package io.foliolab.mm;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * {@code ERR_PTR(errno)} (include/linux/err.h, v6.18): an error returned where a folio pointer is
 * expected; {@code IS_ERR(p)} is {@code p instanceof ErrPtr}. The errnos the modelled paths
 * return are constants here.
 *
 * @param errno the negative errno
 */
public record ErrPtr(int errno) {
  public static final int ENOENT = -2;
  public static final int EAGAIN = -11;
  public static final int ENOMEM = -12;
  public static final int EBUSY = -16;
  public static final int EEXIST = -17;
  public static final int EINVAL = -22;

  public ErrPtr {
    checkArgument(errno < 0 && errno >= -4095, "errno %s must be in -4095..-1", errno);
  }

  /**
   * {@code IS_ERR(p)} (include/linux/err.h, v6.18): returns whether {@code p} is an error
   * pointer. Context: any.
   */
  public static boolean isErr(Object p) {
    return p instanceof ErrPtr;
  }

  /** {@code "-ENOENT"} etc. for the errnos above, else the number. */
  public static String name(int errno) {
    switch (errno) {
      case 0:
        return "0";
      case ENOENT:
        return "-ENOENT";
      case EAGAIN:
        return "-EAGAIN";
      case ENOMEM:
        return "-ENOMEM";
      case EBUSY:
        return "-EBUSY";
      case EEXIST:
        return "-EEXIST";
      case EINVAL:
        return "-EINVAL";
      default:
        return Integer.toString(errno);
    }
  }

  @Override
  public String toString() {
    return "ERR_PTR(" + name(errno) + ")";
  }
}
