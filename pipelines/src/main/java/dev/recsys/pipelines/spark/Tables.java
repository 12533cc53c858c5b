package dev.recsys.pipelines.spark;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Delta table I/O at the edges of jobs. Writes are idempotent: a re-run replaces what the same run wrote. */
public final class Tables {

  private Tables() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** True when anything (a file, a folder, a table) exists at {@code path} on its file system. */
  public static boolean pathExists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      throw new IllegalStateException("no Delta table at " + path + ": run the job that writes it first");
    }
    return spark.read().format("delta").load(path);
  }

  public static void append(Dataset<Row> rows, String path, String... partitionBy) {
    rows.write().format("delta").mode(SaveMode.Append).partitionBy(partitionBy).save(path);
  }

  /**
   * Replaces the rows matching {@code predicate} (a SQL condition on partition columns, e.g.
   * {@code run_date = '2026-11-21'}) with {@code rows}, atomically; creates the table on first write.
   */
  public static void replaceWhere(Dataset<Row> rows, String path, String predicate, String... partitionBy) {
    rows.write().format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", predicate)
        .partitionBy(partitionBy)
        .save(path);
  }

  /** Replaces the whole table (schema included): for small derived tables rebuilt on every run. */
  public static void overwrite(Dataset<Row> rows, String path, String... partitionBy) {
    rows.write().format("delta")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .partitionBy(partitionBy)
        .save(path);
  }
}
