package dev.recsys.pipelines.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.onnx.TreeFeatures;
import dev.recsys.export.onnx.XgbTrees;
import dev.recsys.features.config.XgboostConfig;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The XGBoost ranker on a few hundred synthetic ranking rows (a handful of rounds): it learns, and the exported
 * ONNX graph gives XGBoost's own predictions; and the settings that would hang or abort the JVM are refused.
 */
class XgbRankerTest extends SparkTestBase {

  /** Three dense columns; sparse: an id (left out), a 5-value category (one-hot), a bucket (ordinal). */
  private static final TreeFeatures FEATURES = TreeFeatures.of(3, List.of(TreeFeatures.Sparse.dropped("item_idx"),
      new TreeFeatures.Sparse("item_cat", TreeFeatures.Kind.ONE_HOT, 5),
      new TreeFeatures.Sparse("price_bucket", TreeFeatures.Kind.ORDINAL, 0)));

  @Test
  void learnsTheRelevantFeaturesAndOnnxGivesXgboostsPredictions() throws Exception {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    List<ModelInputs.Ranking> inputs = new ArrayList<>();
    for (int group = 0; group < 40; group++) {
      for (int i = 0; i < 12; i++) {
        // Thresholds fall on values that repeat (quarters, bucket indexes), so equality at a split is exercised.
        float[] dense = {random.nextInt(8) / 4f, (float) random.nextGaussian(), random.nextFloat()};
        long[] sparse = {2 + random.nextInt(50), random.nextInt(5), random.nextInt(6)};
        float relevance = (dense[0] > 1 ? 1 : 0) + (sparse[1] == 3 ? 1 : 0) + (random.nextInt(5) == 0 ? 1 : 0);
        rows.add(row(dense, sparse, relevance, group));
        inputs.add(new ModelInputs.Ranking(dense, sparse));
      }
    }
    Dataset<Row> data = spark.createDataFrame(rows, XgbRanker.ROWS);
    XgboostConfig c = new XgboostConfig(XgboostConfig.Device.CPU, 1, 8, 3, 0.3);

    XgbRanker.Fitted fitted = XgbRanker.fit(data, FEATURES, c, 7);

    assertEquals(8, fitted.history().length, "one train NDCG per round");
    assertTrue(fitted.history()[7] > 0.8 && fitted.history()[7] >= fitted.history()[0],
        "train ndcg per round: " + java.util.Arrays.toString(fitted.history()));
    XgbTrees trees = XgbTrees.parse(fitted.json());
    assertEquals(XgbRanker.OBJECTIVE, trees.objective());
    assertEquals(8, trees.trees().size());

    List<Row> predicted = fitted.model().transform(data).select(fitted.model().getPredictionCol()).collectAsList();
    float[] onnx = XgbRanker.score(fitted.onnx(), inputs);
    double max = 0;
    for (int i = 0; i < onnx.length; i++) {
      double xgb = predicted.get(i).getDouble(0);
      max = Math.max(max, Math.abs(onnx[i] - xgb));
      assertEquals(xgb, trees.margin(FEATURES.encode(inputs.get(i).dense(), inputs.get(i).sparse())), 1e-5,
          "plain-Java walk of the parsed trees, row " + i);
    }
    assertTrue(max <= XgbRanker.PARITY_TOLERANCE, "max |ONNX - XGBoost| = " + max);
    assertEquals(max, XgbRanker.parity(spark, fitted.model(), fitted.onnx(), data.collectAsList()), 1e-12);
    // The graph ranks what the trees learnt: relevant rows above irrelevant ones on average.
    double relevant = 0;
    double irrelevant = 0;
    int nRelevant = 0;
    for (int i = 0; i < onnx.length; i++) {
      if (rows.get(i).getFloat(3) > 0) {
        relevant += onnx[i];
        nRelevant++;
      } else {
        irrelevant += onnx[i];
      }
    }
    assertTrue(relevant / nRelevant > irrelevant / (onnx.length - nRelevant));
  }

