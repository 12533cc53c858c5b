package dev.recsys.training;

/**
 * The item-tower inputs for a batch of items as flat row-major arrays; 1st axis is batch.
 *
 * @param itemIdx item indexes [B] (0 padding, 1 out-of-vocabulary, real items from 2)
 * @param category category indexes [B]
 * @param dense item dense features [B, denseDim]
 * @param denseDim width of {@code dense}
 * @param tokens content-token indexes [B, tokenLength], 0-padded
 * @param tokenLength T &gt; 0, the same for every row of the batch
 */
public record ItemFeatures(
    long[] itemIdx, long[] category, float[] dense, int denseDim, long[] tokens, int tokenLength) {

  public ItemFeatures {
    Shapes.checkRows("item_cat", category.length, itemIdx.length, 1);
    Shapes.checkRows("item_dense", dense.length, itemIdx.length, denseDim);
    Shapes.checkRows("item_tokens", tokens.length, itemIdx.length, tokenLength);
  }

  /** Returns the number of items B. */
  public int size() {
    return itemIdx.length;
  }

  /** Returns these rows followed by {@code other}'s, which must have the same widths. */
  public ItemFeatures followedBy(ItemFeatures other) {
    Shapes.checkWidth("item_dense", other.denseDim, denseDim);
    Shapes.checkWidth("item_tokens", other.tokenLength, tokenLength);
    return new ItemFeatures(concat(itemIdx, other.itemIdx), concat(category, other.category),
        concat(dense, other.dense), denseDim, concat(tokens, other.tokens), tokenLength);
  }

  /** Returns rows {@code picks} of these, in that order (a row may repeat). */
  public ItemFeatures rows(int[] picks) {
    int n = picks.length;
    long[] idx = new long[n];
    long[] cat = new long[n];
    float[] d = new float[n * denseDim];
    long[] tok = new long[n * tokenLength];
    for (int k = 0; k < n; k++) {
      int r = picks[k];
      idx[k] = itemIdx[r];
      cat[k] = category[r];
      System.arraycopy(dense, r * denseDim, d, k * denseDim, denseDim);
      System.arraycopy(tokens, r * tokenLength, tok, k * tokenLength, tokenLength);
    }
    return new ItemFeatures(idx, cat, d, denseDim, tok, tokenLength);
  }

  static long[] concat(long[] a, long[] b) {
    long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
