package dev.recsys.pipelines.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Writes run reports (records of strings and numbers) as pretty JSON next to the tables, on whatever file system the storage root is on. */
public final class Reports {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /** Writes {@code report} to {@code path}, replacing an earlier report of the same run. */
  public static void write(SparkSession spark, String path, Object report) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, true)) {
        JSON.writeValue(out, report);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + path, e);
    }
  }

  public static <T> T read(SparkSession spark, String path, Class<T> type) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (var in = fs.open(p)) {
        return JSON.readValue((InputStream) in, type);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read report " + path, e);
    }
  }
}