  @Test
  void theSameRowsPartitionedAndOrderedDifferentlyTrainTheSameTrees() throws Exception {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int group = 0; group < 30; group++) {
      for (int i = 0; i < 10; i++) {
        float[] dense = {random.nextInt(8) / 4f, (float) random.nextGaussian(), random.nextFloat()};
        long[] sparse = {2 + random.nextInt(50), random.nextInt(5), random.nextInt(6)};
        rows.add(row(dense, sparse, (dense[0] > 1 ? 1 : 0) + (sparse[1] == 3 ? 1 : 0), group));
      }
    }
    List<Row> shuffled = new ArrayList<>(rows);
    java.util.Collections.shuffle(shuffled, new Random(9));
    XgboostConfig c = new XgboostConfig(XgboostConfig.Device.CPU, 1, 6, 3, 0.3);

    Dataset<Row> inOrder = XgbRanker.inCanonicalOrder(spark.createDataFrame(rows, XgbRanker.ROWS), 1);
    Dataset<Row> reordered = XgbRanker.inCanonicalOrder(
        spark.createDataFrame(shuffled, XgbRanker.ROWS).repartition(5), 1);
    assertEquals(1, reordered.rdd().getNumPartitions());
    assertEquals(inOrder.collectAsList(), reordered.collectAsList());
    assertEquals(new String(XgbRanker.fit(inOrder, FEATURES, c, 7).json(), java.nio.charset.StandardCharsets.UTF_8),
        new String(XgbRanker.fit(reordered, FEATURES, c, 7).json(), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void cudaWithoutAGpuAndTooManyWorkersAreRefusedBeforeTraining() {
    XgboostConfig cuda = new XgboostConfig(XgboostConfig.Device.CUDA, 1, 5, 3, 0.3);
    IllegalStateException noGpu = assertThrows(IllegalStateException.class,
        () -> XgbRanker.check(cuda, false, false, 2));
    assertTrue(noGpu.getMessage().contains("device is cuda but this machine has no GPU")
        && noGpu.getMessage().contains("set training.xgboost.device: cpu"), noGpu.getMessage());
    IllegalStateException cpuBuild = assertThrows(IllegalStateException.class,
        () -> XgbRanker.check(cuda, true, false, 2));
    assertTrue(cpuBuild.getMessage().contains("CPU build"), cpuBuild.getMessage());
    assertDoesNotThrow(() -> XgbRanker.check(cuda, true, true, 2));
    if (!XgbRanker.gpuPresent()) {
      assertThrows(IllegalStateException.class,
          () -> XgbRanker.check(cuda, XgbRanker.gpuPresent(), XgbRanker.gpuBuild(), 2));
    }

    XgboostConfig three = new XgboostConfig(XgboostConfig.Device.CPU, 3, 5, 3, 0.3);
    int slots = XgbRanker.taskSlots(spark.sparkContext());
    assertEquals(2, slots, "the test session runs local[2]");
    IllegalStateException workers = assertThrows(IllegalStateException.class,
        () -> XgbRanker.check(three, false, false, slots));
    assertTrue(workers.getMessage().contains("num_workers = 3 but the Spark application has only 2 task slot"),
        workers.getMessage());
    assertDoesNotThrow(() -> XgbRanker.check(new XgboostConfig(XgboostConfig.Device.CPU, 2, 5, 3, 0.3), false,
        false, slots));
  }

  private static Row row(float[] dense, long[] sparse, float label, int group) {
    double[] v = new double[FEATURES.width()];
    float[] flat = FEATURES.encode(dense, sparse);
    for (int i = 0; i < v.length; i++) {
      v[i] = flat[i];
    }
    return RowFactory.create(TrainingRows.boxed(dense), TrainingRows.boxed(sparse), Vectors.dense(v), label, group);
  }
}
