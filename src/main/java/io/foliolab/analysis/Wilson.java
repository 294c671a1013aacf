package io.foliolab.analysis;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The Wilson score interval for a binomial proportion (E. B. Wilson, "Probable inference, the
 * law of succession, and statistical inference", JASA 22, 1927): for {@code k} failures in
 * {@code n} independent executions, the 95% interval is
 * {@code (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)} with {@code p = k/n} and
 * {@code z = 1.959964}. Unlike the normal approximation it stays inside [0, 1] and is not empty
 * at {@code k = 0} or {@code k = n}. Immutable.
 *
 * @param failures k
 * @param executions n
 * @param rate k / n (NaN when n = 0)
 * @param low lower bound (0 when n = 0)
 * @param high upper bound (1 when n = 0)
 */
public record Wilson(long failures, long executions, double rate, double low, double high) {
  /** The 0.975 quantile of the standard normal distribution. */
  public static final double Z95 = 1.959963984540054;

  /**
   * The 95% Wilson interval for {@code k} failures in {@code n} executions.
   *
   * @throws IllegalArgumentException unless {@code 0 <= k <= n}
   */
  public static Wilson of(long k, long n) {
    return of(k, n, Z95);
  }

  /** The Wilson interval with quantile {@code z}. */
  public static Wilson of(long k, long n, double z) {
    checkArgument(n >= 0 && k >= 0 && k <= n, "need 0 <= failures <= executions, got %s of %s",
        k, n);
    checkArgument(z > 0, "z %s must be > 0", z);
    if (n == 0) {
      return new Wilson(0, 0, Double.NaN, 0, 1);
    }
    double p = (double) k / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = p + z2 / (2.0 * n);
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    double low = k == 0 ? 0 : Math.max(0, (centre - half) / denom);
    double high = k == n ? 1 : Math.min(1, (centre + half) / denom);
    return new Wilson(k, n, p, low, high);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%d/%d = %.4g [%.4g, %.4g]", failures,
        executions, rate, low, high);
  }
}
