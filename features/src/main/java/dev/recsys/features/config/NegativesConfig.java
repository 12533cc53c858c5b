package dev.recsys.features.config;

import java.io.Serializable;

/**
 * Sampled negatives for ranking on data without impressions (ratings only): the features job draws {@code ratio}
 * items per liked rating of the train and validation windows, with probability proportional to the item's train
 * event count raised to {@code popularityExponent} (word2vec's unigram^0.75), never an item the user has any
 * event with.
 *
 * @param ratio sampled negatives per positive, in [0, 100]; 0 turns sampling off
 * @param popularityExponent in [0, 1]: 0 draws train items uniformly, 1 in proportion to their train counts
 * @param seed with a hash of the positive's event id, fixes every draw whatever the partitioning
 */
public record NegativesConfig(int ratio, double popularityExponent, int seed) implements Serializable {

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
  }
}
