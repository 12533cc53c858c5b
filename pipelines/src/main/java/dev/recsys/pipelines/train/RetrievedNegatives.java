package dev.recsys.pipelines.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.features.FeatureRows;
import dev.recsys.pipelines.features.FeatureTables;
import dev.recsys.pipelines.export.OnnxModels;
import dev.recsys.pipelines.features.RankingNegatives;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ranking negatives mined from the trained two-tower, for data without impressions: for each liked rating,
 * {@code ratio} items drawn uniformly from the {@code depth} items the two-tower ranks highest for the user at the
 * rating's instant (the user tower on the example's user state, against the catalogue's item vectors), never an
 * item the user has any event with. Popularity-sampled negatives ({@link RankingNegatives#sample}) teach a ranker
 * that liked items are more popular than random ones; these show it the candidates retrieval actually hands it.
 * The rows are built like the sampled ones ({@link RankingNegatives#rows}): the item's aggregates as of the
 * rating, event id {@code <rating's id>#ret<k>}.
 */
final class RetrievedNegatives {

  static final String ID_SEPARATOR = "#ret";
  /** Liked ratings per user-tower call. */
  private static final int BATCH = 1024;

  private static final StructType USER_VECTORS = new StructType()
      .add(Schemas.USER_ID, DataTypes.StringType, false)
      .add(Schemas.EVENT_ID, DataTypes.StringType, false)
      .add("_hash", DataTypes.LongType, false)
      .add("_vec", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /** The items negatives are drawn from: their item rows and item-tower vectors, in the same order. */
  record Catalogue(int[] itemRows, float[][] vectors) implements Serializable {

    Catalogue {
      if (itemRows.length != vectors.length) {
        throw new IllegalArgumentException(itemRows.length + " item rows but " + vectors.length + " vectors");
      }
    }

    /**
     * Returns the vocabulary items of {@code examples}, each embedded by the ONNX item tower at {@code itemTower}
     * as of its latest event there ({@link TrainingRows#latestItems}), labelled with its row in {@code itemInfo}.
     */
    static Catalogue of(Dataset<Row> examples, Dataset<Row> itemInfo, FeatureArtifacts a, Path itemTower) {
      Map<Long, Integer> rowOfIdx = new HashMap<>();
      for (Row r : itemInfo.where(col(FeatureTables.ITEM_IDX).gt(Vocabulary.OOV))
          .select(FeatureTables.ITEM_IDX, FeatureTables.ITEM_ROW).collectAsList()) {
        rowOfIdx.put(((Number) r.get(0)).longValue(), ((Number) r.get(1)).intValue());
      }
      List<ModelInputs.ItemTower> inputs = new ArrayList<>();
      List<Integer> rows = new ArrayList<>();
      for (Row r : TrainingRows.latestItems(examples, a).orderBy(FeatureTables.ITEM_IDX).collectAsList()) {
        inputs.add(new ModelInputs.ItemTower(r.getLong(0), r.getLong(1), TrainingRows.floats(r.getList(2)),
            TrainingRows.longs(r.getList(3))));
        rows.add(Objects.requireNonNull(rowOfIdx.get(r.getLong(0)), () -> "item index " + r.getLong(0)
            + " has no row in the item info"));
      }
      float[][] vectors;
      try (OnnxScorer tower = OnnxScorer.open(itemTower, 1)) {
        vectors = RunModels.itemVectors(tower, inputs);
      } catch (Exception e) {
        throw new IllegalStateException("cannot embed the catalogue with " + itemTower + ": " + e.getMessage(), e);
      }
      return new Catalogue(rows.stream().mapToInt(Integer::intValue).toArray(), vectors);
    }
  }

  private RetrievedNegatives() {}

  /**
   * Returns the negatives of {@code liked} (example rows of liked ratings) as example rows: {@code events} are
   * every event up to the run date with item attributes (what the user is never offered, and the items'
   * aggregates as of each rating), {@code itemInfo} the items' attributes; {@code userTower} is the ONNX user
   * tower, {@code seed} with a hash of the rating's event id fixes its draws whatever the partitioning.
   */
  static Dataset<Row> sample(Dataset<Row> liked, Dataset<Row> events, Dataset<Row> itemInfo, Catalogue catalogue,
      byte[] userTower, FeatureArtifacts a, int ratio, int depth, int seed) {
    return RankingNegatives.rows(liked, draws(liked, events, catalogue, userTower, a, ratio, depth, seed),
        ID_SEPARATOR, events, itemInfo);
  }

  /** Returns ({@code _positive}, {@code _k}, {@code item_row}) ({@link RankingNegatives#DRAWS}). */
  static Dataset<Row> draws(Dataset<Row> liked, Dataset<Row> events, Catalogue catalogue, byte[] userTower,
      FeatureArtifacts a, int ratio, int depth, int seed) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(liked.sparkSession().sparkContext());
    Broadcast<byte[]> tower = sc.broadcast(userTower);
    String sha = OnnxModels.sha256(userTower);
    MapPartitionsFunction<Row, Row> embed = rows -> {
      OnnxScorer scorer = OnnxModels.shared(sha, tower.value());
      List<Row> out = new ArrayList<>();
      List<Row> batch = new ArrayList<>(BATCH);
      while (rows.hasNext()) {
        batch.add(rows.next());
        if (batch.size() == BATCH || !rows.hasNext()) {
          embedBatch(batch, scorer, a, out);
          batch.clear();
        }
      }
      return out.iterator();
    };
    Dataset<Row> vectors = liked.withColumn("_hash", xxhash64(col(Schemas.EVENT_ID), lit(seed)))
        .mapPartitions(embed, Encoders.row(USER_VECTORS));
    Dataset<Row> perUser = vectors.groupBy(Schemas.USER_ID)
        .agg(collect_list(struct(col(Schemas.EVENT_ID), col("_hash"), col("_vec"))).as("_p"))
        .join(RankingNegatives.seen(events), new String[] {Schemas.USER_ID}, "left");
    Broadcast<Catalogue> shared = sc.broadcast(catalogue);
    MapPartitionsFunction<Row, Row> draw = users -> {
      Catalogue c = shared.value();
      Map<Integer, Integer> position = new HashMap<>();
      for (int i = 0; i < c.itemRows().length; i++) {
        position.put(c.itemRows()[i], i);
      }
      List<Row> out = new ArrayList<>();
      while (users.hasNext()) {
        Row u = users.next();
        BitSet excluded = new BitSet(c.itemRows().length);
        Set<Integer> seen = RankingNegatives.seenRows(u);
        for (int row : seen) {
          Integer p = position.get(row);
          if (p != null) {
            excluded.set(p);
          }
        }
        for (Row positive : u.<Row>getList(u.fieldIndex("_p"))) {
          long[] top = TopK.of(TopK.innerProducts(TrainingRows.floats(positive.getList(2)), c.vectors()), depth,
              excluded);
          SplittableRandom rng = new SplittableRandom(positive.getLong(1));
          // A partial Fisher-Yates shuffle: the first min(ratio, |top|) places get distinct uniform picks.
          for (int k = 0; k < Math.min(ratio, top.length); k++) {
            int pick = k + rng.nextInt(top.length - k);
            long chosen = top[pick];
            top[pick] = top[k];
            top[k] = chosen;
            out.add(RowFactory.create(positive.getString(0), k, c.itemRows()[(int) chosen]));
          }
        }
      }
      return out.iterator();
    };
    return perUser.mapPartitions(draw, Encoders.row(RankingNegatives.DRAWS));
  }

  private static void embedBatch(List<Row> batch, OnnxScorer scorer, FeatureArtifacts a, List<Row> out)
      throws Exception {
    List<ModelInputs.UserTower> inputs = new ArrayList<>(batch.size());
    for (Row r : batch) {
      inputs.add(ModelInputs.userTower(FeatureRows.user(r), TrainingRows.index(r, FeatureTables.USER_IDX),
          r.getLong(r.fieldIndex(FeatureTables.TS_MS)), a));
    }
    float[] flat = OnnxModels.userVectors(scorer, inputs);
    int dim = flat.length / batch.size();
    for (int i = 0; i < batch.size(); i++) {
      Row r = batch.get(i);
      out.add(RowFactory.create(r.getAs(Schemas.USER_ID), r.getAs(Schemas.EVENT_ID),
          r.getLong(r.fieldIndex("_hash")), TrainingRows.boxed(Arrays.copyOfRange(flat, i * dim, (i + 1) * dim))));
    }
  }
}
