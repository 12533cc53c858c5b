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
}
