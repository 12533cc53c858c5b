package dev.recsys.pipelines.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.recsys.export.bundle.Popularity;
import dev.recsys.features.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Computes a bundle's {@link Popularity} lists from events: item ids ranked by event count (ties by item id),
 * all-time and over the recent window, and recent per placement and per device, each from the events before the
 * instant they are taken at.
 */
public final class PopularityLists {

  private static final String AS_OF = "_as_of";

  private PopularityLists() {}

  /**
   * Returns the lists of the {@code events} before {@code asOf} with at most {@code top} items each; recent = the
   * {@code recent} before {@code asOf}.
   */
  public static Popularity of(Dataset<Row> events, Instant asOf, Duration recent, int top) {
    return at(events, List.of(asOf), recent, top).get(asOf);
  }

  /**
   * Returns the lists a bundle exported at each of {@code instants} would hold, from the events before it, in one
   * pass over {@code events} per list kind (the evaluation needs them as of many days).
   */
  public static Map<Instant, Popularity> at(Dataset<Row> events, Collection<Instant> instants, Duration recent,
      int top) {
    List<Row> at = instants.stream().distinct().map(i -> RowFactory.create(Timestamp.from(i))).toList();
    Dataset<Row> asOf = functions.broadcast(events.sparkSession().createDataFrame(at,
        new StructType().add(AS_OF, DataTypes.TimestampType, false)));
    Dataset<Row> before = events.join(asOf, col(Schemas.TS).lt(col(AS_OF)));
    Dataset<Row> recentEvents = before.where(col(Schemas.TS).geq(
        col(AS_OF).minus(functions.expr("INTERVAL " + recent.toSeconds() + " SECONDS"))));
    Map<Instant, List<String>> global = ranked(before, null, top).getOrDefault(null, Map.of());
    Map<Instant, List<String>> recentLists = ranked(recentEvents, null, top).getOrDefault(null, Map.of());
    Map<String, Map<Instant, List<String>>> byPlacement = ranked(recentEvents, Schemas.PLACEMENT, top);
    Map<String, Map<Instant, List<String>>> byDevice = ranked(recentEvents, Schemas.DEVICE, top);
    Map<Instant, Popularity> out = new HashMap<>();
    for (Instant i : instants) {
      out.put(i, new Popularity(global.getOrDefault(i, List.of()), recentLists.getOrDefault(i, List.of()),
          slice(byPlacement, i), slice(byDevice, i)));
    }
    return out;
  }

  /**
   * Returns the {@code top} items of each (key value, instant) by event count, ties by item id: key value null when
   * {@code key} is (one list per instant); events whose key is null are left out otherwise.
   */
  private static Map<String, Map<Instant, List<String>>> ranked(Dataset<Row> events, String key, int top) {
    Column k = key == null ? lit(null).cast(DataTypes.StringType) : col(key);
    Dataset<Row> counts = (key == null ? events : events.where(col(key).isNotNull()))
        .groupBy(k.as("_key"), col(AS_OF), col(Schemas.ITEM_ID)).agg(count(lit(1)).as("_n"));
    Map<String, Map<Instant, List<String>>> out = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
    for (Row r : counts
        .withColumn("_rank", row_number().over(Window.partitionBy(col("_key"), col(AS_OF))
            .orderBy(col("_n").desc(), col(Schemas.ITEM_ID))))
        .where(col("_rank").leq(top))
        .orderBy(col("_key"), col(AS_OF), col("_rank")).select("_key", AS_OF, Schemas.ITEM_ID).collectAsList()) {
      out.computeIfAbsent(r.getString(0), x -> new HashMap<>())
          .computeIfAbsent(r.getTimestamp(1).toInstant(), x -> new ArrayList<>()).add(r.getString(2));
    }
    return out;
  }

  private static Map<String, List<String>> slice(Map<String, Map<Instant, List<String>>> lists, Instant at) {
    Map<String, List<String>> out = new TreeMap<>();
    lists.forEach((value, byInstant) -> {
      List<String> ids = byInstant.get(at);
      if (ids != null) {
        out.put(value, ids);
      }
    });
    return out;
  }
}
