package dev.recsys.pipelines.generate;

import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.schema.LandingJson;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a landing batch of synthetic e-commerce data, exactly as an upstream system would deliver it: JSON lines
 * of events, catalog items and user profiles under {@code landing/<feed>/batch=<id>/}. Users are simulated in
 * parallel on the executors, so any scale from 10^4 to 10^8 events works; the lines are the same for a seed
 * whatever the partitioning. A re-run replaces the batch.
 */
public final class GenerateEventsJob {

  private static final Logger LOG = LoggerFactory.getLogger(GenerateEventsJob.class);
  static final String USAGE = "GenerateEventsJob --conf <overlays> --run-date <yyyy-mm-dd> [--batch <id>]"
      + " [--events N] [--users N] [--items N] [--seed N]";

  /** What a generation run wrote. */
  public record Result(String batchId, long lines, Map<DirtyKind, Long> dirtyRows, long items, long users) {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "batch", "events", "users", "items", "seed"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      GeneratorConfig g = cfg.generator();
      g = g.withScale(a.longValue("events", g.events()), (int) a.longValue("users", g.users()),
          (int) a.longValue("items", g.items())).withSeed(a.longValue("seed", g.seed()));
      LocalDate runDate = a.runDate();
      try (SparkSession spark = Sessions.open("recsys-generate", cfg.spark())) {
        run(spark, cfg.withGenerator(g), runDate, a.get("batch").orElse(defaultBatch(runDate)));
      }
    });
  }

  public static String defaultBatch(LocalDate runDate) {
    return "gen-" + runDate;
  }

  public static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate, String batchId) {
    GeneratorConfig g = cfg.generator();
    StorageConfig storage = cfg.storage();
    int botLimit = cfg.validation().botEventsPerDay();
    LOG.info("generating ~{} events for {} users (+{} bots), {} items, {} days before {} into batch {}",
        g.events(), g.users(), g.bots(), g.items(), g.days(), runDate, batchId);

    Map<DirtyKind, LongAccumulator> dirt = new EnumMap<>(DirtyKind.class);
    for (DirtyKind k : DirtyKind.values()) {
      dirt.put(k, spark.sparkContext().longAccumulator("dirty_" + k.name().toLowerCase()));
    }
    LongAccumulator clean = spark.sparkContext().longAccumulator("clean_events");
    long userCount = (long) g.users() + g.bots();
    int partitions = (int) Math.max(1, Math.min(g.partitions(), userCount));

    Dataset<Long> users = spark.range(0, userCount, 1, partitions).as(Encoders.LONG());
    MapPartitionsFunction<Long, String> simulate = ids -> {
      EventSimulator sim = new EventSimulator(SyntheticWorld.of(g, runDate), botLimit);
      return flatten(ids, (id, out) -> sim.simulate(id, line -> {
        if (line.dirt() == null) {
          clean.add(1);
        } else {
          dirt.get(line.dirt()).add(1);
        }
        out.add(line.json());
      }));
    };
    users.mapPartitions(simulate, Encoders.STRING())
        .write().mode(SaveMode.Overwrite).text(storage.landingBatch("events", batchId));

    MapPartitionsFunction<Long, String> profiles = ids -> {
      EventSimulator sim = new EventSimulator(SyntheticWorld.of(g, runDate), botLimit);
      return flatten(ids, (id, out) -> out.add(LandingJson.user(sim.profile(id))));
    };
    users.mapPartitions(profiles, Encoders.STRING())
        .write().mode(SaveMode.Overwrite).text(storage.landingBatch("users", batchId));

    MapPartitionsFunction<Long, String> catalog = ids -> {
      SyntheticWorld world = SyntheticWorld.of(g, runDate);
      return flatten(ids, (id, out) -> out.add(LandingJson.item(world.items[(int) (long) id])));
    };
    spark.range(0, g.items(), 1, partitions).as(Encoders.LONG()).mapPartitions(catalog, Encoders.STRING())
        .write().mode(SaveMode.Overwrite).text(storage.landingBatch("items", batchId));

    Map<DirtyKind, Long> dirtyRows = new EnumMap<>(DirtyKind.class);
    dirt.forEach((k, acc) -> dirtyRows.put(k, acc.value()));
    long dirtyTotal = dirtyRows.values().stream().mapToLong(Long::longValue).sum();
    Result result = new Result(batchId, clean.value() + dirtyTotal, dirtyRows, g.items(), userCount);
    LOG.info("batch {}: {} lines ({} clean events, {} dirty rows: {}), {} items, {} users",
        batchId, result.lines(), clean.value(), dirtyTotal, dirtyRows, result.items(), result.users());
    return result;
  }

  private interface Expand {
    void expand(Long id, List<String> out);
  }

  /** Expands one id at a time, so a partition never holds more than one user's lines. */
  private static Iterator<String> flatten(Iterator<Long> ids, Expand expand) {
    return new Iterator<>() {
      private final List<String> buffer = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        while (next >= buffer.size() && ids.hasNext()) {
          buffer.clear();
          next = 0;
          expand.expand(ids.next(), buffer);
        }
        return next < buffer.size();
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return buffer.get(next++);
      }
    };
  }
}
