package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import dev.recsys.features.schema.Schemas;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Sampled ranking negatives for data without impressions: for each positive example, items the user never had
 * an event with, drawn by popularity, as example rows at the positive's instant.
 *
 * <p>A negative has the columns of {@code examples}: the positive's user, context (timestamp, session, device,
 * placement), split and user aggregates; the sampled item's catalog attributes and its item aggregates as of the
 * positive's timestamp (strictly before it, {@link FeatureTables#asOfProbes}), as is the user's count in the
 * sampled item's category; {@code label_click = label_purchase = 0}; {@code event_type}, {@code rating} and
 * {@code value} null, since no event happened; {@code event_id} is the positive's followed by
 * {@link #ID_SEPARATOR} and the draw's number (0, 1, ...).
 */
public final class RankingNegatives {

  /** Separates the positive's event id from the negative's number in a sampled negative's {@code event_id}. */
  public static final String ID_SEPARATOR = "#neg";
  /** Draws per wanted negative before a positive settles for fewer (its user has touched most popular items). */
  static final int MAX_DRAWS_PER_NEGATIVE = 100;

  /** The items chosen as negatives: the k-th ({@code _k}) item row for the positive with event id {@code _positive}. */
  public static final StructType DRAWS = new StructType()
      .add("_positive", DataTypes.StringType, false)
      .add("_k", DataTypes.IntegerType, false)
      .add(FeatureTables.ITEM_ROW, DataTypes.IntegerType, false);

  private RankingNegatives() {}

  /**
   * The sampling distribution: item rows (ascending) with the cumulative sum of their weights, so a uniform draw
   * in [0, total) finds its item by binary search.
   */
  public record Popularity(int[] itemRows, double[] cumulative) implements Serializable {

    /** Returns the item row of one draw. */
    int draw(SplittableRandom rng) {
      double u = rng.nextDouble() * cumulative[cumulative.length - 1];
      int i = Arrays.binarySearch(cumulative, u);
      // The first item whose cumulative weight exceeds u: an exact hit on an edge belongs to the next item.
      int first = i >= 0 ? i + 1 : -i - 1;
      return itemRows[Math.min(first, itemRows.length - 1)];
    }

    boolean isEmpty() {
      return itemRows.length == 0;
    }
  }

  /**
   * Returns the popularity distribution of {@code trainEvents} (rows with {@code item_row} and {@code item_idx}):
   * each item of the train vocabulary weighs its event count to the power {@code exponent}.
   */
  public static Popularity popularity(Dataset<Row> trainEvents, double exponent) {
    List<Row> counts = trainEvents.where(col(FeatureTables.ITEM_IDX).gt(1))
        .groupBy(FeatureTables.ITEM_ROW).count()
        .withColumn("_w", pow(col("count").cast("double"), exponent))
        .orderBy(FeatureTables.ITEM_ROW)
        .collectAsList();
    int[] rows = new int[counts.size()];
    double[] cumulative = new double[counts.size()];
    double total = 0;
    for (int i = 0; i < rows.length; i++) {
      rows[i] = counts.get(i).getInt(0);
      total += counts.get(i).getDouble(2);
      cumulative[i] = total;
    }
    return new Popularity(rows, cumulative);
  }

  /**
   * Returns {@code ratio} negatives per row of {@code positives} (example rows), drawn from {@code popularity}
   * without an item the user has any event with in {@code events} (rows with {@code user_id}, {@code item_row}:
   * every event up to the run date, so a negative is never an item the user rated, before or after) and without
   * repeats; fewer only when {@link #MAX_DRAWS_PER_NEGATIVE} draws per negative find no more. Each positive's
   * draws come from a generator seeded by a hash of its event id and {@code seed}, so they do not depend on the
   * partitioning. {@code events} also give the sampled items' aggregates; {@code itemInfo} their attributes.
   */
  public static Dataset<Row> sample(Dataset<Row> positives, Dataset<Row> events, Dataset<Row> itemInfo,
      Popularity popularity, int ratio, int seed) {
    return rows(positives, draws(positives, events, popularity, ratio, seed), ID_SEPARATOR, events, itemInfo);
  }

  /**
   * Returns one example row per row of {@code draws} ({@link #DRAWS}): the item drawn for a row of
   * {@code positives}, at the positive's instant, with the event id {@code <positive's id><separator><k>};
   * {@code events} give the item's aggregates as of that instant and {@code itemInfo} its attributes.
   */
  public static Dataset<Row> rows(Dataset<Row> positives, Dataset<Row> draws, String separator,
      Dataset<Row> events, Dataset<Row> itemInfo) {
    Column[] examplesColumns = Arrays.stream(positives.columns()).map(functions::col).toArray(Column[]::new);
    Dataset<Row> context = positives.drop(Stream.concat(Arrays.stream(itemInfo.columns()), Stream.of(
        FeatureTables.ITEM_TOTAL, FeatureTables.ITEM_RECENT, FeatureTables.ITEM_VIEWS, FeatureTables.ITEM_CLICKS,
        FeatureTables.ITEM_PURCHASES, FeatureTables.USER_CAT_COUNT, Schemas.EVENT_TYPE, Schemas.RATING,
        Schemas.VALUE, BuildFeaturesJob.LABEL_CLICK, BuildFeaturesJob.LABEL_PURCHASE)).toArray(String[]::new));
    Dataset<Row> negatives = draws
        .join(context, col("_positive").equalTo(col(Schemas.EVENT_ID)))
        .withColumn(Schemas.EVENT_ID, concat(col("_positive"), lit(separator), col("_k").cast("string")))
        .drop("_positive", "_k")
        .join(itemInfo, FeatureTables.ITEM_ROW)
        .withColumn(Schemas.EVENT_TYPE, lit(null).cast(positives.schema().apply(Schemas.EVENT_TYPE).dataType()))
        .withColumn(Schemas.RATING, lit(null).cast(positives.schema().apply(Schemas.RATING).dataType()))
        .withColumn(Schemas.VALUE, lit(null).cast(positives.schema().apply(Schemas.VALUE).dataType()))
        .withColumn(BuildFeaturesJob.LABEL_CLICK, lit(0))
        .withColumn(BuildFeaturesJob.LABEL_PURCHASE, lit(0));
    Dataset<Row> asOf = FeatureTables.asOfProbes(events, negatives)
        .drop(Schemas.USER_ID, Schemas.ITEM_ID, FeatureTables.CATEGORY_IDX, FeatureTables.TS_MS);
    return negatives.join(asOf, Schemas.EVENT_ID).select(examplesColumns);
  }

  /** Returns ({@code user_id}, {@code _seen}): the item rows each user has any event with among {@code events}. */
  public static Dataset<Row> seen(Dataset<Row> events) {
    return events.groupBy(Schemas.USER_ID).agg(collect_set(FeatureTables.ITEM_ROW).as("_seen"));
  }

  /** Returns the item rows of a {@link #seen} row. */
  public static Set<Integer> seenRows(Row user) {
    Set<Integer> out = new HashSet<>();
    if (!user.isNullAt(user.fieldIndex("_seen"))) {
      for (Object row : user.getList(user.fieldIndex("_seen"))) {
        out.add(((Number) row).intValue());
      }
    }
    return out;
  }

  /** Returns ({@code _positive}, {@code _k}, {@code item_row}): the k-th item drawn for each positive's event id. */
  static Dataset<Row> draws(Dataset<Row> positives, Dataset<Row> events, Popularity popularity, int ratio,
      int seed) {
    Dataset<Row> seen = seen(events);
    // One row per user, so the user's items are shipped once, not once per positive.
    Dataset<Row> perUser = positives
        .groupBy(Schemas.USER_ID)
        .agg(collect_list(struct(col(Schemas.EVENT_ID), xxhash64(col(Schemas.EVENT_ID), lit(seed)))).as("_p"))
        .join(seen, new String[] {Schemas.USER_ID}, "left");
    Broadcast<Popularity> shared = JavaSparkContext.fromSparkContext(positives.sparkSession().sparkContext())
        .broadcast(popularity);
    int maxDraws = MAX_DRAWS_PER_NEGATIVE * ratio;
    MapPartitionsFunction<Row, Row> draw = users -> {
      Popularity p = shared.value();
      List<Row> out = new ArrayList<>();
      if (p.isEmpty()) {
        return out.iterator();
      }
      while (users.hasNext()) {
        Row u = users.next();
        Set<Integer> excluded = seenRows(u);
        for (Row positive : u.<Row>getList(u.fieldIndex("_p"))) {
          SplittableRandom rng = new SplittableRandom(positive.getLong(1));
          Set<Integer> chosen = new HashSet<>();
          for (int d = 0; d < maxDraws && chosen.size() < ratio; d++) {
            int item = p.draw(rng);
            if (!excluded.contains(item) && chosen.add(item)) {
              out.add(RowFactory.create(positive.getString(0), chosen.size() - 1, item));
            }
          }
        }
      }
      return out.iterator();
    };
    return perUser.mapPartitions(draw, Encoders.row(DRAWS));
  }
}
