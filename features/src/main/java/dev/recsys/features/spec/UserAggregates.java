package dev.recsys.features.spec;

import java.util.Arrays;

/**
 * What is known of a user at one moment, from events strictly before it: counts per event type, distinct items,
 * the last event time, money spent, events per category (indexed by the category vocabulary) and the latest items
 * (item vocabulary indexes, most recent first). Spark computes it as of every training example; the snapshot holds
 * it as of the bundle's run time; both go through the same {@link Featurizers}.
 */
public record UserAggregates(
    long views,
    long clicks,
    long carts,
    long purchases,
    long favorites,
    long ratings,
    long uniqueItems,
    long lastEventMs,
    double spend,
    float[] categoryCounts,
    int[] history) {

  /** {@code lastEventMs} of a user without events. */
  public static final long NEVER = Long.MIN_VALUE;

  public long events() {
    return views + clicks + carts + purchases + favorites + ratings;
  }

  /** A user nobody has seen: every count zero, no history. */
  public static UserAggregates empty(int categories) {
    return new UserAggregates(0, 0, 0, 0, 0, 0, 0, NEVER, 0, new float[categories], new int[0]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserAggregates u && views == u.views && clicks == u.clicks && carts == u.carts
        && purchases == u.purchases && favorites == u.favorites && ratings == u.ratings
        && uniqueItems == u.uniqueItems && lastEventMs == u.lastEventMs && Double.compare(spend, u.spend) == 0
        && Arrays.equals(categoryCounts, u.categoryCounts) && Arrays.equals(history, u.history);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(history) * 31 + Long.hashCode(lastEventMs);
  }

  @Override
  public String toString() {
    return "UserAggregates[views=" + views + ", clicks=" + clicks + ", carts=" + carts + ", purchases=" + purchases
        + ", favorites=" + favorites + ", ratings=" + ratings + ", uniqueItems=" + uniqueItems + ", lastEventMs="
        + lastEventMs + ", spend=" + spend + ", categoryCounts=" + Arrays.toString(categoryCounts) + ", history="
        + Arrays.toString(history) + "]";
  }
}
