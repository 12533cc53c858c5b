package dev.recsys.training.eval;

/**
 * A point estimate with its 95% bootstrap confidence interval.
 *
 * @param estimate the statistic on the original sample
 * @param low 2.5th percentile of the bootstrap distribution
 * @param high 97.5th percentile of the bootstrap distribution
 * @param n the sample size (users)
 */
public record Interval(double estimate, double low, double high, int n) {

  /** Returns whether the whole interval lies above {@code x}. */
  public boolean above(double x) {
    return low > x;
  }

  /** Returns whether {@code x} lies inside the interval, ends included. */
  public boolean contains(double x) {
    return low <= x && x <= high;
  }

  /** Returns the interval width, {@code high - low}. */
  public double width() {
    return high - low;
  }
}
