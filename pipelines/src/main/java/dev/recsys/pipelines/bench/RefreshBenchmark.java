package dev.recsys.pipelines.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.recsys.features.bench.BenchmarkResults;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.refresh.RefreshJob;
import dev.recsys.pipelines.run.RunPipelineJob;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times one refresh of a full 15-minute slice at {@code --rate} events/s (default 1,000: 900,000 events): runs the
 * nightly pipeline on the default generated data untimed (it publishes the bundle the refresh builds on), writes
 * the slice as one landing batch (events of the known users on the known items, 0.1% on 100 new catalog items,
 * the funnel's mix of types), then times {@link RefreshJob#run} in the same application, and records
 * {@code refresh.seconds_15min_slice_1000eps}. The JVM and the first Delta commit are warm, as in a long-running
 * driver; a spark-submit per slice adds its start-up (printed by {@code ./recsys refresh}).
 *
 * <p>The prepared lake and bundles (nightly done, slice landed, nothing refreshed) are kept under
 * {@code <work>/prepared}; with {@code --work <dir> --reuse} a later run copies them to {@code <work>/run} and only
 * times the refresh again, which is how to try a change to the refresh in minutes instead of a nightly each time.
 */
public final class RefreshBenchmark {

  static final String USAGE = "RefreshBenchmark --conf <overlays> --run-date <yyyy-mm-dd> [--rate N]"
      + " [--results benchmarks/results.json] [--work <dir> [--reuse]]";
  private static final int NEW_ITEMS = 100;

  private RefreshBenchmark() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "rate", "results", "work"), Set.of("reuse"), a -> {
      RecsysConfig base = a.config();
      LocalDate runDate = a.runDate();
      long rate = a.longValue("rate", 1_000);
      Path work = Path.of(a.get("work").orElse(Files.createTempDirectory("recsys-bench").toString()));
      Path prepared = work.resolve("prepared");
      Path run = work.resolve("run");
      boolean reuse = a.flag("reuse") && Files.isDirectory(prepared);
      if (a.flag("reuse") && !reuse) {
        System.out.println("bench-refresh: nothing prepared under " + prepared + " yet: preparing it");
      }
      RefreshJob.Slice slice = RefreshJob.Slice.ending(
          runDate.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(9 * 3600 + 15 * 60), base.refresh());
      long events = rate * base.refresh().sliceMinutes() * 60;
      try (SparkSession spark = Sessions.open("recsys-bench-refresh", base.spark())) {
        if (!reuse) {
          deleteTree(prepared);
          RecsysConfig prepare = at(base, prepared);
          RunPipelineJob.run(spark, prepare, JobArgs.parse(new String[] {"--run-date", runDate.toString(),
              "--generate"}, Set.of("run-date"), Set.of("generate")));
          writeSlice(spark, prepare, slice, events);
        }
        if (reuse) {
          // As after the nightly: the JVM has made its first (slow) Delta commit before the refresh is timed.
          Path warmUp = work.resolve("warm-up");
          deleteTree(warmUp);
          Tables.overwrite(spark.range(1).toDF(), warmUp.toString());
        }
        deleteTree(run);
        copyTree(prepared, run);
        RecsysConfig cfg = at(base, run);
        spark.catalog().clearCache();

        long start = System.nanoTime();
        RefreshJob.Result r = RefreshJob.run(spark, cfg, slice);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "refresh: %.1f s for %,d events (%,d merged, %,d new items), %d cores, "
                + "master %s, load average %s%n", seconds, events, r.merged(), r.changes().itemsAdded(),
            Runtime.getRuntime().availableProcessors(), spark.sparkContext().master(), BenchmarkResults.loadAverage());
        String key = rate == 1_000 ? "refresh.seconds_15min_slice_1000eps"
            : String.format(Locale.ROOT, "refresh.seconds_15min_slice_%deps", rate);
        BenchmarkResults.record(Path.of(a.get("results").orElse("benchmarks/results.json")), key,
            Math.round(seconds * 10) / 10.0, "s", "./recsys bench-refresh --rate " + rate + " (" + events
                + " events, RefreshJob.run in a warm local[*] driver, " + Runtime.getRuntime().availableProcessors()
                + " cores)", runDate);
      }
    });
  }

  /** {@code cfg} with its lake at {@code <dir>/lake} and its bundles at {@code <dir>/bundles}. */
  private static RecsysConfig at(RecsysConfig cfg, Path dir) {
    return cfg.withStorage(new StorageConfig(dir.resolve("lake").toString()))
        .withExport(cfg.export().withBundlesRoot(dir.resolve("bundles").toString()));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /** Writes {@code events} landing lines spread over the slice, and a catalog feed of the new items. */
  static void writeSlice(SparkSession spark, RecsysConfig cfg, RefreshJob.Slice slice, long events) {
    StorageConfig storage = cfg.storage();
    List<String> users = Tables.read(spark, storage.table(BuildFeaturesJob.FEATURES_USERS)).select(Schemas.USER_ID)
        .as(Encoders.STRING()).collectAsList();
    List<String> items = Tables.read(spark, storage.table(BuildFeaturesJob.FEATURES_ITEMS)).select(Schemas.ITEM_ID)
        .as(Encoders.STRING()).collectAsList();
    String batch = "bench-" + RefreshJob.batchStamp(slice.start());
    long startMs = slice.start().toEpochMilli();
    long spanMs = slice.end().toEpochMilli() - startMs;
    Dataset<Row> lines = spark.range(events).select(
        expr("concat('" + batch + "-', id)").as(Schemas.EVENT_ID),
        expr("element_at(array(" + quoted(users) + "), cast(pmod(xxhash64(id, 1), " + users.size() + ") + 1 as int))")
            .as(Schemas.USER_ID),
        expr("if(pmod(id, 1000) = 0, concat('bench-new-', pmod(id, " + NEW_ITEMS + ")), element_at(array("
            + quoted(items) + "), cast(pmod(xxhash64(id, 2), " + items.size() + ") + 1 as int)))")
            .as(Schemas.ITEM_ID),
        expr("element_at(array('view','view','view','view','view','view','click','click','add_to_cart','purchase'),"
            + " cast(pmod(xxhash64(id, 3), 10) + 1 as int))").as(Schemas.EVENT_TYPE),
        expr("date_format(timestamp_millis(" + startMs + " + cast(id * " + spanMs + " / " + events + " as bigint)),"
            + " \"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\")").as(Schemas.TS),
        expr("concat('bs-', pmod(xxhash64(id, 1), 100000), '-', cast(id / 5000 as bigint))").as(Schemas.SESSION_ID),
        expr("named_struct('device', if(pmod(id, 3) = 0, 'app', 'web'), 'placement', 'home')").as("context"),
        expr("if(pmod(xxhash64(id, 3), 10) = 9, 19.99, null)").as(Schemas.VALUE));
    lines.selectExpr("to_json(struct(*)) as value").repartition(4).write().text(storage.landingBatch("events", batch));
    spark.range(NEW_ITEMS).selectExpr("to_json(named_struct('item_id', concat('bench-new-', id), 'category', "
            + "'electronics', 'price', 20.0, 'created_at', '" + Instant.ofEpochMilli(startMs) + "', 'title', "
            + "concat('new item ', id), 'tags', array('fresh'))) as value")
        .coalesce(1).write().text(storage.landingBatch("items", batch));
  }

  private static String quoted(List<String> ids) {
    StringBuilder b = new StringBuilder();
    for (String id : ids) {
      b.append(b.length() == 0 ? "" : ",").append('\'').append(id.replace("'", "\\'")).append('\'');
    }
    return b.toString();
  }
}
