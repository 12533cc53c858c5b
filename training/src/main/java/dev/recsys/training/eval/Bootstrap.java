package dev.recsys.training.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile-bootstrap 95% confidence intervals for means of per-user metrics and for paired differences between
 * two models. Users are resampled with replacement; the same seed gives the same resamples, so results are
 * deterministic, and every metric of one call sees the same resampled users.
 */
public final class Bootstrap {

  public static final int DEFAULT_RESAMPLES = 1000;
  public static final long DEFAULT_SEED = 42;
  /** Two-sided confidence level of every interval. */
  public static final double LEVEL = 0.95;

  private final int resamples;
  private final long seed;

  /** Creates a bootstrap drawing {@code resamples} resamples from a generator seeded with {@code seed}. */
  public Bootstrap(int resamples, long seed) {
    if (resamples < 2) {
      throw new IllegalArgumentException("bootstrap resamples must be >= 2, got " + resamples);
    }
    this.resamples = resamples;
    this.seed = seed;
  }

  /** Returns a bootstrap with {@value #DEFAULT_RESAMPLES} resamples and seed {@value #DEFAULT_SEED}. */
  public static Bootstrap defaults() {
    return new Bootstrap(DEFAULT_RESAMPLES, DEFAULT_SEED);
  }

  public int resamples() {
    return resamples;
  }

  public long seed() {
    return seed;
  }

  /** Returns the mean of {@code values} with its confidence interval. */
  public Interval mean(double[] values) {
    return means(List.of(values)).get(0);
  }

  /**
   * Returns the mean and confidence interval of each column, all columns (metrics of the same users) drawing the
   * same resampled rows in one pass. Fails when the columns are empty or differ in length.
   */
  public List<Interval> means(List<double[]> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("no columns to bootstrap");
    }
    int n = columns.get(0).length;
    if (n == 0) {
      throw new IllegalArgumentException("cannot bootstrap the mean of zero users");
    }
    for (double[] c : columns) {
      if (c.length != n) {
        throw new IllegalArgumentException("columns differ in length: " + n + " and " + c.length);
      }
    }
    double[][] resampledMeans = new double[columns.size()][resamples];
    // A resample as how often each row was drawn: summing value * count reads the columns sequentially, which is
    // several times faster than gathering the drawn rows at random.
    int[] draws = new int[n];
    SplittableRandom random = new SplittableRandom(seed);
    for (int r = 0; r < resamples; r++) {
      Arrays.fill(draws, 0);
      for (int i = 0; i < n; i++) {
        draws[random.nextInt(n)]++;
      }
      for (int c = 0; c < columns.size(); c++) {
        double[] column = columns.get(c);
        double sum = 0;
        for (int row = 0; row < n; row++) {
          sum += column[row] * draws[row];
        }
        resampledMeans[c][r] = sum / n;
      }
    }
    List<Interval> intervals = new ArrayList<>(columns.size());
    for (int c = 0; c < columns.size(); c++) {
      double[] sorted = resampledMeans[c];
      Arrays.sort(sorted);
      double alpha = (1 - LEVEL) / 2;
      intervals.add(new Interval(average(columns.get(c)), quantile(sorted, alpha), quantile(sorted, 1 - alpha), n));
    }
    return intervals;
  }

  /**
   * Returns the mean difference {@code a - b} over the same users with its paired confidence interval: each
   * resample draws users and takes both models' values for those users. Fails when the lengths differ.
   */
  public Interval pairedDifference(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired samples differ in length: " + a.length + " and " + b.length);
    }
    double[] diff = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      diff[i] = a[i] - b[i];
    }
    return mean(diff);
  }

  private static double average(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** Returns the {@code p} quantile of ascending {@code sorted}, interpolating linearly between order statistics. */
  private static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
