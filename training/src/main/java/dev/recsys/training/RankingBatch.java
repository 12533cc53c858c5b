package dev.recsys.training;

/**
 * One DLRM training batch.
 *
 * @param features model inputs
 * @param click click labels [B], 0 or 1
 * @param purchase purchase labels [B], 0 or 1; null when the data has none (then the purchase head must be off)
 */
public record RankingBatch(RankingFeatures features, float[] click, float[] purchase) {

  public RankingBatch {
    Shapes.checkRows("click", click.length, features.size(), 1);
    if (purchase != null) {
      Shapes.checkRows("purchase", purchase.length, features.size(), 1);
    }
  }

  /** Returns the number of candidates B. */
  public int size() {
    return features.size();
  }
}
