package dev.recsys.features.spec;

import java.util.List;

/**
 * The row-level feature math, shared by Spark (inside {@code mapPartitions}) and the server (called directly), so
 * training and serving compute the same vectors from the same aggregates. Outputs are raw; a fitted
 * {@link Normalizer} standardises them.
 */
public final class Featurizers {

  public static final List<String> USER_DENSE = List.of("log_views", "log_clicks", "log_carts", "log_purchases",
      "log_favorites", "log_ratings", "log_unique_items", "click_per_view", "purchase_per_click",
      "log_days_since_last", "log_avg_price_paid");
  public static final List<String> ITEM_DENSE = List.of("log_popularity", "log_recent_popularity", "trending",
      "click_rate", "conversion_rate", "log_age_days", "log_price");
  public static final List<String> CONTEXT_DENSE = List.of("hour_sin", "hour_cos", "dow_sin", "dow_cos");
  public static final List<String> PAIR_DENSE = List.of("user_category_share");

  /** Days since the last event of a user never seen, and the age of an item with no creation time. */
  static final double UNKNOWN_DAYS = 3650;
  private static final double DAY_MS = 86_400_000d;

  private Featurizers() {}

  /** The user's dense features as of {@code asOfMs}, in {@link #USER_DENSE} order. */
  public static float[] userDense(UserAggregates u, long asOfMs) {
    double days = u.lastEventMs() == UserAggregates.NEVER ? UNKNOWN_DAYS
        : Math.max(0, (asOfMs - u.lastEventMs()) / DAY_MS);
    return new float[] {
        log(u.views()), log(u.clicks()), log(u.carts()), log(u.purchases()), log(u.favorites()), log(u.ratings()),
        log(u.uniqueItems()),
        ratio(u.clicks(), u.views()),
        ratio(u.purchases(), u.clicks()),
        log(days),
        log(u.purchases() == 0 ? 0 : u.spend() / u.purchases())};
  }

  /** The item's dense features as of {@code asOfMs}, in {@link #ITEM_DENSE} order. */
  public static float[] itemDense(ItemAggregates i, long asOfMs) {
    double age = i.createdMs() == ItemAggregates.UNKNOWN_CREATED ? UNKNOWN_DAYS
        : Math.max(0, (asOfMs - i.createdMs()) / DAY_MS);
    return new float[] {
        log(i.total()), log(i.recent()),
        ratio(i.recent(), i.total()),
        ratio(i.clicks(), i.views()),
        ratio(i.purchases(), i.clicks()),
        log(age),
        log(Double.isNaN(i.price()) ? 0 : i.price())};
  }

  /** Hour of day and day of week of {@code tsMs} (UTC) on the unit circle, in {@link #CONTEXT_DENSE} order. */
  public static float[] contextDense(long tsMs) {
    double dayFraction = Math.floorMod(tsMs, (long) DAY_MS) / DAY_MS;
    // 1970-01-01 was a Thursday: shift so Monday is 0.
    double week = (Math.floorDiv(tsMs, (long) DAY_MS) + 3) % 7 / 7.0 + dayFraction / 7.0;
    return new float[] {
        (float) Math.sin(2 * Math.PI * dayFraction), (float) Math.cos(2 * Math.PI * dayFraction),
        (float) Math.sin(2 * Math.PI * week), (float) Math.cos(2 * Math.PI * week)};
  }

  /** The share of the user's past events that fell in the item's category (0 for categories out of range). */
  public static float categoryShare(UserAggregates u, int category) {
    float[] counts = u.categoryCounts();
    return category < 0 || category >= counts.length ? 0f : categoryShare((long) counts[category], u.events());
  }

  /** The share of a user's {@code total} past events that were in one category; Spark counts both directly. */
  public static float categoryShare(long inCategory, long total) {
    return ratio(inCategory, total);
  }

  /** The bucket of {@code price} among ascending {@code edges}: 0 for unknown, 1.. edges.length + 1 otherwise. */
  public static int priceBucket(double price, double[] edges) {
    if (Double.isNaN(price)) {
      return 0;
    }
    int b = 0;
    while (b < edges.length && price >= edges[b]) {
      b++;
    }
    return b + 1;
  }

  /** Pads or cuts {@code ids} to {@code length}, keeping the first ones; padding is {@link Vocabulary#PAD}. */
  public static long[] fixedLength(int[] ids, int length) {
    long[] out = new long[length];
    for (int i = 0; i < Math.min(length, ids.length); i++) {
      out[i] = ids[i];
    }
    return out;
  }

  private static float log(double x) {
    return (float) Math.log1p(Math.max(0, x));
  }

  private static float ratio(long num, long den) {
    return den == 0 ? 0f : (float) ((double) num / den);
  }
}
