package dev.recsys.pipelines.train;

import dev.recsys.features.bench.BenchmarkResults;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.SplitConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
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
 * per-user temporal holdout and {@code --conf movielens} for the global time split (recorded under other keys,
 * {@link #keyPrefix}); the run date must lie after the last rating (1998-05-01 for ML-100K). With
 * {@code --window validation} it evaluates the validation window instead, with models fitted on train alone
 * whatever {@code training.fit_on_validation} says, and records nothing: settings are tuned there, and the
 * recorded test figures come from a run with the chosen settings.
 */
public final class QualityBenchmark {

  static final String USAGE = "QualityBenchmark --conf <overlays> --movielens <dir> --run-date <yyyy-mm-dd>"
      + " [--results benchmarks/results.json] [--window test|validation]";
  static final int BATCH = 1024;

  private QualityBenchmark() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "movielens", "run-date", "results", "window"), Set.of(), a -> {
      String window = EvaluateModelsJob.window(a.get("window").orElse(SplitEventsJob.TEST));
      RecsysConfig loaded = a.config();
      // Models evaluated on the validation window must not have been fitted on it.
      boolean fitOnValidation = loaded.training().fitOnValidation() && window.equals(SplitEventsJob.TEST);
      // Its own lake, and a bundles root with nothing published: the gate compares with the baselines.
      String root = loaded.storage().root() + "/quality-benchmark";
      RecsysConfig cfg = loaded
          .withStorage(new StorageConfig(root))
          .withExport(loaded.export().withBundlesRoot(root + "/bundles"))
          .withTraining(loaded.training().withBatchSize(BATCH).withFitOnValidation(fitOnValidation));
      String load = BenchmarkResults.loadAverage();
      // From scratch each time: an earlier run's lake would be skipped by ingest and its checkpoints resumed.
      org.apache.hadoop.fs.Path lake = new org.apache.hadoop.fs.Path(cfg.storage().root());
      lake.getFileSystem(new org.apache.hadoop.conf.Configuration()).delete(lake, true);
      try (SparkSession spark = Sessions.open("recsys-quality-benchmark", cfg.spark())) {
        EvaluationReport report = run(spark, cfg, a.required("movielens"), a.runDate(), window);
        if (!window.equals(SplitEventsJob.TEST)) {
          System.out.println("validation window: nothing recorded");
          return;
        }
        SplitConfig.Mode split = cfg.split().mode();
        record(Path.of(a.get("results").orElse("benchmarks/results.json")), report, a.required("movielens"), split,
            String.format(Locale.ROOT, "./recsys bench-quality%s (%s, %d cores, %s, load average at start %s)",
                split == SplitConfig.Mode.FRACTION ? " --split global" : "", spark.sparkContext().master(),
                Runtime.getRuntime().availableProcessors(), fit(cfg.training()), load));
      }
    });
  }

  /**
   * Records NDCG@10 and Recall@50 of every model in {@code report}, with their 95% interval, as
   * {@code <prefix>.<model>.<metric>[_ci_low|_ci_high]} ({@link #keyPrefix}).
   */
  static void record(Path results, EvaluationReport report, String source, SplitConfig.Mode split, String how) {
    String prefix = keyPrefix(source, split);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    report.models().forEach((model, metrics) -> {
      for (String metric : EvaluateModelsJob.COMPARED) {
        MetricValue v = metrics.get(metric);
        if (v == null) {
          continue;
        }
        String key = prefix + "." + model + "." + metric;
        BenchmarkResults.record(results, key, round(v.value()), "", how, today);
        if (v.hasInterval()) {
          BenchmarkResults.record(results, key + "_ci_low", round(v.ciLow()), "", how, today);
          BenchmarkResults.record(results, key + "_ci_high", round(v.ciHigh()), "", how, today);
        }
      }
    });
  }

  /**
   * Returns {@code quality.<data set>} for the per-user holdout and {@code quality.<data set>_global} for the global
   * time split (by share of events; {@code _days} for a split by days): the data set is the source folder's name
   * without punctuation ({@code ml-100k} -> {@code ml100k}).
   */
  static String keyPrefix(String source, SplitConfig.Mode split) {
    String dataSet = Path.of(source).getFileName().toString().replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    return "quality." + dataSet + switch (split) {
      case USER_FRACTION -> "";
      case FRACTION -> "_global";
      case DAYS -> "_days";
    };
  }

  /** {@code "models fitted on train + validation, 60 two-tower / 3 DLRM epochs"}. */
  static String fit(TrainingConfig t) {
    return "models fitted on " + String.join(" + ", SplitEventsJob.fitWindows(t)) + ", " + t.epochs()
        + " two-tower / " + t.dlrm().epochs() + " DLRM epochs";
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  /** Runs every step on {@code source}, evaluates {@code window} and prints the figures; returns the report. */
  static EvaluationReport run(SparkSession spark, RecsysConfig cfg, String source, LocalDate runDate,
      String window) throws Exception {
    StorageConfig storage = cfg.storage();
    long start = System.nanoTime();
    ImportMovieLensJob.run(spark, storage, source, ImportMovieLensJob.DEFAULT_BATCH);
    IngestEventsJob.run(spark, storage, runDate, ImportMovieLensJob.DEFAULT_BATCH);
    ValidateEventsJob.run(spark, storage, cfg.validation(), runDate, ValidateEventsJob.runId(runDate));
    SplitEventsJob.run(spark, storage, cfg.split(), runDate);
    BuildFeaturesJob.run(spark, cfg, runDate);
    TrainModelsJob.Result training = TrainModelsJob.run(spark, cfg, runDate, 0);
    EvaluationReport report = window.equals(SplitEventsJob.TEST)
        ? EvaluateModelsJob.run(spark, cfg, runDate).report() : EvaluateModelsJob.evaluate(spark, cfg, runDate, window);

    System.out.printf(Locale.ROOT, "%nQuality benchmark on %s, split %s, %s window, %s, %.0f s in all%n", source,
        cfg.split().mode().name().toLowerCase(Locale.ROOT), window, fit(cfg.training()),
        (System.nanoTime() - start) / 1e9);
    System.out.print(EvaluateModelsJob.summary(report));
    System.out.printf(Locale.ROOT, "training at batch %d: two-tower %,.0f samples/s, DLRM %,.0f samples/s "
            + "(ai.djl.pytorch.num_threads=%s)%n", BATCH, training.twoTower().samplesPerSecond(),
        training.ranker().samplesPerSecond(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
    return report;
  }
}
