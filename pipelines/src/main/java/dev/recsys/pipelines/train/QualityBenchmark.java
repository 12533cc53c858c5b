package dev.recsys.pipelines.train;

import dev.recsys.features.bench.BenchmarkResults;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.ingest.ImportMovieLensJob;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import dev.recsys.training.eval.EvaluationReport;
import dev.recsys.training.eval.MetricValue;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the whole path on a MovieLens download (import, ingest, validate, split, features, training at batch
 * 1024, evaluation) under {@code <root>/quality-benchmark} and prints NDCG@10 and Recall@50 with 95% intervals
 * and n per model, and the two trainers' samples/s. Use {@code --conf movielens,movielens-holdout} for the
 * per-user temporal holdout; the run date must lie after the last rating (1998-05-01 for ML-100K).
 */
public final class QualityBenchmark {

  static final String USAGE = "QualityBenchmark --conf <overlays> --movielens <dir> --run-date <yyyy-mm-dd>"
      + " [--results benchmarks/results.json]";
  static final int BATCH = 1024;

  private QualityBenchmark() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "movielens", "run-date", "results"), Set.of(), a -> {
      RecsysConfig loaded = a.config();
      RecsysConfig cfg = loaded
          .withStorage(new StorageConfig(loaded.storage().root() + "/quality-benchmark"))
          .withTraining(loaded.training().withEpochs(loaded.training().epochs(), BATCH));
      String load = BenchmarkResults.loadAverage();
      try (SparkSession spark = Sessions.open("recsys-quality-benchmark", cfg.spark())) {
        EvaluateModelsJob.Result eval = run(spark, cfg, a.required("movielens"), a.runDate());
        record(Path.of(a.get("results").orElse("benchmarks/results.json")), eval.report(),
            a.required("movielens"), String.format(Locale.ROOT, "./recsys bench-quality (%s, %d cores, %d epochs, "
                + "load average at start %s)", spark.sparkContext().master(),
                Runtime.getRuntime().availableProcessors(), cfg.training().epochs(), load));
      }
    });
  }

  /**
   * Records NDCG@10 and Recall@50 of every model in {@code report}, with their 95% interval, as
   * {@code quality.<data set>.<model>.<metric>[_ci_low|_ci_high]}; the data set is the source folder's name
   * without punctuation ({@code ml-100k} -> {@code ml100k}).
   */
  static void record(Path results, EvaluationReport report, String source, String how) {
    String dataSet = Path.of(source).getFileName().toString().replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    report.models().forEach((model, metrics) -> {
      for (String metric : EvaluateModelsJob.COMPARED) {
        MetricValue v = metrics.get(metric);
        if (v == null) {
          continue;
        }
        String key = "quality." + dataSet + "." + model + "." + metric;
        BenchmarkResults.record(results, key, round(v.value()), "", how, today);
        if (v.hasInterval()) {
          BenchmarkResults.record(results, key + "_ci_low", round(v.ciLow()), "", how, today);
          BenchmarkResults.record(results, key + "_ci_high", round(v.ciHigh()), "", how, today);
        }
      }
    });
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  /** Runs every step on {@code source} and prints the figures; returns the evaluation. */
  static EvaluateModelsJob.Result run(SparkSession spark, RecsysConfig cfg, String source, LocalDate runDate)
      throws Exception {
    StorageConfig storage = cfg.storage();
    long start = System.nanoTime();
    ImportMovieLensJob.run(spark, storage, source, ImportMovieLensJob.DEFAULT_BATCH);
    IngestEventsJob.run(spark, storage, runDate, ImportMovieLensJob.DEFAULT_BATCH);
    ValidateEventsJob.run(spark, storage, cfg.validation(), runDate, ValidateEventsJob.runId(runDate));
    SplitEventsJob.run(spark, storage, cfg.split(), runDate);
    BuildFeaturesJob.run(spark, cfg, runDate);
    TrainModelsJob.Result training = TrainModelsJob.run(spark, cfg, runDate, 0);
    EvaluateModelsJob.Result eval = EvaluateModelsJob.run(spark, cfg, runDate);

    System.out.printf(Locale.ROOT, "%nQuality benchmark on %s, split %s, %d epochs, %.0f s in all%n", source,
        cfg.split().mode().name().toLowerCase(Locale.ROOT), cfg.training().epochs(),
        (System.nanoTime() - start) / 1e9);
    System.out.print(EvaluateModelsJob.summary(eval.report()));
    System.out.printf(Locale.ROOT, "training at batch %d: two-tower %,.0f samples/s, DLRM %,.0f samples/s "
            + "(ai.djl.pytorch.num_threads=%s)%n", BATCH, training.twoTower().samplesPerSecond(),
        training.ranker().samplesPerSecond(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
    System.out.printf(Locale.ROOT, "quality gate: %s%n", eval.decision().reason());
    return eval;
  }
}
