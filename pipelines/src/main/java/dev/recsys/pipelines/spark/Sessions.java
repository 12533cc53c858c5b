package dev.recsys.pipelines.spark;

import dev.recsys.features.config.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Opens the SparkSession every job uses: Delta enabled, UTC, and the config's settings where spark-submit set none. */
public final class Sessions {

  private Sessions() {}

  /** Opens the session; under {@code -Drecsys.dryRun=true} stops the job here instead (see {@link Jobs}). */
  public static SparkSession open(String appName, SparkSettings settings) {
    if (Boolean.getBoolean("recsys.dryRun")) {
      throw new Jobs.DryRun();
    }
    return SparkSession.builder().config(conf(appName, settings)).getOrCreate();
  }

  /**
   * The session conf: {@code new SparkConf()} picks up what spark-submit passed, so {@code --master} and
   * {@code --conf} always win; {@code local[*]} is only the fallback when no master was given.
   */
  public static SparkConf conf(String appName, SparkSettings settings) {
    SparkConf conf = new SparkConf();
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.sql.shuffle.partitions", Integer.toString(settings.shufflePartitions()));
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions",
        Integer.toString(settings.deltaSnapshotPartitions()));
    settings.conf().forEach(conf::setIfMissing);
    return conf;
  }
}
