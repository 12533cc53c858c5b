package dev.recsys.features.config;

import java.io.Serializable;
import java.util.Map;

/**
 * Session settings the jobs apply when spark-submit did not set them. {@code conf} holds extra {@code spark.*}
 * properties (the gpu overlay puts the RAPIDS plugin settings there).
 */
public record SparkSettings(int shufflePartitions, int deltaSnapshotPartitions, Map<String, String> conf)
    implements Serializable {

  public SparkSettings {
    Check.positive("spark.shuffle_partitions", shufflePartitions);
    Check.positive("spark.delta_snapshot_partitions", deltaSnapshotPartitions);
    conf = conf == null ? Map.of() : Map.copyOf(conf);
    conf.keySet().forEach(k -> {
      if (!k.startsWith("spark.")) {
        throw new IllegalArgumentException("spark.conf keys must start with 'spark.', got '" + k + "'");
      }
    });
  }
}
