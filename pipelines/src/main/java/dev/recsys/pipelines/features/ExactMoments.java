package dev.recsys.pipelines.features;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;

/**
 * Count, exact sum and exact sum of squares of float feature vectors, so that the mean and population std do not
 * depend on how the rows were partitioned or in which order the partial results were merged.
 *
 * <p>Why: a Spark {@code avg}/{@code stddev_pop} adds doubles in partition order, and floating-point addition is
 * not associative, so the same rows on 8 partitions (local) and on 24 (a cluster) gave normalisers differing in
 * the last bits, hence a different {@code feature_artifacts.json} in the bundle. Here every sum is kept exactly as
 * a short list of non-overlapping doubles (Shewchuk's partials, as in Python's {@code math.fsum}); merging two
 * accumulators adds the other's partials exactly. The exact total is therefore the same for any partitioning, and
 * the mean and std are rounded from it once. A float's square is exact in a double (24-bit significands give a
 * 48-bit product), so the sum of squares is exact too; the variance {@code (n*sumSq - sum^2) / n^2} is computed
 * in {@link BigDecimal} and is never negative.
 */
final class ExactMoments implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<String> names;
  private long count;
  private final double[][] sums;
  private final int[] sumSizes;
  private final double[][] squares;
  private final int[] squareSizes;

  ExactMoments(List<String> names) {
    this.names = List.copyOf(names);
    int n = names.size();
    sums = new double[n][4];
    squares = new double[n][4];
    sumSizes = new int[n];
    squareSizes = new int[n];
  }

  /** Adds one vector; fails naming the feature when a value is NaN or infinite, or the width is wrong. */
  ExactMoments add(float[] v) {
    if (v.length != names.size()) {
      throw new IllegalArgumentException("expects " + names.size() + " features " + names + " but received "
          + v.length);
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException("feature " + names.get(i) + " is " + v[i] + ": cannot fit a normaliser");
      }
      double d = v[i];
      sumSizes[i] = add(sums, i, sumSizes[i], d);
      squareSizes[i] = add(squares, i, squareSizes[i], d * d);
    }
    count++;
    return this;
  }

  /** Adds everything {@code other} holds, exactly; returns this. */
  ExactMoments merge(ExactMoments other) {
    if (!names.equals(other.names)) {
      throw new IllegalArgumentException("cannot merge moments of " + other.names + " into moments of " + names);
    }
    for (int i = 0; i < names.size(); i++) {
      for (int p = 0; p < other.sumSizes[i]; p++) {
        sumSizes[i] = add(sums, i, sumSizes[i], other.sums[i][p]);
      }
      for (int p = 0; p < other.squareSizes[i]; p++) {
        squareSizes[i] = add(squares, i, squareSizes[i], other.squares[i][p]);
      }
    }
    count += other.count;
    return this;
  }

  long count() {
    return count;
  }

  /** The means rounded from the exact sums; 0 without rows. */
  double[] means() {
    double[] out = new double[names.size()];
    if (count == 0) {
      return out;
    }
    BigDecimal n = BigDecimal.valueOf(count);
    for (int i = 0; i < out.length; i++) {
      out[i] = exact(sums[i], sumSizes[i]).divide(n, MathContext.DECIMAL128).doubleValue();
    }
    return out;
  }

  /** The population standard deviations from the exact sums; 1 without rows (as an identity normaliser). */
  double[] stds() {
    double[] out = new double[names.size()];
    if (count == 0) {
      Arrays.fill(out, 1.0);
      return out;
    }
    BigDecimal n = BigDecimal.valueOf(count);
    for (int i = 0; i < out.length; i++) {
      BigDecimal sum = exact(sums[i], sumSizes[i]);
      BigDecimal variance = n.multiply(exact(squares[i], squareSizes[i])).subtract(sum.multiply(sum))
          .divide(n.multiply(n), MathContext.DECIMAL128);
      out[i] = Math.sqrt(variance.doubleValue());
    }
    return out;
  }

  /**
   * Adds {@code x} exactly to the partials {@code p[i][0..size)} (non-overlapping, increasing magnitude) and
   * returns their new number (Shewchuk's algorithm; exact barring overflow, which float features cannot reach).
   */
  private static int add(double[][] p, int i, int size, double x) {
    double[] partials = p[i];
    int kept = 0;
    for (int j = 0; j < size; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[kept++] = lo;
      }
      x = hi;
    }
    if (kept == partials.length) {
      partials = Arrays.copyOf(partials, partials.length * 2);
      p[i] = partials;
    }
    partials[kept++] = x;
    return kept;
  }

  private static BigDecimal exact(double[] partials, int size) {
    BigDecimal s = BigDecimal.ZERO;
    for (int j = 0; j < size; j++) {
      s = s.add(new BigDecimal(partials[j]));
    }
    return s;
  }
}
