package dev.recsys.features.config;

import java.io.Serializable;

/**
 * Negatives for ranking on data without impressions (ratings only), never an item the user has any event with.
 * The features job draws {@code ratio} items per liked rating of the train and validation windows, with
 * probability proportional to the item's train event count raised to {@code popularityExponent} (word2vec's
 * unigram^0.75). Once the two-tower is trained, the training job adds {@code retrievedRatio} per liked rating of
 * the fitted windows, drawn uniformly from the {@code retrievedDepth} items the two-tower ranks highest for the
 * user at the rating's instant: the kind of candidates the ranker has to order.
 *
 * @param ratio sampled negatives per positive, in [0, 100]; 0 turns sampling off
 * @param popularityExponent in [0, 1]: 0 draws train items uniformly, 1 in proportion to their train counts
 * @param seed with a hash of the positive's event id, fixes every draw whatever the partitioning
 * @param retrievedRatio negatives per positive mined from the two-tower's top items, in [0, 100]; 0 mines none
 * @param retrievedDepth how many of the two-tower's top items the mined negatives are drawn from, at least
 *     {@code retrievedRatio}
 */
public record NegativesConfig(int ratio, double popularityExponent, int seed, int retrievedRatio,
    int retrievedDepth) implements Serializable {

  /** The most negatives per positive; beyond it the ranking rows are mostly noise and the table balloons. */
  public static final int MAX_RATIO = 100;

  public NegativesConfig {
    if (ratio < 0 || ratio > MAX_RATIO) {
      throw new IllegalArgumentException("features.negatives.ratio must be in [0, " + MAX_RATIO + "], got " + ratio);
    }
    if (!(popularityExponent >= 0 && popularityExponent <= 1)) {
      throw new IllegalArgumentException("features.negatives.popularity_exponent must be in [0, 1], got "
          + popularityExponent);
    }
    if (retrievedRatio < 0 || retrievedRatio > MAX_RATIO) {
      throw new IllegalArgumentException("features.negatives.retrieved_ratio must be in [0, " + MAX_RATIO
          + "], got " + retrievedRatio);
    }
    if (retrievedDepth < retrievedRatio) {
      throw new IllegalArgumentException("features.negatives.retrieved_depth must be >= retrieved_ratio ("
          + retrievedRatio + "), got " + retrievedDepth);
    }
  }
}
