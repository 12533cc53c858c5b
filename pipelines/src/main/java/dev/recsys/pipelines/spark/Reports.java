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

/** Reads and writes run files (reports as pretty JSON, artifacts) next to the tables, on whatever file system the storage root is on. */
public final class Reports {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /** Writes the bytes of one file of a run. */
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Reads one file of a run. */
  public interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  /** Writes {@code report} to {@code path}, replacing an earlier report of the same run. */
  public static void write(SparkSession spark, String path, Object report) {
    write(spark, path, out -> JSON.writeValue(out, report));
  }

  public static <T> T read(SparkSession spark, String path, Class<T> type) {
    return read(spark, path, in -> JSON.readValue(in, type));
  }

  /** Creates (or replaces) {@code path} on its file system and writes it with {@code writer}. */
  public static void write(SparkSession spark, String path, Writer writer) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, true)) {
        writer.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /** Opens {@code path} on its file system and reads it with {@code reader}. */
  public static <T> T read(SparkSession spark, String path, Reader<T> reader) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(p)) {
        return reader.read(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
