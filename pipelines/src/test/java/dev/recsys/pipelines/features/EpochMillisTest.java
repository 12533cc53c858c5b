package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recsys.pipelines.spark.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The GPU-friendly {@code ts_ms} expression equals Spark's {@code unix_millis} on every kind of timestamp. */
class EpochMillisTest extends SparkTestBase {

  @Test
  void equalsUnixMillisOnWholeAndSubMillisecondTimestamps() {
    Random rng = new Random(11);
    List<Long> micros = new ArrayList<>(List.of(0L, 1L, -1L, 999L, 1000L, -999L, -1000L, -1001L,
        1_790_000_000_000_000L, 1_790_000_000_000_999L, 1_790_000_000_001_000L, 253_402_300_799_999_999L,
        -62_135_596_800_000_000L));
    for (int i = 0; i < 20_000; i++) {
      long ms = 1_500_000_000_000L + (long) (rng.nextDouble() * 800_000_000_000L);
      // Whole milliseconds (what ingest keeps), and some with microseconds, on both sides of the epoch.
      long us = ms * 1000 + (i % 3 == 0 ? rng.nextInt(1000) : 0);
      micros.add(i % 10 == 0 ? -us : us);
    }
    Dataset<Row> ts = spark.createDataset(micros, Encoders.LONG()).toDF("us")
        .withColumn("ts", expr("timestamp_micros(us)"));
    Dataset<Row> mismatches = ts.withColumn("want", expr("unix_millis(ts)"))
        .withColumn("got", FeatureTables.epochMillis(col("ts")))
        .where(col("want").notEqual(col("got")));
    assertEquals(List.of(), mismatches.limit(10).collectAsList().stream().map(Row::toString).toList());
  }
}
