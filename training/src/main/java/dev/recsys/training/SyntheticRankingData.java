package dev.recsys.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic click and purchase data with real structure, for tests and benchmarks. The click logit is a linear
 * function of the dense features, plus one effect per sparse value, plus the dot product of latent vectors of the
 * values in sparse columns 0 and 1 (a user-item style interaction that only an interaction layer captures well);
 * a click turns into a purchase with a lower, related probability. Sparse values are indexes from 2 (0 padding,
 * 1 oov).
 */
public final class SyntheticRankingData {

  private static final int LATENT_DIM = 4;
  private static final double BIAS = -0.5;
  private static final double PURCHASE_SHIFT = -1.5;

  private final int denseDim;
  private final List<Integer> valuesPerColumn;
  private final float[] denseWeights;
  private final float[][] valueEffects; // [S][values]
  private final float[][] latent0; // [values of column 0][LATENT_DIM]
  private final float[][] latent1; // [values of column 1][LATENT_DIM], or none with a single column

  /**
   * Builds the hidden truth from {@code seed}.
   *
   * @param denseDim Dd
   * @param valuesPerColumn number of real values of each sparse column (the model's cardinality adds 2)
   */
  public SyntheticRankingData(int denseDim, List<Integer> valuesPerColumn, long seed) {
    Check.positive("dense_dim", denseDim);
    if (valuesPerColumn.isEmpty()) {
      throw new IllegalArgumentException("need at least one sparse column");
    }
    valuesPerColumn.forEach(v -> Check.positive("values per column", v));
    this.denseDim = denseDim;
    this.valuesPerColumn = List.copyOf(valuesPerColumn);
    Random r = new Random(seed);
    denseWeights = gaussian(r, denseDim, 1 / Math.sqrt(denseDim));
    valueEffects = new float[valuesPerColumn.size()][];
    for (int s = 0; s < valueEffects.length; s++) {
      valueEffects[s] = gaussian(r, valuesPerColumn.get(s), 0.5);
    }
    latent0 = latent(r, valuesPerColumn.get(0));
    latent1 = valuesPerColumn.size() > 1 ? latent(r, valuesPerColumn.get(1)) : new float[0][];
  }

  /** Returns the cardinalities of the model's embedding tables: values plus padding and oov. */
  public List<Integer> cardinalities() {
    List<Integer> c = new ArrayList<>();
    valuesPerColumn.forEach(v -> c.add(v + 2));
    return c;
  }

  /** Returns {@code count} batches of {@code batchSize} rows; every iteration yields the same batches. */
  public Iterable<RankingBatch> batches(int batchSize, int count, long seed) {
    return DrawnBatches.of(count, seed, random -> sample(batchSize, random));
  }

  /** Returns {@code size} rows with click and purchase labels drawn from the hidden truth. */
  public RankingBatch sample(int size, Random random) {
    int columns = valuesPerColumn.size();
    float[] dense = new float[size * denseDim];
    long[] sparse = new long[size * columns];
    float[] click = new float[size];
    float[] purchase = new float[size];
    for (int row = 0; row < size; row++) {
      double logit = BIAS;
      for (int d = 0; d < denseDim; d++) {
        float x = (float) random.nextGaussian();
        dense[row * denseDim + d] = x;
        logit += denseWeights[d] * x;
      }
      int[] values = new int[columns];
      for (int s = 0; s < columns; s++) {
        values[s] = random.nextInt(valuesPerColumn.get(s));
        sparse[row * columns + s] = 2 + values[s];
        logit += valueEffects[s][values[s]];
      }
      if (columns > 1) {
        for (int k = 0; k < LATENT_DIM; k++) {
          logit += latent0[values[0]][k] * latent1[values[1]][k];
        }
      }
      click[row] = random.nextDouble() < sigmoid(logit) ? 1 : 0;
      purchase[row] = click[row] == 1 && random.nextDouble() < sigmoid(logit + PURCHASE_SHIFT) ? 1 : 0;
    }
    return new RankingBatch(new RankingFeatures(dense, denseDim, sparse, columns), click, purchase);
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static float[][] latent(Random r, int values) {
    float[][] v = new float[values][];
    for (int i = 0; i < values; i++) {
      v[i] = gaussian(r, LATENT_DIM, 1);
    }
    return v;
  }

  private static float[] gaussian(Random r, int n, double sigma) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (sigma * r.nextGaussian());
    }
    return a;
  }
}
