package dev.recsys.features.spec;

/**
 * Assembles model inputs from aggregates, the one place both training (Spark, per example) and serving (per
 * request) turn aggregates into the tensors of {@link FeatureSets#RETRIEVAL_V1} and {@link FeatureSets#RANKING_V1}.
 */
public final class ModelInputs {

  /** User tower inputs of one user: {@code user_idx}, standardised {@code user_dense}, {@code hist_items}. */
  public record UserTower(long userIdx, float[] dense, long[] history) {}

  /** Item tower inputs of one item: {@code item_idx}, {@code item_cat}, standardised {@code item_dense},
   * {@code item_tokens}. */
  public record ItemTower(long itemIdx, long category, float[] dense, long[] tokens) {}

  /** Ranking inputs of one (user, item, context): {@code dense} and {@code sparse} in RANKING_V1 order. */
  public record Ranking(float[] dense, long[] sparse) {}

  private ModelInputs() {}

  public static UserTower userTower(UserAggregates u, int userIdx, long asOfMs, FeatureArtifacts a) {
    return new UserTower(userIdx, a.userDense().apply(Featurizers.userDense(u, asOfMs)),
        Featurizers.fixedLength(u.history(), a.historyLength()));
  }

  public static ItemTower itemTower(ItemAggregates i, int itemIdx, long asOfMs, FeatureArtifacts a) {
    return new ItemTower(itemIdx, i.category(), a.itemDense().apply(Featurizers.itemDense(i, asOfMs)),
        Featurizers.fixedLength(i.tokens(), a.tokenLength()));
  }

  /**
   * Ranking inputs: dense = standardised user and item features, the context's time encoding, and the user's
   * share of events in the item's category ({@code categoryShare}: from {@link Featurizers#categoryShare});
   * sparse = item index, category, price bucket, device, placement.
   */
  public static Ranking ranking(UserTower user, ItemTower item, ItemAggregates i, long tsMs, String device,
      String placement, float categoryShare, FeatureArtifacts a) {
    float[] context = Featurizers.contextDense(tsMs);
    float[] dense = new float[user.dense().length + item.dense().length + context.length + 1];
    int o = 0;
    System.arraycopy(user.dense(), 0, dense, o, user.dense().length);
    o += user.dense().length;
    System.arraycopy(item.dense(), 0, dense, o, item.dense().length);
    o += item.dense().length;
    System.arraycopy(context, 0, dense, o, context.length);
    o += context.length;
    dense[o] = categoryShare;
    long[] sparse = {item.itemIdx(), item.category(), Featurizers.priceBucket(i.price(), a.priceEdges()),
        a.devices().index(device), a.placements().index(placement)};
    return new Ranking(dense, sparse);
  }
}
