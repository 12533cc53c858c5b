package dev.recsys.pipelines.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
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

  /**
   * Returns a local path holding {@code location}, a file or a folder: the location itself when it is on the
   * local file system (no scheme or {@code file:}, which includes a mounted shared file system); otherwise (for
   * example {@code hdfs://}, {@code s3a://}) a copy under {@code scratch}, for code that needs {@code java.nio}
   * files (memory-mapped snapshots, DJL and ONNX model folders). The copy keeps the location's last name; a
   * location that does not exist gives a path that does not exist either.
   */
  public static java.nio.file.Path local(SparkSession spark, String location, java.nio.file.Path scratch) {
    Path p = new Path(location);
    URI uri = p.toUri();
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      return java.nio.file.Path.of(uri.getPath());
    }
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      java.nio.file.Path target = Files.createDirectories(scratch).resolve(p.getName());
      if (!fs.exists(p)) {
        return target;
      }
      // The raw local file system writes no .crc files beside the copy.
      fs.copyToLocalFile(false, p, new Path(target.toUri()), true);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + location + " to " + scratch, e);
    }
  }
}
