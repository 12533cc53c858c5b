package dev.recsys.export.faiss;

import java.util.Arrays;
import java.util.Random;

/** Deterministic test data and a brute-force nearest-neighbour reference. */
final class TestVectors {
  private TestVectors() {}

  /** Returns {@code n} standard-normal vectors of dimension {@code dim}, row-major {@code [n * dim]}. */
  static float[] gaussian(int n, int dim, long seed) {
    Random random = new Random(seed);
    float[] out = new float[n * dim];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  /** Returns rows {@code from .. from + count - 1} of {@code vectors}. */
  static float[] rows(float[] vectors, int dim, int from, int count) {
    return Arrays.copyOfRange(vectors, from * dim, (from + count) * dim);
  }

  /** Returns the metric's score of base row {@code row} against query {@code q}, computed in double. */
  static double score(Metric metric, float[] base, int row, float[] queries, int q, int dim) {
    double sum = 0;
    for (int j = 0; j < dim; j++) {
      double a = base[row * dim + j];
      double b = queries[q * dim + j];
      sum += metric == Metric.INNER_PRODUCT ? a * b : (a - b) * (a - b);
    }
    return sum;
  }

  /** Returns the exact top-k scores of query {@code q} over all base rows, best first. */
  static double[] topScores(Metric metric, float[] base, float[] queries, int q, int dim, int k) {
    int n = base.length / dim;
    double[] all = new double[n];
    for (int i = 0; i < n; i++) {
      all[i] = score(metric, base, i, queries, q, dim);
    }
    Arrays.sort(all);
    double[] top = new double[k];
    for (int r = 0; r < k; r++) {
      top[r] = metric == Metric.INNER_PRODUCT ? all[n - 1 - r] : all[r];
    }
    return top;
  }

  /** Returns the fraction of {@code expected}'s ids that {@code actual} also found, query by query. */
  static double recall(SearchResult expected, SearchResult actual) {
    long hits = 0;
    for (int q = 0; q < expected.nq(); q++) {
      long[] found = Arrays.copyOfRange(actual.ids(), q * actual.k(), (q + 1) * actual.k());
      Arrays.sort(found);
      for (int r = 0; r < expected.k(); r++) {
        if (Arrays.binarySearch(found, expected.id(q, r)) >= 0) {
          hits++;
        }
      }
    }
    return (double) hits / ((long) expected.nq() * expected.k());
  }
}
