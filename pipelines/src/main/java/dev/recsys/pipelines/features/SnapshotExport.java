package dev.recsys.pipelines.features;

import dev.recsys.features.schema.Schemas;
import dev.recsys.features.snapshot.ColumnSpec;
import dev.recsys.features.snapshot.SnapshotWriter;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.UserAggregates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the serving snapshots from the snapshot feature tables: rows stream to the driver in id order
 * ({@code toLocalIterator}, one partition at a time) and into the memory-mapped format the server opens.
 */
public final class SnapshotExport {

  private SnapshotExport() {}

  public static void writeUsers(Dataset<Row> users, Path file, int categories, Map<String, String> metadata) {
    write(users, Schemas.USER_ID, file, "users", metadata,
        w -> row -> w.append(row.getAs(Schemas.USER_ID),
            userValues(row, row.<Integer>getAs(FeatureTables.USER_IDX), categories)),
        FeatureSnapshots.userColumns(categories));
  }

  public static void writeItems(Dataset<Row> items, Path file, Map<String, String> metadata) {
    write(items, Schemas.ITEM_ID, file, "items", metadata,
        w -> row -> w.append(row.getAs(Schemas.ITEM_ID), itemValues(row)), FeatureSnapshots.itemColumns());
  }

  /**
   * The users snapshot values ({@link FeatureSnapshots#userColumns}) of a {@code usersAsOf} row, with vocabulary
   * index {@code userIdx}: the nightly snapshot and the refresh's updated users are written by this one mapping.
   */
  public static Object[] userValues(Row row, int userIdx, int categories) {
    UserAggregates u = FeatureRows.user(row);
    if (u.categoryCounts().length != categories) {
      throw new IllegalStateException("user " + row.getAs(Schemas.USER_ID) + " has " + u.categoryCounts().length
          + " category counts; the snapshot has " + categories);
    }
    return new Object[] {userIdx, u.views(), u.clicks(), u.carts(), u.purchases(), u.favorites(), u.ratings(),
        u.uniqueItems(), u.lastEventMs(), row.<Long>getAs(FeatureTables.SPEND_CENTS), u.categoryCounts(),
        u.history(), FeatureRows.ints(row.getList(row.fieldIndex(FeatureTables.SEEN_ROWS)))};
  }

  /** The items snapshot values ({@link FeatureSnapshots#itemColumns}) of an {@code itemsAsOf} row. */
  public static Object[] itemValues(Row row) {
    ItemAggregates i = FeatureRows.item(row);
    return new Object[] {row.<Integer>getAs(FeatureTables.ITEM_IDX), i.category(), row.<String>getAs(Schemas.CATEGORY),
        i.createdMs(), Double.doubleToLongBits(i.price()), i.total(), i.recent(), i.views(), i.clicks(),
        i.purchases(), i.tokens()};
  }

  /** Copies a local snapshot file to {@code target} on any Hadoop file system (HDFS, S3, ...). */
  public static void publish(SparkSession spark, Path local, String target) {
    try {
      org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
      FileSystem fs = dst.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), dst);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + local + " to " + target, e);
    }
  }

  private interface RowWriter {
    void write(Row row) throws IOException;
  }

  private interface Appender {
    RowWriter to(SnapshotWriter w);
  }

  private static void write(Dataset<Row> rows, String id, Path file, String entity, Map<String, String> metadata,
      Appender appender, List<ColumnSpec> columns) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SnapshotWriter w = SnapshotWriter.create(file, entity, columns, metadata);
      RowWriter out = appender.to(w);
      try {
        Iterator<Row> it = rows.orderBy(id).toLocalIterator();
        while (it.hasNext()) {
          out.write(it.next());
        }
      } catch (IOException | RuntimeException e) {
        w.abort();
        throw e;
      }
      w.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + entity + " snapshot " + file, e);
    }
  }
}
