package dev.recsys.pipelines.run;

import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.pipelines.export.ExportBundleJob;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.ingest.ImportMovieLensJob;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.EvaluateModelsJob;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline steps for one run date in one Spark application: optionally a data source step (synthetic
 * data, or a MovieLens import), then ingest, validate, split, features, train, evaluate and export (when the
 * quality gate allows it, or when there is no bundle yet), and prints what each step produced. The same
 * steps exist as separate jobs for the scheduler; this entry point is the demo and the one-submit nightly.
 */
public final class RunPipelineJob {

  private static final Logger LOG = LoggerFactory.getLogger(RunPipelineJob.class);
  static final String USAGE = "RunPipelineJob --conf <overlays> --run-date <yyyy-mm-dd> [--batch <id>]"
      + " [--generate [--events N] [--users N] [--items N]] [--movielens <dir>]";

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "batch", "events", "users", "items", "movielens"),
        Set.of("generate"), a -> {
          RecsysConfig cfg = a.config();
          a.runDate();
          if (!a.flag("generate") && a.get("movielens").isEmpty()) {
            a.required("batch");
          }
          try (SparkSession spark = Sessions.open("recsys-pipeline", cfg.spark())) {
            run(spark, cfg, a);
          }
        });
  }

  public static void run(SparkSession spark, RecsysConfig cfg, JobArgs a) throws Exception {
    LocalDate runDate = a.runDate();
    Map<String, Duration> timings = new LinkedHashMap<>();
    String batch;
    if (a.flag("generate")) {
      GeneratorConfig g = cfg.generator();
      cfg = cfg.withGenerator(g.withScale(a.longValue("events", g.events()), (int) a.longValue("users", g.users()),
          (int) a.longValue("items", g.items())));
      batch = a.get("batch").orElse(GenerateEventsJob.defaultBatch(runDate));
      RecsysConfig c = cfg;
      step(timings, "generate", () -> GenerateEventsJob.run(spark, c, runDate, batch));
    } else if (a.get("movielens").isPresent()) {
      batch = a.get("batch").orElse(ImportMovieLensJob.DEFAULT_BATCH);
      RecsysConfig c = cfg;
      step(timings, "import", () -> ImportMovieLensJob.run(spark, c.storage(), a.required("movielens"), batch));
    } else {
      batch = a.required("batch");
    }
    RecsysConfig c = cfg;
    step(timings, "ingest", () -> IngestEventsJob.run(spark, c.storage(), runDate, batch));
    step(timings, "validate", () -> ValidateEventsJob.run(spark, c.storage(), c.validation(), runDate,
        ValidateEventsJob.runId(runDate)));
    step(timings, "split", () -> SplitEventsJob.run(spark, c.storage(), c.split(), runDate));
    step(timings, "features", () -> BuildFeaturesJob.run(spark, c, runDate));
    step(timings, "train", () -> TrainModelsJob.run(spark, c, runDate, 0));
    step(timings, "evaluate", () -> EvaluateModelsJob.run(spark, c, runDate));
    Optional<String> refusal = ExportBundleJob.gateRefusal(spark, c, runDate);
    if (refusal.isPresent()) {
      LOG.warn(refusal.get());
    } else {
      step(timings, "export", () -> ExportBundleJob.runWithSavedReference(spark, c, runDate,
          ExportBundleJob.modelsDir(c.storage(), runDate)));
    }
    System.out.print(summary(spark, cfg, timings));
  }

  /** A pipeline step; steps may throw, and the run stops at the first that does. */
  private interface Step {
    void run() throws Exception;
  }

  private static void step(Map<String, Duration> timings, String name, Step body) throws Exception {
    long start = System.nanoTime();
    LOG.info("step {}: start", name);
    body.run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    timings.put(name, took);
    LOG.info("step {}: done in {} s", name, took.toMillis() / 1000.0);
  }

  /** The tables under the storage root with their row counts and Delta versions, and the step timings. */
  static String summary(SparkSession spark, RecsysConfig cfg, Map<String, Duration> timings) {
    List<String> tables = new ArrayList<>(List.of(IngestEventsJob.BRONZE_EVENTS, IngestEventsJob.ITEMS,
        IngestEventsJob.USERS, IngestEventsJob.QUARANTINE_CATALOG, ValidateEventsJob.EVENTS,
        ValidateEventsJob.QUARANTINE, SplitEventsJob.TRAIN, SplitEventsJob.VALIDATION, SplitEventsJob.TEST,
        BuildFeaturesJob.VOCAB_USERS, BuildFeaturesJob.VOCAB_ITEMS, BuildFeaturesJob.EXAMPLES,
        BuildFeaturesJob.RANKING_NEGATIVES, BuildFeaturesJob.FEATURES_USERS, BuildFeaturesJob.FEATURES_ITEMS));
    StringBuilder s = new StringBuilder("\nrecsys tables under ").append(cfg.storage().root()).append('\n');
    for (String t : tables) {
      String path = cfg.storage().table(t);
      if (Tables.exists(spark, path)) {
        long version = io.delta.tables.DeltaTable.forPath(spark, path).history(1).first().getLong(0);
        s.append(String.format(Locale.ROOT, "  %-20s %,12d rows  (Delta version %d)%n", t,
            Tables.read(spark, path).count(), version));
      }
    }
    s.append("steps:");
    timings.forEach((k, v) -> s.append(String.format(Locale.ROOT, " %s %.1fs", k, v.toMillis() / 1000.0)));
    return s.append('\n').toString();
  }
}
