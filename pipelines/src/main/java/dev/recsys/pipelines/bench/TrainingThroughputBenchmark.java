package dev.recsys.pipelines.bench;

import dev.recsys.features.bench.BenchmarkResults;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Measures training throughput on the real job path at batch 1024: generates {@code --events} clean events
 * (default 200,000, the demo's scale), ingests, validates, splits and builds features untimed, then runs
 * {@link TrainModelsJob} (rows featurised on the executors and cached before the first epoch, streamed with
 * {@code toLocalIterator} through the shuffle buffer, DJL steps on the driver) and records each model's samples/s
 * over its epochs ({@code --epochs}, default the config's; the first runs on a cold JIT, so more epochs give a steadier
 * figure) as {@code training.two_tower.samples_per_s} and {@code training.dlrm.samples_per_s}.
 */
public final class TrainingThroughputBenchmark {

  static final String USAGE = "TrainingThroughputBenchmark --conf <overlays> --run-date <yyyy-mm-dd> [--events N]"
      + " [--epochs N] [--results benchmarks/results.json] [--work <dir>]";
  static final int BATCH = 1024;

  private TrainingThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "events", "epochs", "results", "work"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      LocalDate runDate = a.runDate();
      long events = a.longValue("events", 200_000);
      long epochs = a.longValue("epochs", cfg.training().epochs());
      if (epochs < 1 || epochs > 1000) {
        throw new JobArgs.UsageException("--epochs must be in [1, 1000], got " + epochs);
      }
      Path work = Path.of(a.get("work").orElse(Files.createTempDirectory("recsys-bench").toString()));
      GeneratorConfig g = cfg.generator();
      cfg = cfg.withStorage(new StorageConfig(work.resolve("lake").toString()))
          .withGenerator(g.withScale(events, (int) Math.max(100, events / 50), (int) Math.max(50, events / 200)))
          .withTraining(cfg.training().withEpochs((int) epochs, BATCH));
      try (SparkSession spark = Sessions.open("recsys-bench-training", cfg.spark())) {
        String batch = GenerateEventsJob.defaultBatch(runDate);
        GenerateEventsJob.run(spark, cfg, runDate, batch);
        IngestEventsJob.run(spark, cfg.storage(), runDate, batch);
        ValidateEventsJob.run(spark, cfg.storage(), cfg.validation(), runDate, ValidateEventsJob.runId(runDate));
        SplitEventsJob.run(spark, cfg.storage(), cfg.split(), runDate);
        BuildFeaturesJob.run(spark, cfg, runDate);
        String load = BenchmarkResults.loadAverage();
        TrainModelsJob.Result r = TrainModelsJob.run(spark, cfg, runDate, 0);
        // The command as it was run, epochs included: the first epoch runs on a cold JIT, so their number moves
        // the average.
        String how = String.format(Locale.ROOT, "./recsys bench-training --events %d --epochs %d (real job path: %s, "
                + "%,d positives / %,d %s examples, batch %d, %s, %d cores, OMP_WAIT_POLICY=%s, "
                + "ai.djl.pytorch.num_threads=%s, load average before training %s)", events, cfg.training().epochs(),
            spark.sparkContext().master(), r.twoTower().rows(), r.ranker().rows(),
            r.rankingLabels(), BATCH, cfg.training().device(), Runtime.getRuntime().availableProcessors(),
            System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
            System.getProperty("ai.djl.pytorch.num_threads", "(default)"), load);
        System.out.printf(Locale.ROOT, "training throughput at batch %d: two-tower %,.0f samples/s, DLRM %,.0f "
            + "samples/s (load average before training %s)%n", BATCH, r.twoTower().samplesPerSecond(),
            r.ranker().samplesPerSecond(), load);
        Path results = Path.of(a.get("results").orElse("benchmarks/results.json"));
        BenchmarkResults.record(results, "training.two_tower.samples_per_s",
            Math.round(r.twoTower().samplesPerSecond()), "samples/s", how, runDate);
        BenchmarkResults.record(results, "training.dlrm.samples_per_s",
            Math.round(r.ranker().samplesPerSecond()), "samples/s", how, runDate);
      }
    });
  }
}
