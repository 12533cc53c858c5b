package dev.recsys.pipelines.spark;

import dev.recsys.features.config.ConfigLoader;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SparkSession for the whole test JVM ({@code local[2]}, few partitions, Delta on; the first Delta write costs
 * seconds, so it is paid once), stopped when the JVM exits; a fresh storage root per test.
 */
public abstract class SparkTestBase {

  private static SparkSession shared;

  protected SparkSession spark;
  protected RecsysConfig cfg;
  @TempDir protected Path tmp;

  /** The repository's conf/ with the local overlay, so tests run the shipped settings. */
  protected static RecsysConfig localConfig() {
    return ConfigLoader.load(Path.of(System.getProperty("recsys.repo.root", ".."), "conf", "local.yaml").toString());
  }

  protected static synchronized SparkSession session() {
    if (shared == null) {
      RecsysConfig cfg = localConfig();
      shared = SparkSession.builder()
          .config(Sessions.conf("recsys-tests", cfg.spark()))
          .master("local[2]")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.databricks.delta.snapshotPartitions", "1")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        shared.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
      }));
    }
    return shared;
  }

  @BeforeEach
  void openSession() {
    spark = session();
    cfg = localConfig().withStorage(new StorageConfig(tmp.resolve("lake").toString()));
  }

  /** Rows as sorted strings, so two datasets compare ignoring order and print readably on failure. */
  protected static List<String> sorted(Dataset<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      out.add(r.toString());
    }
    Collections.sort(out);
    return out;
  }
}
