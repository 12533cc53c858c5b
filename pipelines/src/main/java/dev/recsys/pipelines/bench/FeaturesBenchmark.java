package dev.recsys.pipelines.bench;

import dev.recsys.features.bench.BenchmarkResults;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Times the feature build on generated data: generates {@code --events} clean events (default 10^6), ingests,
 * validates and splits them untimed, then times {@link BuildFeaturesJob} (artifacts, point-in-time examples,
 * snapshot tables and files) and records {@code features.seconds_1e6_events} (scaled key name for other sizes).
 */
public final class FeaturesBenchmark {

  static final String USAGE = "FeaturesBenchmark --conf <overlays> --run-date <yyyy-mm-dd> [--events N]"
      + " [--results benchmarks/results.json] [--work <dir>]";

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "events", "results", "work"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      LocalDate runDate = a.runDate();
      long events = a.longValue("events", 1_000_000);
      Path work = Path.of(a.get("work").orElse(Files.createTempDirectory("recsys-bench").toString()));
      GeneratorConfig g = cfg.generator();
      cfg = cfg.withStorage(new StorageConfig(work.resolve("lake").toString()))
          .withGenerator(g.withScale(events, (int) Math.max(100, events / 50), (int) Math.max(50, events / 200)));
      try (SparkSession spark = Sessions.open("recsys-bench-features", cfg.spark())) {
        String batch = GenerateEventsJob.defaultBatch(runDate);
        GenerateEventsJob.run(spark, cfg, runDate, batch);
        IngestEventsJob.run(spark, cfg.storage(), runDate, batch);
        ValidateEventsJob.run(spark, cfg.storage(), cfg.validation(), runDate, ValidateEventsJob.runId(runDate));
        SplitEventsJob.run(spark, cfg.storage(), cfg.split(), runDate);
        long start = System.nanoTime();
        BuildFeaturesJob.Result r = BuildFeaturesJob.run(spark, cfg, runDate);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "feature build: %.1f s for %,d generated events (%,d examples), %d cores, "
            + "master %s%n", seconds, events, r.examples(), Runtime.getRuntime().availableProcessors(),
            spark.sparkContext().master());
        String key = events == 1_000_000 ? "features.seconds_1e6_events"
            : String.format(Locale.ROOT, "features.seconds_%d_events", events);
        BenchmarkResults.record(Path.of(a.get("results").orElse("benchmarks/results.json")), key, 
            Math.round(seconds * 10) / 10.0, "s",
            "./recsys bench-features --events " + events + " (local[*], " + Runtime.getRuntime().availableProcessors()
                + " cores)", runDate);
      }
    });
  }
}
