package dev.recsys.features.config;

import java.io.Serializable;

/**
 * Where recsys keeps its data: {@code root} is a local path or any Hadoop URI (hdfs://, s3a://, abfss://).
 * Landing files sit under {@code root/landing}, Delta tables under {@code root/tables}, run reports under
 * {@code root/reports}.
 */
public record StorageConfig(String root) implements Serializable {

  public StorageConfig {
    Check.nonBlank("storage.root", root);
    root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** Landing folder of one feed ({@code events}, {@code items}, {@code users}); batches are sub-folders. */
  public String landing(String feed) {
    return root + "/landing/" + feed;
  }

  public String landingBatch(String feed, String batchId) {
    return landing(feed) + "/batch=" + batchId;
  }

  public String table(String name) {
    return root + "/tables/" + name;
  }

  public String reports(String kind) {
    return root + "/reports/" + kind;
  }
}
