package dev.recsys.pipelines.train;

import dev.recsys.features.config.DlrmTrainingConfig;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Small generated data run through the pipeline up to the feature tables, and a small training config. */
final class TrainingFixtures {

  private TrainingFixtures() {}

  /**
   * Returns {@code cfg} with 3,000 generated events, no bot, and small models: two epochs of the two-tower, three of
   * a DLRM narrower than it.
   */
  static RecsysConfig small(RecsysConfig cfg) {
    GeneratorConfig g = cfg.generator();
    TrainingConfig t = cfg.training();
    return cfg.withGenerator(new GeneratorConfig(g.seed(), 3000, 120, 80, g.categories(), g.days(), g.dirtyShare(),
            0, 2))
        .withTraining(new TrainingConfig(t.seed(), 2, 64, t.learningRate(), 1, 8, List.of(16), 8, t.temperature(),
            t.idDropout(), t.gateMetric(), t.gateMargin()).withUniformNegatives(t.uniformNegatives())
            .withDlrm(new DlrmTrainingConfig(3, 4)));
  }

  /** Generates, ingests, validates, splits and builds the features of {@code day} under {@code cfg}'s root. */
  static void buildFeatures(SparkSession spark, RecsysConfig cfg, LocalDate day) {
    String batch = GenerateEventsJob.defaultBatch(day);
    GenerateEventsJob.run(spark, cfg, day, batch);
    IngestEventsJob.run(spark, cfg.storage(), day, batch);
    ValidateEventsJob.run(spark, cfg.storage(), cfg.validation(), day, ValidateEventsJob.runId(day));
    SplitEventsJob.run(spark, cfg.storage(), cfg.split(), day);
    BuildFeaturesJob.run(spark, cfg, day);
  }
}
