package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.UserAggregates;
import java.time.Duration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The aggregates behind every feature, computed two ways from the same events: as of each event (for training
 * examples: window frames that end strictly before the event's own timestamp, so no example sees its own or a
 * later event), and as of one instant (for the serving snapshot). Aggregate columns carry the snapshot's column
 * names ({@code FeatureSnapshots}), so one name means one value from Spark to the server. Built-in functions and windows only, so the RAPIDS plugin can run them.
 *
 * <p>Input events carry {@code ts_ms} (epoch millis), {@code item_idx} and {@code category_idx}; see
 * {@link #withItemInfo}.
 */
public final class FeatureTables {

  public static final String TS_MS = "ts_ms";
  public static final String ITEM_IDX = FeatureSnapshots.ITEM_IDX;
  public static final String USER_IDX = FeatureSnapshots.USER_IDX;
  public static final String CATEGORY_IDX = FeatureSnapshots.CATEGORY_IDX;
  /** The item's row in the items snapshot (its position in item id order). */
  public static final String ITEM_ROW = "item_row";

  public static final String VIEWS = FeatureSnapshots.VIEWS;
  public static final String CLICKS = FeatureSnapshots.CLICKS;
  public static final String CARTS = FeatureSnapshots.CARTS;
  public static final String PURCHASES = FeatureSnapshots.PURCHASES;
  public static final String FAVORITES = FeatureSnapshots.FAVORITES;
  public static final String RATINGS = FeatureSnapshots.RATINGS;
  public static final String UNIQUE_ITEMS = FeatureSnapshots.UNIQUE_ITEMS;
  public static final String LAST_EVENT_MS = FeatureSnapshots.LAST_EVENT_MS;
  /** Money spent on purchases, in cents, so sums are exact whatever the aggregation order. */
  public static final String SPEND_CENTS = FeatureSnapshots.SPEND_CENTS;
  public static final String HISTORY = FeatureSnapshots.HISTORY;
  /** The instant column of {@link #itemsAsOfEach}: epoch milliseconds. */
  public static final String AS_OF_MS = "as_of_ms";
  public static final String SEEN_ROWS = FeatureSnapshots.SEEN_ROWS;
  /** Events of the user in the example item's category, and in all categories, before the example. */
  public static final String USER_CAT_COUNT = "user_cat_count";
  public static final String USER_EVENTS = "user_events";
  /** Snapshot only: the user's event count per category index. */
  public static final String CATEGORY_COUNTS = FeatureSnapshots.CATEGORY_COUNTS;

  public static final String ITEM_TOTAL = FeatureSnapshots.ITEM_TOTAL;
  public static final String ITEM_RECENT = FeatureSnapshots.ITEM_RECENT;
  public static final String ITEM_VIEWS = FeatureSnapshots.ITEM_VIEWS;
  public static final String ITEM_CLICKS = FeatureSnapshots.ITEM_CLICKS;
  public static final String ITEM_PURCHASES = FeatureSnapshots.ITEM_PURCHASES;

  /** Items interacted with in this many days count as recent popularity. */
  public static final Duration RECENT = Duration.ofDays(30);

  private FeatureTables() {}

  /**
   * Adds {@code ts_ms}, and the item's vocabulary and category indexes (1 when unknown) and snapshot row from
   * {@code itemInfo}.
   */
  public static Dataset<Row> withItemInfo(Dataset<Row> events, Dataset<Row> itemInfo) {
    return events
        .join(itemInfo.select(Schemas.ITEM_ID, ITEM_IDX, CATEGORY_IDX, ITEM_ROW), Schemas.ITEM_ID, "left")
        .withColumn(ITEM_IDX, coalesce(col(ITEM_IDX), lit(1)))
        .withColumn(CATEGORY_IDX, coalesce(col(CATEGORY_IDX), lit(1)))
        .withColumn(TS_MS, epochMillis(col(Schemas.TS)));
  }

  /**
   * Returns {@code unix_millis(ts)} (milliseconds since the epoch, rounded down) in expressions the RAPIDS
   * Accelerator runs on the GPU, which has no {@code unix_millis}: the nearest millisecond through a double
   * (exact to well under half a millisecond for any date in the next 200,000 years), minus one where that rounded
   * up (docs/gpu-fallback.md).
   */
  static Column epochMillis(Column ts) {
    Column nearest = functions.round(ts.cast("double").multiply(1000)).cast("long");
    return nearest.minus(when(functions.timestamp_millis(nearest).gt(ts), 1L).otherwise(0L));
  }

  /**
   * Adds to every event the user and item aggregates of the events strictly before it: counts per type, unique
   * items, last event time, spend, the latest {@code historyLength} item indexes (most recent first; ties on the
   * timestamp are excluded), the user's events in this item's category, and the item's all-time and recent
   * counts. The history frame looks back {@code historyLength + 30} rows, so it is exact unless more than 30 of a
   * user's events share one timestamp.
   */
  public static Dataset<Row> asOfEachEvent(Dataset<Row> events, int historyLength) {
    WindowSpec user = Window.partitionBy(Schemas.USER_ID).orderBy(TS_MS)
        .rangeBetween(Window.unboundedPreceding(), -1);
    WindowSpec userCategory = userCategoryBefore();
    WindowSpec userRows = Window.partitionBy(Schemas.USER_ID).orderBy(TS_MS, Schemas.EVENT_ID)
        .rowsBetween(-(historyLength + 30), -1);
    WindowSpec firstSeen = Window.partitionBy(Schemas.USER_ID, Schemas.ITEM_ID).orderBy(TS_MS, Schemas.EVENT_ID);
    WindowSpec item = itemBefore();
    WindowSpec itemRecent = itemRecentBefore();

    Dataset<Row> out = events.withColumn("_first", when(row_number().over(firstSeen).equalTo(1), 1).otherwise(0));
    out = withTypeCounts(out, user);
    return out
        .withColumn(UNIQUE_ITEMS, coalesce(sum("_first").over(user), lit(0L)))
        .withColumn(LAST_EVENT_MS, coalesce(max(TS_MS).over(user), lit(UserAggregates.NEVER)))
        .withColumn(SPEND_CENTS, coalesce(sum(purchaseCents()).over(user), lit(0L)))
        .withColumn(USER_EVENTS, count(lit(1)).over(user))
        .withColumn(USER_CAT_COUNT, count(lit(1)).over(userCategory))
        .withColumn("_recent_rows", collect_list(struct(col(TS_MS).as("t"), col(ITEM_IDX).as("i"))).over(userRows))
        .withColumn(HISTORY, expr("transform(slice(reverse(filter(_recent_rows, x -> x.t < " + TS_MS + ")), 1, "
            + historyLength + "), x -> x.i)"))
        .withColumn(ITEM_TOTAL, count(lit(1)).over(item))
        .withColumn(ITEM_RECENT, count(lit(1)).over(itemRecent))
        .withColumn(ITEM_VIEWS, coalesce(sum(isType(EventType.VIEW)).over(item), lit(0L)))
        .withColumn(ITEM_CLICKS, coalesce(sum(isType(EventType.CLICK)).over(item), lit(0L)))
        .withColumn(ITEM_PURCHASES, coalesce(sum(isType(EventType.PURCHASE)).over(item), lit(0L)))
        .drop("_first", "_recent_rows");
  }

  /**
   * Returns each probe ({@code event_id, user_id, item_id, category_idx, ts_ms}: an example that no event stands
   * behind, such as a sampled negative) with the item aggregates and the user's count in that category which
   * {@link #asOfEachEvent} would give an event of that user and item at that instant: the same frames, ending
   * strictly before the probe, over {@code events} only (probes count nothing, so they never see each other).
   */
  public static Dataset<Row> asOfProbes(Dataset<Row> events, Dataset<Row> probes) {
    Dataset<Row> all = events.select(col(Schemas.EVENT_ID), col(Schemas.USER_ID), col(Schemas.ITEM_ID),
            col(CATEGORY_IDX), col(TS_MS), col(Schemas.EVENT_TYPE), lit(1L).as("_real"))
        .unionByName(probes.select(col(Schemas.EVENT_ID), col(Schemas.USER_ID), col(Schemas.ITEM_ID),
            col(CATEGORY_IDX), col(TS_MS), lit(null).cast("string").as(Schemas.EVENT_TYPE), lit(0L).as("_real")));
    WindowSpec item = itemBefore();
    return all
        .withColumn(ITEM_TOTAL, coalesce(sum("_real").over(item), lit(0L)))
        .withColumn(ITEM_RECENT, coalesce(sum("_real").over(itemRecentBefore()), lit(0L)))
        .withColumn(ITEM_VIEWS, coalesce(sum(isType(EventType.VIEW)).over(item), lit(0L)))
        .withColumn(ITEM_CLICKS, coalesce(sum(isType(EventType.CLICK)).over(item), lit(0L)))
        .withColumn(ITEM_PURCHASES, coalesce(sum(isType(EventType.PURCHASE)).over(item), lit(0L)))
        .withColumn(USER_CAT_COUNT, coalesce(sum("_real").over(userCategoryBefore()), lit(0L)))
        .where(col("_real").equalTo(0L))
        .drop("_real", Schemas.EVENT_TYPE);
  }

  /**
   * One row per user with the aggregates of all {@code events} (the caller filters them to before the snapshot
   * instant): the values a training example at that instant would see. {@code category_counts} is a dense
   * vector over category indexes {@code 0..categories-1}.
   */
  public static Dataset<Row> usersAsOf(Dataset<Row> events, int historyLength, int categories) {
    Dataset<Row> perCategory = events.groupBy(Schemas.USER_ID, CATEGORY_IDX).agg(count(lit(1)).as("_n"))
        .groupBy(Schemas.USER_ID)
        .agg(collect_list(struct(col(CATEGORY_IDX).as("c"), col("_n").as("n"))).as("_cats"));
    // Plain hash aggregates, the distinct count and the latest events apart: one aggregate holding
    // countDistinct and a list of every event per user would expand the rows and sort them all.
    Dataset<Row> totals = events.groupBy(Schemas.USER_ID).agg(
        typeCount(EventType.VIEW).as(VIEWS), typeCount(EventType.CLICK).as(CLICKS),
        typeCount(EventType.ADD_TO_CART).as(CARTS), typeCount(EventType.PURCHASE).as(PURCHASES),
        typeCount(EventType.FAVORITE).as(FAVORITES), typeCount(EventType.RATING).as(RATINGS),
        max(TS_MS).as(LAST_EVENT_MS),
        coalesce(sum(purchaseCents()), lit(0L)).as(SPEND_CENTS));
    // ITEM_ROW follows ITEM_ID (null for an item outside the catalogue, which collect_list skips).
    Dataset<Row> unique = events.select(Schemas.USER_ID, Schemas.ITEM_ID, ITEM_ROW).distinct()
        .groupBy(Schemas.USER_ID)
        .agg(count(lit(1)).as(UNIQUE_ITEMS), sort_array(collect_list(ITEM_ROW)).as(SEEN_ROWS));
    // The latest historyLength events by (timestamp, event id), newest first.
    Dataset<Row> latest = events
        .withColumn("_rank", row_number().over(Window.partitionBy(Schemas.USER_ID)
            .orderBy(col(TS_MS).desc(), col(Schemas.EVENT_ID).desc())))
        .where(col("_rank").leq(historyLength))
        .groupBy(Schemas.USER_ID)
        .agg(sort_array(collect_list(struct(col(TS_MS).as("t"), col(Schemas.EVENT_ID).as("e"), col(ITEM_IDX).as("i"))),
            false).as("_all"));
    return totals.join(unique, Schemas.USER_ID).join(latest, Schemas.USER_ID).join(perCategory, Schemas.USER_ID)
        .withColumn(HISTORY, expr("transform(slice(_all, 1, " + historyLength + "), x -> x.i)"))
        .withColumn(CATEGORY_COUNTS, expr("transform(sequence(0, " + (categories - 1)
            // One entry per category at most (grouped by user and category above), so element_at picks its
            // count; unlike aggregate() it runs on the GPU.
            + "), k -> cast(coalesce(element_at(filter(_cats, x -> x.c = k), 1).n, 0L) as float))"))
        .drop("_all", "_cats");
  }

  /**
   * One row per catalog item ({@code itemInfo}) with the interaction counts of {@code events} (already before
   * {@code asOfMs}); items nobody touched get zeros.
   */
  public static Dataset<Row> itemsAsOf(Dataset<Row> events, Dataset<Row> itemInfo, long asOfMs) {
    Dataset<Row> counts = events.groupBy(Schemas.ITEM_ID).agg(itemCount(), itemCounts(lit(asOfMs)));
    return zeroWhereUntouched(itemInfo.join(counts, Schemas.ITEM_ID, "left"));
  }

  /**
   * One row per catalog item ({@code itemInfo}) and instant (the {@link #AS_OF_MS} column of {@code instants}) with
   * the interaction counts of the {@code events} strictly before that instant; items nobody touched by then get
   * zeros. The catalogue as a request at each instant would see it.
   */
  public static Dataset<Row> itemsAsOfEach(Dataset<Row> events, Dataset<Row> itemInfo, Dataset<Row> instants) {
    Dataset<Row> at = functions.broadcast(instants.select(AS_OF_MS).distinct());
    Dataset<Row> counts = events.select(Schemas.ITEM_ID, TS_MS, Schemas.EVENT_TYPE)
        .join(at, col(TS_MS).lt(col(AS_OF_MS)))
        .groupBy(col(AS_OF_MS), col(Schemas.ITEM_ID)).agg(itemCount(), itemCounts(col(AS_OF_MS)));
    return zeroWhereUntouched(itemInfo.crossJoin(at).join(counts, new String[] {AS_OF_MS, Schemas.ITEM_ID}, "left"));
  }

  /** The item's event count, {@code item_total}: the first aggregate of {@link #itemCounts}. */
  private static Column itemCount() {
    return count(lit(1)).as(ITEM_TOTAL);
  }

  /**
   * The item aggregates after {@link #itemCount} of events before {@code asOfMs}: the recent count (the
   * {@link #RECENT} days before it) and the views, clicks and purchases.
   */
  private static Column[] itemCounts(Column asOfMs) {
    return new Column[] {
      sum(when(col(TS_MS).geq(asOfMs.minus(RECENT.toMillis())), 1).otherwise(0)).cast("long").as(ITEM_RECENT),
      typeCount(EventType.VIEW).as(ITEM_VIEWS), typeCount(EventType.CLICK).as(ITEM_CLICKS),
      typeCount(EventType.PURCHASE).as(ITEM_PURCHASES)};
  }

  /** Returns {@code items} with 0 for the counts of items no event touched (null after the left join). */
  private static Dataset<Row> zeroWhereUntouched(Dataset<Row> items) {
    for (String c : new String[] {ITEM_TOTAL, ITEM_RECENT, ITEM_VIEWS, ITEM_CLICKS, ITEM_PURCHASES}) {
      items = items.withColumn(c, coalesce(col(c), lit(0L)));
    }
    return items;
  }

  /** The user's earlier events in one category: the frame of {@code user_cat_count}. */
  private static WindowSpec userCategoryBefore() {
    return Window.partitionBy(Schemas.USER_ID, CATEGORY_IDX).orderBy(TS_MS)
        .rangeBetween(Window.unboundedPreceding(), -1);
  }

  /** The item's events strictly before the row's timestamp. */
  private static WindowSpec itemBefore() {
    return Window.partitionBy(Schemas.ITEM_ID).orderBy(TS_MS).rangeBetween(Window.unboundedPreceding(), -1);
  }

  /** The item's events in the {@link #RECENT} days before the row's timestamp, the row's instant excluded. */
  private static WindowSpec itemRecentBefore() {
    return Window.partitionBy(Schemas.ITEM_ID).orderBy(TS_MS).rangeBetween(-RECENT.toMillis(), -1);
  }

  private static Dataset<Row> withTypeCounts(Dataset<Row> events, WindowSpec user) {
    return events
        .withColumn(VIEWS, coalesce(sum(isType(EventType.VIEW)).over(user), lit(0L)))
        .withColumn(CLICKS, coalesce(sum(isType(EventType.CLICK)).over(user), lit(0L)))
        .withColumn(CARTS, coalesce(sum(isType(EventType.ADD_TO_CART)).over(user), lit(0L)))
        .withColumn(PURCHASES, coalesce(sum(isType(EventType.PURCHASE)).over(user), lit(0L)))
        .withColumn(FAVORITES, coalesce(sum(isType(EventType.FAVORITE)).over(user), lit(0L)))
        .withColumn(RATINGS, coalesce(sum(isType(EventType.RATING)).over(user), lit(0L)));
  }

  private static Column isType(EventType t) {
    return when(col(Schemas.EVENT_TYPE).equalTo(t.wireName()), 1L).otherwise(0L);
  }

  private static Column typeCount(EventType t) {
    return sum(isType(t)).cast("long");
  }

  private static Column purchaseCents() {
    return when(col(Schemas.EVENT_TYPE).equalTo(EventType.PURCHASE.wireName()),
        expr("cast(round(" + Schemas.VALUE + " * 100) as bigint)"));
  }
}
