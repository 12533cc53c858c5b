package dev.recsys.pipelines.export;

import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.features.FeatureRows;
import dev.recsys.pipelines.features.FeatureTables;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Embeds catalog items with the item tower inside Spark executors: {@code features_items} rows go through
 * {@link ModelInputs#itemTower} (the code serving uses) and, {@code batchSize} rows per call, through one shared
 * ONNX Runtime session per executor JVM ({@link OnnxModels#shared}); the model bytes travel as a broadcast.
 */
public final class ItemEmbeddings {

  public static final String VECTOR = "vec";

  /** The output: item id, item row, vector. */
  public static final StructType SCHEMA = new StructType()
      .add(Schemas.ITEM_ID, DataTypes.StringType, false)
      .add(FeatureTables.ITEM_ROW, DataTypes.IntegerType, false)
      .add(VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private ItemEmbeddings() {}

  /**
   * Returns one row per item of {@code items} ({@code features_items}) with its item tower output, aggregates
   * as of {@code asOfMs}.
   */
  public static Dataset<Row> embed(Dataset<Row> items, Broadcast<byte[]> model, String modelSha256,
      FeatureArtifacts artifacts, long asOfMs, int batchSize) {
    MapPartitionsFunction<Row, Row> f = rows -> new Batches(rows, OnnxModels.shared(modelSha256, model.value()),
        artifacts, asOfMs, batchSize);
    return items.mapPartitions(f, Encoders.row(SCHEMA));
  }

  /** Pulls {@code batchSize} rows at a time, embeds them in one ONNX call, and hands out the results. */
  private static final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final OnnxScorer tower;
    private final FeatureArtifacts artifacts;
    private final long asOfMs;
    private final int batchSize;
    private final List<Row> ready = new ArrayList<>();
    private int next;

    Batches(Iterator<Row> rows, OnnxScorer tower, FeatureArtifacts artifacts, long asOfMs, int batchSize) {
      this.rows = rows;
      this.tower = tower;
      this.artifacts = artifacts;
      this.asOfMs = asOfMs;
      this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
      if (next < ready.size()) {
        return true;
      }
      ready.clear();
      next = 0;
      List<Row> batch = new ArrayList<>(batchSize);
      while (batch.size() < batchSize && rows.hasNext()) {
        batch.add(rows.next());
      }
      if (batch.isEmpty()) {
        return false;
      }
      embedBatch(batch);
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return ready.get(next++);
    }

    private void embedBatch(List<Row> batch) {
      List<ModelInputs.ItemTower> inputs = new ArrayList<>(batch.size());
      for (Row r : batch) {
        inputs.add(ModelInputs.itemTower(FeatureRows.item(r), r.<Integer>getAs(FeatureTables.ITEM_IDX), asOfMs,
            artifacts));
      }
      float[] vectors;
      try {
        vectors = OnnxModels.itemVectors(tower, inputs);
      } catch (Exception e) {
        throw new IllegalStateException("item tower failed on a batch of " + batch.size() + " items: "
            + e.getMessage(), e);
      }
      int dim = vectors.length / batch.size();
      for (int i = 0; i < batch.size(); i++) {
        Float[] vec = new Float[dim];
        for (int d = 0; d < dim; d++) {
          vec[d] = vectors[i * dim + d];
        }
        Row r = batch.get(i);
        ready.add(RowFactory.create(r.<String>getAs(Schemas.ITEM_ID), r.<Integer>getAs(FeatureTables.ITEM_ROW),
            vec));
      }
    }
  }
}
