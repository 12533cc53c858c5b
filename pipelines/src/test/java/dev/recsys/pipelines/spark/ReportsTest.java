package dev.recsys.pipelines.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;

/**
 * {@link Reports#local}: a local location is used in place; one on another Hadoop file system (here a test scheme
 * over local files, standing in for hdfs:// or s3a://) is copied, folders with their sub-folders, without .crc
 * files.
 */
class ReportsTest extends SparkTestBase {

  /** The local file system under another scheme: to Hadoop and to {@link Reports} it is a remote one. */
  public static final class RemoteFs extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("remotetest:///");
    }

    @Override
    public String getScheme() {
      return "remotetest";
    }
  }

  @Test
  void localLocationsAreUsedInPlaceAndRemoteOnesAreCopied() throws Exception {
    spark.sparkContext().hadoopConfiguration().set("fs.remotetest.impl", RemoteFs.class.getName());
    spark.sparkContext().hadoopConfiguration().setBoolean("fs.remotetest.impl.disable.cache", true);
    Path models = Files.createDirectories(tmp.resolve("lake/models/2026-11-22/djl"));
    Files.writeString(models.getParent().resolve("ranker.onnx"), "ranker");
    Files.writeString(models.resolve("two_tower.params"), "weights");
    Path scratch = tmp.resolve("scratch");

    assertEquals(models.getParent(), Reports.local(spark, models.getParent().toString(), scratch));
    assertEquals(models.getParent(), Reports.local(spark, "file://" + models.getParent(), scratch));
    assertFalse(Files.exists(scratch));

    Path copy = Reports.local(spark, "remotetest://" + models.getParent(), scratch);
    assertNotEquals(models.getParent(), copy);
    assertEquals(scratch.resolve("2026-11-22"), copy);
    assertEquals("ranker", Files.readString(copy.resolve("ranker.onnx")));
    assertEquals("weights", Files.readString(copy.resolve("djl/two_tower.params")));
    try (Stream<Path> files = Files.walk(copy)) {
      assertEquals(List.of("djl/two_tower.params", "ranker.onnx"), files.filter(Files::isRegularFile)
          .map(p -> copy.relativize(p).toString()).sorted().toList(), "the copied files, no .crc files");
    }
    Path missing = Reports.local(spark, "remotetest://" + tmp.resolve("lake/reports/none.json"), scratch);
    assertFalse(Files.exists(missing));
  }
}
