package dev.recsys.pipelines.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.recsys.features.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The popularity fallback lists of a bundle: item ids ranked by event count (ties by item id), all-time and over
 * the recent window, and recent per placement and per device. Events must already end before the run's as-of.
 *
 * @param global all-time, most events first
 * @param recent the recent window
 * @param byPlacement recent, per placement value
 * @param byDevice recent, per device value
 */
public record Popularity(List<String> global, List<String> recent, Map<String, List<String>> byPlacement,
    Map<String, List<String>> byDevice) {

  /** Returns the lists of {@code events} with at most {@code top} items each; recent = the {@code recent} before
   * {@code asOf}. */
  public static Popularity of(Dataset<Row> events, Instant asOf, Duration recent, int top) {
    Dataset<Row> recentEvents = events.where(col(Schemas.TS).geq(lit(Timestamp.from(asOf.minus(recent)))));
    return new Popularity(ranked(events, top), ranked(recentEvents, top),
        rankedBy(recentEvents, Schemas.PLACEMENT, top), rankedBy(recentEvents, Schemas.DEVICE, top));
  }

  /**
   * Returns the item ids in the order serving answers a user its snapshot does not know from these lists (its
   * {@code Popularity.forContext} and {@code Recommender}): the placement's list, else the device's, else the
   * recent one, else the global one; then the global one; each id once. The evaluation scores such users with it.
   */
  public List<String> coldStartOrder(String placement, String device) {
    List<String> first = placement != null && !byPlacement.getOrDefault(placement, List.of()).isEmpty()
        ? byPlacement.get(placement)
        : device != null && !byDevice.getOrDefault(device, List.of()).isEmpty() ? byDevice.get(device)
        : recent.isEmpty() ? global : recent;
    Set<String> ids = new LinkedHashSet<>(first);
    ids.addAll(global);
    return List.copyOf(ids);
  }

  /** Returns the lists as the JSON object of {@code popularity.json}. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("global", global);
    json.put("recent", recent);
    json.put("by_placement", byPlacement);
    json.put("by_device", byDevice);
    return json;
  }

  private static List<String> ranked(Dataset<Row> events, int top) {
    List<String> out = new ArrayList<>();
    for (Row r : events.groupBy(Schemas.ITEM_ID).agg(count(lit(1)).as("_n"))
        .orderBy(col("_n").desc(), col(Schemas.ITEM_ID)).limit(top).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static Map<String, List<String>> rankedBy(Dataset<Row> events, String key, int top) {
    Dataset<Row> counts = events.where(col(key).isNotNull())
        .groupBy(key, Schemas.ITEM_ID).agg(count(lit(1)).as("_n"));
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : counts
        .withColumn("_rank", row_number().over(Window.partitionBy(key).orderBy(col("_n").desc(), col(Schemas.ITEM_ID))))
        .where(col("_rank").leq(top))
        .orderBy(col(key), col("_rank")).select(key, Schemas.ITEM_ID).collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    return out;
  }
}
