package dev.recsys.pipelines.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.features.spec.UserAggregates;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureRows;
import dev.recsys.pipelines.features.FeatureTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns {@code examples} rows into model inputs: which rows are two-tower positives and ranking examples, and the
 * featurised rows themselves, computed inside {@code mapPartitions} by {@link ModelInputs} (the code serving runs).
 * Every function here is a Dataset transform without I/O.
 */
public final class TrainingRows {

  /** Ratings at or above this count as positives and as clicks (explicit-feedback data such as MovieLens). */
  public static final double POSITIVE_RATING = 4.0;

  public static final String USER_DENSE = "user_dense";
  public static final String ITEM_CAT = "item_cat";
  public static final String ITEM_DENSE = "item_dense";
  public static final String ITEM_TOKENS = "item_tokens";
  public static final String ITEM_LOG_Q = "item_log_q";
  public static final String DENSE = "dense";
  public static final String SPARSE = "sparse";

  /** Featurised two-tower rows: one (user, positive item) pair each. */
  public static final StructType TWO_TOWER = new StructType()
      .add(FeatureTables.USER_IDX, DataTypes.LongType, false)
      .add(USER_DENSE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(FeatureTables.HISTORY, DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add(FeatureTables.ITEM_IDX, DataTypes.LongType, false)
      .add(ITEM_CAT, DataTypes.LongType, false)
      .add(ITEM_DENSE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(ITEM_TOKENS, DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add(ITEM_LOG_Q, DataTypes.FloatType, false);

  /** Featurised catalogue rows: the item-tower inputs of one item each. */
  public static final StructType ITEM_TOWER = new StructType()
      .add(FeatureTables.ITEM_IDX, DataTypes.LongType, false)
      .add(ITEM_CAT, DataTypes.LongType, false)
      .add(ITEM_DENSE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(ITEM_TOKENS, DataTypes.createArrayType(DataTypes.LongType, false), false);

  /** Featurised ranking rows: RANKING_V1 dense and sparse inputs with click and purchase labels. */
  public static final StructType RANKING = new StructType()
      .add(DENSE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(SPARSE, DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add(BuildFeaturesJob.LABEL_CLICK, DataTypes.FloatType, false)
      .add(BuildFeaturesJob.LABEL_PURCHASE, DataTypes.FloatType, false);

  private TrainingRows() {}

  /** Returns whether an event shows interest: click, add to cart, purchase, favorite, or a rating >= 4. */
  public static Column isPositive() {
    return col(Schemas.EVENT_TYPE).isin(EventType.CLICK.wireName(), EventType.ADD_TO_CART.wireName(),
            EventType.PURCHASE.wireName(), EventType.FAVORITE.wireName())
        .or(col(Schemas.EVENT_TYPE).equalTo(EventType.RATING.wireName())
            .and(col(Schemas.RATING).geq(POSITIVE_RATING)));
  }

  /** Returns the positive events among {@code examples}, of items in the train vocabulary. */
  public static Dataset<Row> positives(Dataset<Row> examples) {
    return examples.where(isPositive().and(col(FeatureTables.ITEM_IDX).gt(1)));
  }

  /**
   * Returns the ranking examples of real events: view impressions with their click and purchase labels when
   * {@code examples} has views; otherwise (explicit feedback) the rating events, clicked when the rating is >= 4,
   * never purchased.
   */
  public static Dataset<Row> rankingExamples(Dataset<Row> examples, boolean hasViews) {
    if (hasViews) {
      return examples.where(col(Schemas.EVENT_TYPE).equalTo(EventType.VIEW.wireName()));
    }
    return examples.where(col(Schemas.EVENT_TYPE).equalTo(EventType.RATING.wireName()))
        .withColumn(BuildFeaturesJob.LABEL_CLICK, col(Schemas.RATING).geq(POSITIVE_RATING).cast("int"))
        .withColumn(BuildFeaturesJob.LABEL_PURCHASE, lit(0));
  }

  /**
   * Returns the ranking examples of real events ({@link #rankingExamples(Dataset, boolean)}) plus
   * {@code negatives}, rows of the {@code ranking_negatives} table (label 0): the features job samples them only
   * for data without views, where they join the ratings so the ranker also learns that an unrated item ranks
   * below a liked one; with views the table is empty and impressions without a click are the negatives.
   */
  public static Dataset<Row> rankingExamples(Dataset<Row> examples, Dataset<Row> negatives, boolean hasViews) {
    return rankingExamples(examples, hasViews).unionByName(negatives);
  }

  /** Returns {@code rows} in an order fixed by {@code seed}: a hash of the event id, so reruns see the same order. */
  public static Dataset<Row> shuffled(Dataset<Row> rows, int seed) {
    return rows.orderBy(xxhash64(col(Schemas.EVENT_ID), lit(seed)));
  }

  /**
   * Returns two-tower rows of {@code positives}: the user as of the event, the item as of the event, and
   * {@code logQ[item_idx]}, the log of the item's share of train positives.
   */
  public static Dataset<Row> twoTower(Dataset<Row> positives, FeatureArtifacts a, float[] logQ) {
    MapPartitionsFunction<Row, Row> featurize = rows -> {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        long ts = r.getLong(r.fieldIndex(FeatureTables.TS_MS));
        int itemIdx = index(r, FeatureTables.ITEM_IDX);
        ModelInputs.UserTower u = ModelInputs.userTower(FeatureRows.user(r),
            index(r, FeatureTables.USER_IDX), ts, a);
        ModelInputs.ItemTower i = ModelInputs.itemTower(FeatureRows.item(r), itemIdx, ts, a);
        out.add(RowFactory.create(u.userIdx(), boxed(u.dense()), boxed(u.history()), i.itemIdx(), i.category(),
            boxed(i.dense()), boxed(i.tokens()), logQ[itemIdx]));
      }
      return out.iterator();
    };
    return positives.mapPartitions(featurize, Encoders.row(TWO_TOWER));
  }

  /**
   * Returns {@link #ITEM_TOWER} rows of every vocabulary item among {@code examples}, each featurised as of its
   * latest event there: the two-tower's uniformly drawn negatives.
   */
  public static Dataset<Row> latestItems(Dataset<Row> examples, FeatureArtifacts a) {
    Dataset<Row> latest = examples.where(col(FeatureTables.ITEM_IDX).gt(1))
        .withColumn("_latest", row_number().over(Window.partitionBy(FeatureTables.ITEM_IDX)
            .orderBy(col(FeatureTables.TS_MS).desc(), col(Schemas.EVENT_ID).desc())))
        .where(col("_latest").equalTo(1));
    MapPartitionsFunction<Row, Row> featurize = rows -> {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        ModelInputs.ItemTower i = ModelInputs.itemTower(FeatureRows.item(r), index(r, FeatureTables.ITEM_IDX),
            r.getLong(r.fieldIndex(FeatureTables.TS_MS)), a);
        out.add(RowFactory.create(i.itemIdx(), i.category(), boxed(i.dense()), boxed(i.tokens())));
      }
      return out.iterator();
    };
    return latest.mapPartitions(featurize, Encoders.row(ITEM_TOWER));
  }

  /** Returns ranking rows of {@code examples} (see {@link #rankingExamples}), featurised as of each event. */
  public static Dataset<Row> ranking(Dataset<Row> examples, FeatureArtifacts a) {
    MapPartitionsFunction<Row, Row> featurize = rows -> {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        ModelInputs.Ranking x = rankingInputs(r, a);
        out.add(RowFactory.create(boxed(x.dense()), boxed(x.sparse()),
            (float) index(r, BuildFeaturesJob.LABEL_CLICK),
            (float) index(r, BuildFeaturesJob.LABEL_PURCHASE)));
      }
      return out.iterator();
    };
    return examples.mapPartitions(featurize, Encoders.row(RANKING));
  }

  /** Returns the ranking inputs of one example row as of its own timestamp. */
  static ModelInputs.Ranking rankingInputs(Row r, FeatureArtifacts a) {
    long ts = r.getLong(r.fieldIndex(FeatureTables.TS_MS));
    UserAggregates user = FeatureRows.user(r);
    ItemAggregates item = FeatureRows.item(r);
    ModelInputs.UserTower u = ModelInputs.userTower(user, index(r, FeatureTables.USER_IDX), ts, a);
    ModelInputs.ItemTower i = ModelInputs.itemTower(item, index(r, FeatureTables.ITEM_IDX), ts, a);
    float share = Featurizers.categoryShare(r.getLong(r.fieldIndex(FeatureTables.USER_CAT_COUNT)),
        r.getLong(r.fieldIndex(FeatureTables.USER_EVENTS)));
    return ModelInputs.ranking(u, i, item, ts, r.getAs(Schemas.DEVICE), r.getAs(Schemas.PLACEMENT), share, a);
  }

  /**
   * Returns log(count / total) per item index for item counts ({@code item_idx -> count}), indexed up to
   * {@code itemVocab}; items without positives get the log-share of a single positive.
   */
  public static float[] logQ(Map<Integer, Long> counts, int itemVocab) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    float[] out = new float[itemVocab];
    java.util.Arrays.fill(out, (float) Math.log(1.0 / Math.max(1, total)));
    counts.forEach((idx, c) -> out[idx] = (float) Math.log((double) c / total));
    return out;
  }

  /** Returns an integer column's value whatever its width (vocabulary indexes are ints, counts longs). */
  static int index(Row r, String column) {
    return ((Number) r.get(r.fieldIndex(column))).intValue();
  }

  /** Returns an array column's numbers as floats (ML vectors, featurised dense inputs). */
  static float[] floats(List<? extends Number> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).floatValue();
    }
    return out;
  }

  /** Returns an array column's numbers as longs (featurised index inputs). */
  static long[] longs(List<? extends Number> v) {
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).longValue();
    }
    return out;
  }

  static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  static Long[] boxed(long[] v) {
    Long[] out = new Long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
