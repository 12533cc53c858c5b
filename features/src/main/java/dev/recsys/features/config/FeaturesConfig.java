package dev.recsys.features.config;

import java.io.Serializable;
import java.util.Objects;

/** How feature artifacts are fitted: content tokens seen on at least {@code min_token_count} items, at most
 * {@code max_tokens} of them, and {@code price_buckets} price buckets by quantile; and how ranking negatives are
 * sampled where the data has no impressions. */
public record FeaturesConfig(int minTokenCount, int maxTokens, int priceBuckets, NegativesConfig negatives)
    implements Serializable {

  public FeaturesConfig {
    Check.positive("features.min_token_count", minTokenCount);
    Check.positive("features.max_tokens", maxTokens);
    if (priceBuckets < 2) {
      throw new IllegalArgumentException("features.price_buckets must be >= 2, got " + priceBuckets);
    }
    Objects.requireNonNull(negatives, "features.negatives");
  }
}
