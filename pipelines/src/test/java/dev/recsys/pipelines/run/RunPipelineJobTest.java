package dev.recsys.pipelines.run;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Verification;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.EvaluateModelsJob;
import dev.recsys.pipelines.train.ServedModel;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The demo path end to end on a small generated data set: every step runs, its tables hold together, and a
 * bundle is published.
 */
class RunPipelineJobTest extends SparkTestBase {

  @Test
  void generatedDataFlowsThroughEveryStep() throws Exception {
    LocalDate day = LocalDate.of(2026, 11, 1);
    cfg = SmallPipeline.config(cfg, tmp.resolve("bundles"), 2);
    SmallPipeline.run(spark, cfg, day);

    long clean = Tables.read(spark, cfg.storage().table(ValidateEventsJob.EVENTS)).count();
    Dataset<Row> examples = Tables.read(spark, cfg.storage().table(BuildFeaturesJob.EXAMPLES));
    long inSplits = Tables.read(spark, cfg.storage().table(SplitEventsJob.TRAIN)).count()
        + Tables.read(spark, cfg.storage().table(SplitEventsJob.VALIDATION)).count()
        + Tables.read(spark, cfg.storage().table(SplitEventsJob.TEST)).count();
    assertTrue(clean > 7_000, "clean events: " + clean);
    assertEquals(inSplits, examples.count(), "one example per event of the split windows");
    assertTrue(examples.where(col(BuildFeaturesJob.LABEL_CLICK).equalTo(1)).count() > 0, "impressions with clicks");

    FeatureArtifacts artifacts;
    try (InputStream in = Files.newInputStream(Path.of(BuildFeaturesJob.artifactsPath(cfg.storage(), day)))) {
      artifacts = FeatureArtifacts.read(in);
    }
    assertEquals(Featurizers.USER_DENSE, artifacts.userDense().names());
    assertTrue(artifacts.categories().size() > 2 && artifacts.tokens().size() > 2, "vocabularies fitted");
    assertTrue(artifacts.userDense().stds()[0] > 0, "normaliser fitted on train examples");
    assertEquals(150, Tables.read(spark, cfg.storage().table(BuildFeaturesJob.FEATURES_ITEMS)).count());
    assertTrue(Bundles.current(tmp.resolve("bundles")).isPresent(), "the first run publishes a bundle to serve");
    Bundle bundle = Bundles.openCurrent(tmp.resolve("bundles"), Verification.CHECKSUMS);
    @SuppressWarnings("unchecked")
    Map<String, Object> parity = (Map<String, Object>) bundle.manifest().sourceRun().get("parity");
    assertEquals("djl", parity.get("reference"), "ONNX checked against the saved DJL models: " + parity);
    assertTrue(bundle.manifest().metrics().keySet().stream().anyMatch(k -> k.startsWith("evaluation.")),
        "evaluation metrics in the manifest: " + bundle.manifest().metrics().keySet());
    EvaluateModelsJob.PublishedMetrics served = ServedModel.read(tmp.resolve("bundles")).metrics().orElseThrow();
    assertEquals(day.toString(), served.runDate(), "the served run is the next gate's reference");
    assertEquals(EvaluateModelsJob.candidate(cfg.training()), served.model());
    assertEquals(bundle.manifest().metrics().get("evaluation.models." + served.model() + "."
        + cfg.training().gateMetric() + ".value"), served.metrics().get(cfg.training().gateMetric()));
  }
}
