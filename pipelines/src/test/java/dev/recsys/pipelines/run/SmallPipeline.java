package dev.recsys.pipelines.run;

import dev.recsys.features.config.ExportConfig;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.pipelines.spark.JobArgs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly pipeline on a small generated data set (8,000 events, 200 users, 150 items), one short epoch of
 * small models and an HNSW16 index, for tests that need a published bundle.
 */
public final class SmallPipeline {

  private SmallPipeline() {}

  /** Returns {@code cfg} shrunk for the small run, bundles under {@code bundlesRoot}, {@code keep} kept. */
  public static RecsysConfig config(RecsysConfig cfg, Path bundlesRoot, int keep) {
    GeneratorConfig g = cfg.generator();
    TrainingConfig t = cfg.training();
    // No bot: at this scale its 1,300 events alone would sink the quality gate.
    return cfg.withGenerator(new GeneratorConfig(g.seed(), g.events(), g.users(), g.items(), g.categories(),
            g.days(), g.dirtyShare(), 0, 2))
        .withTraining(new TrainingConfig(t.seed(), 1, 256, t.learningRate(), 5, 8, List.of(16), 8, t.temperature(),
            t.idDropout(), t.gateMetric(), t.gateMargin()).withUniformNegatives(t.uniformNegatives()))
        .withExport(new ExportConfig(bundlesRoot.toString(), keep, "HNSW16", 8, 32, 10, 60, 0.9, 100, 7, 512));
  }

  /** Runs the nightly of {@code day} on generated data with {@code cfg} (from {@link #config}). */
  public static void run(SparkSession spark, RecsysConfig cfg, LocalDate day) throws Exception {
    RunPipelineJob.run(spark, cfg, JobArgs.parse(new String[] {"--run-date", day.toString(), "--generate",
        "--events", "8000", "--users", "200", "--items", "150"}, Set.of("run-date", "events", "users", "items"),
        Set.of("generate")));
  }
}
