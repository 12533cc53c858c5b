package dev.recsys.training;

/**
 * The DLRM inputs for a batch of (user, item) candidates as flat row-major arrays; 1st axis is batch.
 *
 * @param dense dense features [B, denseDim]
 * @param denseDim width of {@code dense}
 * @param sparse categorical indexes [B, sparseDim]; column s indexes embedding table s
 * @param sparseDim number of categorical columns S
 */
public record RankingFeatures(float[] dense, int denseDim, long[] sparse, int sparseDim) {

  public RankingFeatures {
    if (sparseDim <= 0 || sparse.length % sparseDim != 0) {
      throw new IllegalArgumentException(
          "sparse has " + sparse.length + " values, not a whole number of rows of " + sparseDim + " columns");
    }
    Shapes.checkRows("dense", dense.length, sparse.length / sparseDim, denseDim);
  }

  /** Returns the number of candidates B. */
  public int size() {
    return sparse.length / sparseDim;
  }
}
