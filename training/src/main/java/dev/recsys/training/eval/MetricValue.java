package dev.recsys.training.eval;

/**
 * One metric of one model as reported.
 *
 * @param value the metric: a mean over users for per-user metrics, else computed on all examples
 * @param ciLow lower end of the 95% bootstrap interval; null for metrics without per-user values (coverage, AUC,
 *     log-loss)
 * @param ciHigh upper end of the 95% bootstrap interval; null when {@code ciLow} is
 * @param n the number of evaluated users, or of examples for ranker metrics
 */
public record MetricValue(double value, Double ciLow, Double ciHigh, int n) {

  public MetricValue {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric value must be finite, got " + value);
    }
    if ((ciLow == null) != (ciHigh == null)) {
      throw new IllegalArgumentException("ci_low and ci_high must both be set or both be null");
    }
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, got " + n);
    }
  }

  /** Returns the estimate and interval of a bootstrapped mean. */
  public static MetricValue of(Interval interval) {
    return new MetricValue(interval.estimate(), interval.low(), interval.high(), interval.n());
  }

  /** Returns a value without a confidence interval. */
  public static MetricValue withoutInterval(double value, int n) {
    return new MetricValue(value, null, null, n);
  }

  /** Returns whether the value carries a confidence interval. */
  public boolean hasInterval() {
    return ciLow != null;
  }
}
