package dev.recsys.features.spec;

import java.util.Arrays;

/**
 * What is known of an item at one moment, from events strictly before it: all-time and recent interactions, views,
 * clicks and purchases, plus its catalog attributes (creation time, category index, price, content token indexes).
 */
public record ItemAggregates(
    long total,
    long recent,
    long views,
    long clicks,
    long purchases,
    long createdMs,
    int category,
    double price,
    int[] tokens) {

  /** {@code createdMs} when the catalog does not say. */
  public static final long UNKNOWN_CREATED = Long.MIN_VALUE;

  @Override
  public boolean equals(Object o) {
    return o instanceof ItemAggregates i && total == i.total && recent == i.recent && views == i.views
        && clicks == i.clicks && purchases == i.purchases && createdMs == i.createdMs && category == i.category
        && Double.compare(price, i.price) == 0 && Arrays.equals(tokens, i.tokens);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(total) * 31 + Arrays.hashCode(tokens);
  }

  @Override
  public String toString() {
    return "ItemAggregates[total=" + total + ", recent=" + recent + ", views=" + views + ", clicks=" + clicks
        + ", purchases=" + purchases + ", createdMs=" + createdMs + ", category=" + category + ", price=" + price
        + ", tokens=" + Arrays.toString(tokens) + "]";
  }
}
