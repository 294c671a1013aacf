package io.foliolab.xarray;

/**
 * The errno values the XArray returns (include/uapi/asm-generic/errno-base.h). The kernel returns
 * them negated: {@code -ENOMEM}, {@code -EBUSY}, ...
 */
public final class XaErrno {
  private XaErrno() {}

  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;

  /** {@code MAX_ERRNO}: errors are the internal numbers -4095..-1. */
  public static final int MAX_ERRNO = 4095;

  /** Returns the symbolic name of a (positive or negative) errno, e.g. {@code -ENOMEM}. */
  public static String name(int errno) {
    int e = Math.abs(errno);
    String n;
    switch (e) {
      case EAGAIN: n = "EAGAIN"; break;
      case ENOMEM: n = "ENOMEM"; break;
      case EBUSY: n = "EBUSY"; break;
      case EEXIST: n = "EEXIST"; break;
      case EINVAL: n = "EINVAL"; break;
      case ENOSPC: n = "ENOSPC"; break;
      default: n = "E" + e; break;
    }
    return errno < 0 ? "-" + n : n;
  }
}
