package dev.recsys.pipelines.export;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Verification;
import dev.recsys.export.onnx.DenseLayer;
import dev.recsys.export.onnx.EmbeddingTable;
import dev.recsys.export.onnx.ItemTowerWeights;
import dev.recsys.export.onnx.OnnxGraphs;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.features.config.ExportConfig;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.features.config.XgboostConfig;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.snapshot.VectorColumn;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FinalScore;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.EvaluateModelsJob;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.pipelines.train.TrainingRows;
import dev.recsys.pipelines.train.XgbRanker;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import dev.recsys.training.DlrmConfig;
import dev.recsys.training.DlrmModel;
import dev.recsys.training.SavedModels;
import dev.recsys.training.SyntheticRankingData;
import dev.recsys.training.SyntheticTwoTowerData;
import dev.recsys.training.TrainConfig;
import dev.recsys.training.TrainDlrm;
import dev.recsys.training.TrainTwoTower;
import dev.recsys.training.TwoTowerModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export job on a small generated data set run through ingest, validate, split and features, with tiny
 * two-tower and DLRM models trained by DJL and written to ONNX: what it publishes, and what it refuses. The
 * crash safety of publishing is covered by the bundle writer's own tests ({@code export} module,
 * {@code CrashTest} kills a publishing JVM, {@code BundleWriterTest}).
 */
class ExportBundleJobTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static RecsysConfig pipeline;
  private static Path models;
  private static TwoTowerModel twoTower;
  private static TwoTowerModel otherTwoTower;
  private static DlrmModel ranker;

  @BeforeAll
  static void runPipelineAndTrainModels() throws Exception {
    SparkSession spark = session();
    RecsysConfig cfg = localConfig().withStorage(new StorageConfig(shared.resolve("lake").toString()));
    GeneratorConfig g = cfg.generator();
    // No bot: at this scale its events alone would sink the quality gate.
    pipeline = cfg.withGenerator(new GeneratorConfig(g.seed(), 6000, 150, 120, g.categories(), g.days(),
        g.dirtyShare(), 0, 2));
    String batch = GenerateEventsJob.defaultBatch(DAY);
    GenerateEventsJob.run(spark, pipeline, DAY, batch);
    IngestEventsJob.run(spark, pipeline.storage(), DAY, batch);
    ValidateEventsJob.run(spark, pipeline.storage(), pipeline.validation(), DAY, ValidateEventsJob.runId(DAY));
    SplitEventsJob.run(spark, pipeline.storage(), pipeline.split(), DAY);
    BuildFeaturesJob.Result features = BuildFeaturesJob.run(spark, pipeline, DAY);

    FeatureArtifacts a = features.artifacts();
    int users = (int) Tables.read(spark, pipeline.storage().table(BuildFeaturesJob.VOCAB_USERS)).count();
    int items = (int) Tables.read(spark, pipeline.storage().table(BuildFeaturesJob.VOCAB_ITEMS)).count();
    int categories = a.categories().size() - 2;
    SyntheticTwoTowerData world = new SyntheticTwoTowerData(new SyntheticTwoTowerData.Sizes(users, items, 2,
        categories, a.tokens().size() - 2, a.historyLength(), a.tokenLength(), Featurizers.USER_DENSE.size(),
        Featurizers.ITEM_DENSE.size(), 0.8f), 3);
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 5).withMaxBatches(2);
    twoTower = TrainTwoTower.train(world.config(8, List.of(16), 8, 0.1f, 0.1f), train, world.batches(64, 2, 1))
        .model();
    otherTwoTower = TrainTwoTower.train(world.config(8, List.of(16), 8, 0.1f, 0.1f), TrainConfig.of(0.01f, 1, 64, 6)
        .withMaxBatches(2), world.batches(64, 2, 2)).model();
    int dense = FeatureSets.RANKING_V1.inputs().get(0).width();
    SyntheticRankingData ranking = new SyntheticRankingData(dense, List.of(items, categories,
        a.priceBuckets() - 2, a.devices().size() - 2, a.placements().size() - 2), 4);
    ranker = TrainDlrm.train(new DlrmConfig(dense, ranking.cardinalities(), 4, List.of(8), List.of(8), true), train,
        ranking.batches(64, 2, 1)).model();

    models = shared.resolve("models");
    Files.createDirectories(models);
    // The towers are an ensemble of the two two-tower runs, as training.two_tower_models: 2 exports them.
    OnnxGraphs.writeUserTower(List.of(twoTower.weights().user(), otherTwoTower.weights().user()),
        models.resolve(BundleLayout.USER_TOWER));
    OnnxGraphs.writeItemTower(List.of(twoTower.weights().item(), otherTwoTower.weights().item()),
        models.resolve(BundleLayout.ITEM_TOWER));
    OnnxGraphs.writeDlrm(ranker.weights(), models.resolve(BundleLayout.RANKER));
    SavedModels.saveTwoTowers(List.of(twoTower, otherTwoTower), models.resolve(TrainModelsJob.DJL_DIR));
    SavedModels.save(ranker, models.resolve(TrainModelsJob.DJL_DIR));
    Files.writeString(models.resolve(TrainModelsJob.REPORT_FILE), "{\"two_tower\": {\"final_loss\": 4.5,"
        + " \"epoch_losses\": [5.0, 4.5]}, \"dlrm\": {\"final_loss\": 0.6}}");
  }

  @AfterAll
  static void closeModels() {
    if (twoTower != null) {
      twoTower.close();
    }
    if (otherTwoTower != null) {
      otherTwoTower.close();
    }
    if (ranker != null) {
      ranker.close();
    }
  }

  private RecsysConfig exportConfig(double floor) {
    return pipeline.withExport(new ExportConfig(tmp.resolve("bundles").toString(), 2, "HNSW16", 8, 32, 10, 60,
        floor, 50, 7, 32));
  }

  @Test
  void publishesAVerifiedBundleWhoseVectorsMatchTheItemTower() throws Exception {
    RecsysConfig cfg = exportConfig(0.9);
    // The reference is the DJL models saved beside the ONNX files, as in a run of the job's main.
    ExportBundleJob.Result r = ExportBundleJob.runWithSavedReference(spark, cfg, DAY, models);

    Path root = Path.of(cfg.export().bundlesRoot());
    Bundle bundle = Bundles.openCurrent(root, Verification.CHECKSUMS);
    assertEquals(ExportBundleJob.version(DAY), bundle.version());
    assertEquals(ValidateEventsJob.asOf(DAY), bundle.manifest().createdAt(), "created_at from the run date");
    for (String file : List.of(BundleLayout.ARTIFACTS, BundleLayout.USERS, BundleLayout.ITEMS,
        BundleLayout.USER_TOWER, BundleLayout.ITEM_TOWER, BundleLayout.RANKER, BundleLayout.ITEM_VECTORS,
        BundleLayout.INDEX, BundleLayout.POPULARITY)) {
      assertTrue(bundle.manifest().files().containsKey(file), file + " in " + bundle.manifest().files().keySet());
    }
    Map<String, Object> index = bundle.manifest().index();
    double recall = ((Number) index.get("recall")).doubleValue();
    assertEquals(r.recall(), recall);
    assertTrue(recall >= 0.9, "recall " + recall);
    assertEquals(4.5, bundle.manifest().metrics().get("training.two_tower.final_loss"));
    @SuppressWarnings("unchecked")
    Map<String, Object> parity = (Map<String, Object>) bundle.manifest().sourceRun().get("parity");
    assertEquals("djl", parity.get("reference"), parity.toString());
    // How serving orders the ranker's candidates, with the run's temperature and ranker weight.
    assertEquals(EvaluateModelsJob.finalScore(cfg.training()), FinalScore.read(
        (Map<?, ?>) bundle.manifest().models().get("ranker").outputs().get(FinalScore.KEY)));

    // Vectors in the bundle = the item tower run directly on the bundle's item snapshot, as the server would.
    FeatureArtifacts a;
    try (InputStream in = Files.newInputStream(bundle.file(BundleLayout.ARTIFACTS))) {
      a = FeatureArtifacts.read(in);
    }
    try (Snapshot itemsSnap = Snapshot.open(bundle.file(BundleLayout.ITEMS));
        Snapshot vectors = Snapshot.open(bundle.file(BundleLayout.ITEM_VECTORS));
        OnnxScorer tower = OnnxScorer.open(bundle.file(BundleLayout.ITEM_TOWER), 1)) {
      assertEquals(itemsSnap.rows(), vectors.rows());
      FeatureSnapshots.Items items = new FeatureSnapshots.Items(itemsSnap);
      long asOfMs = Long.parseLong(itemsSnap.metadata().get(FeatureSnapshots.AS_OF_MS));
      int[] rows = {0, 7, itemsSnap.rows() - 1};
      List<ModelInputs.ItemTower> inputs = new ArrayList<>();
      for (int row : rows) {
        assertEquals(itemsSnap.id(row), vectors.id(row));
        inputs.add(ModelInputs.itemTower(items.aggregates(row), items.itemIdx(row), asOfMs, a));
      }
      float[] direct = OnnxModels.itemVectors(tower, inputs);
      VectorColumn vec = vectors.vectorColumn(BundleLayout.VECTOR_COLUMN);
      for (int k = 0; k < rows.length; k++) {
        float[] stored = vec.get(rows[k]);
        for (int d = 0; d < vec.dim(); d++) {
          assertEquals(direct[k * vec.dim() + d], stored[d], 1e-6, "row " + rows[k] + " dim " + d);
        }
      }
    }

    JsonNode popularity = JSON.readTree(bundle.file(BundleLayout.POPULARITY).toFile());
    assertTrue(popularity.get("global").size() > 0 && popularity.get("global").size() <= 50, popularity.toString());
    assertTrue(popularity.get("by_placement").size() > 0 && popularity.get("by_device").size() > 0);
  }

  @Test
  void trainingRankerXgboostPublishesTheXgboostGraphCheckedAgainstItsTrees() throws Exception {
    Path xgbModels = tmp.resolve("xgb-models");
    Files.createDirectories(xgbModels);
    for (String file : List.of(BundleLayout.USER_TOWER, BundleLayout.ITEM_TOWER, BundleLayout.RANKER)) {
      Files.copy(models.resolve(file), xgbModels.resolve(file));
    }
    Dataset<Row> train = Tables.read(spark, pipeline.storage().table(BuildFeaturesJob.EXAMPLES))
        .where(col(BuildFeaturesJob.SPLIT).equalTo(SplitEventsJob.TRAIN));
    FeatureArtifacts a = TrainModelsJob.readArtifacts(spark, BuildFeaturesJob.artifactsPath(pipeline.storage(),
        DAY));
    XgboostConfig small = new XgboostConfig(XgboostConfig.Device.CPU, 1, 10, 3, 0.3);
    XgbRanker.train(spark, TrainingRows.rankingExamples(train, true), a, true, small, 7, xgbModels);
    RecsysConfig cfg = exportConfig(0.5);
    cfg = cfg.withTraining(cfg.training().withRanker(TrainingConfig.Ranker.XGBOOST, small));

    ExportBundleJob.run(spark, cfg, DAY, xgbModels,
        Optional.of(new DjlReference(List.of(twoTower, otherTwoTower), ranker)));

    Bundle bundle = Bundles.openCurrent(Path.of(cfg.export().bundlesRoot()), Verification.CHECKSUMS);
    assertArrayEquals(Files.readAllBytes(xgbModels.resolve(XgbRanker.ONNX_FILE)),
        Files.readAllBytes(bundle.file(BundleLayout.RANKER)), "the bundle's ranker is the XGBoost graph");
    assertTrue(String.valueOf(bundle.manifest().sourceRun().get("ranker")).startsWith("xgboost"));
    @SuppressWarnings("unchecked")
    Map<String, Object> parity = (Map<String, Object>) bundle.manifest().sourceRun().get("parity");
    assertEquals("djl towers, xgboost trees", parity.get("reference"), parity.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> diffs = (Map<String, Object>) parity.get("max_abs_diff");
    assertTrue(((Number) diffs.get("ranker")).doubleValue() <= 1e-5, diffs.toString());
  }

  @Test
  void refusesToPublishBelowTheRecallFloor() throws Exception {
    RecsysConfig ok = exportConfig(0.5);
    ExportBundleJob.run(spark, ok, DAY, models, Optional.empty());
    Path root = Path.of(ok.export().bundlesRoot());
    Optional<String> before = Bundles.current(root);
    assertTrue(before.isPresent());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ExportBundleJob.run(spark, exportConfig(1.01), DAY, models, Optional.empty()));
    assertTrue(e.getMessage().contains("is below export.recall_floor = 1.0100"), e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*recall@10 = [01]\\.\\d{4}.*"), e.getMessage());
    assertEquals(before, Bundles.current(root), "CURRENT unchanged");
    assertEquals(List.of(before.orElseThrow()), Bundles.versions(root), "nothing new published");
  }

  @Test
  void theGateKeepsTheServedBundleWhenTheEvaluationRefusesTheCandidate() throws Exception {
    RecsysConfig cfg = exportConfig(0.5);
    LocalDate day = DAY.plusDays(1); // a run date of its own: no decision of DAY is touched
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> ExportBundleJob.gateRefusal(spark, cfg, day));
    assertTrue(missing.getMessage().contains("run evaluate first"), missing.getMessage());

    String decisionPath = EvaluateModelsJob.reportBase(cfg.storage(), day) + ".decision.json";
    Reports.write(spark, decisionPath, new EvaluateModelsJob.Decision(day.toString(), "two_tower_dlrm",
        "ndcg_at_10", 0.01, false, "candidate does not beat als"));
    assertEquals(Optional.empty(), ExportBundleJob.gateRefusal(spark, cfg, day),
        "a refused candidate is published when no bundle exists at all");

    ExportBundleJob.run(spark, cfg, DAY, models, Optional.empty());
    String served = Bundles.current(Path.of(cfg.export().bundlesRoot())).orElseThrow();
    Optional<String> refusal = ExportBundleJob.gateRefusal(spark, cfg, day);
    assertTrue(refusal.orElseThrow().contains("candidate does not beat als; keeping bundle " + served),
        refusal.toString());

    Reports.write(spark, decisionPath, new EvaluateModelsJob.Decision(day.toString(), "two_tower_dlrm",
        "ndcg_at_10", 0.3, true, "candidate beats every baseline"));
    assertEquals(Optional.empty(), ExportBundleJob.gateRefusal(spark, cfg, day));
  }

  @Test
  void refusesAModelWhoseInputsDifferFromTheFeatureSet() throws Exception {
    Path bad = tmp.resolve("bad-models");
    Files.createDirectories(bad);
    Files.copy(models.resolve(BundleLayout.USER_TOWER), bad.resolve(BundleLayout.USER_TOWER));
    Files.copy(models.resolve(BundleLayout.RANKER), bad.resolve(BundleLayout.RANKER));
    int denseDim = Featurizers.ITEM_DENSE.size() + 1;
    Random r = new Random(1);
    OnnxGraphs.writeItemTower(List.of(new ItemTowerWeights(table(r, 10, 4), table(r, 5, 4), table(r, 5, 4), denseDim,
        List.of(), new DenseLayer(floats(r, 8 * (12 + denseDim)), floats(r, 8), 12 + denseDim, 8))),
        bad.resolve(BundleLayout.ITEM_TOWER));

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ExportBundleJob.run(spark, exportConfig(0.5), DAY, bad, Optional.empty()));
    assertTrue(e.getMessage().contains("item_tower.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("model expects item_dense float32 [?, " + denseDim + "] but spec says float32"
        + " [?, " + Featurizers.ITEM_DENSE.size() + "]"), e.getMessage());
    assertFalse(Files.exists(Path.of(exportConfig(0.5).export().bundlesRoot())), "bundles root untouched");
  }

  @Test
  void refusesOnnxModelsThatDisagreeWithTheReference() {
    // The ONNX files hold the ensemble (twoTower, otherTwoTower); the reference has its members the other way round.
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExportBundleJob.run(spark,
        exportConfig(0.5), DAY, models, Optional.of(new DjlReference(List.of(otherTwoTower, twoTower), ranker))));
    assertTrue(e.getMessage().startsWith("item_tower item_vec: max |djl - ONNX| = "), e.getMessage());
    assertTrue(e.getMessage().contains("exceeds 1e-05; bundle not published"), e.getMessage());
    assertFalse(Files.exists(Path.of(exportConfig(0.5).export().bundlesRoot())), "bundles root untouched");
  }

  private static EmbeddingTable table(Random r, int rows, int dim) {
    return new EmbeddingTable(floats(r, rows * dim), rows, dim);
  }

  private static float[] floats(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) r.nextGaussian();
    }
    return out;
  }
}
