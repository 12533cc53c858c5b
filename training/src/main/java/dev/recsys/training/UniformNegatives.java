package dev.recsys.training;

import java.util.Random;

/**
 * Extra two-tower negatives drawn uniformly from the catalogue for every batch (mixed negative sampling). In-batch
 * negatives are drawn with popularity, so an item with few positives is rarely pushed down, and when it is, the
 * log-q correction lifts its logit by up to log(1/q). Uniform negatives cover the tail every batch and bound that
 * correction ({@link InBatchSoftmaxLoss#logExpectedCounts}). On the ML-100K validation window they gave no gain
 * (NDCG@10 0.098 without, 0.097 with 256, 0.093 with 512), so the default draws none; catalogues with a longer tail
 * may differ.
 *
 * @param catalog item-tower inputs of every item that may be drawn, one row each
 * @param logQ log of each catalogue row's share of the positives (the same values as the batches' item_log_q)
 * @param perBatch negatives drawn (with replacement) for each batch; 0 trains on in-batch negatives only
 */
public record UniformNegatives(ItemFeatures catalog, float[] logQ, int perBatch) {

  /** In-batch negatives only. */
  public static final UniformNegatives NONE =
      new UniformNegatives(new ItemFeatures(new long[0], new long[0], new float[0], 1, new long[0], 1),
          new float[0], 0);

  public UniformNegatives {
    Shapes.checkRows("catalog item_log_q", logQ.length, catalog.size(), 1);
    if (perBatch < 0) {
      throw new IllegalArgumentException("uniform negatives per batch must be >= 0, got " + perBatch);
    }
    if (perBatch > 0 && catalog.size() == 0) {
      throw new IllegalArgumentException("uniform negatives asked (" + perBatch + " per batch) from an empty "
          + "catalogue");
    }
  }

  /** The item columns a batch's users are scored against, and the log-share of each column's item. */
  record Columns(ItemFeatures items, float[] logQ) {}

  /**
   * Returns {@code batch}'s positives followed by {@code perBatch} catalogue rows drawn uniformly with replacement
   * by {@code random}.
   */
  Columns columns(TwoTowerBatch batch, Random random) {
    if (perBatch == 0) {
      return new Columns(batch.items(), batch.itemLogQ());
    }
    int[] picks = new int[perBatch];
    float[] drawnLogQ = new float[perBatch];
    for (int k = 0; k < perBatch; k++) {
      picks[k] = random.nextInt(catalog.size());
      drawnLogQ[k] = logQ[picks[k]];
    }
    return new Columns(batch.items().followedBy(catalog.rows(picks)),
        ItemFeatures.concat(batch.itemLogQ(), drawnLogQ));
  }

  /** Returns what identifies these settings in a checkpoint: the number drawn and the catalogue size. */
  String describe() {
    return "uniformNegatives=" + perBatch + (perBatch == 0 ? "" : " of " + catalog.size());
  }
}
