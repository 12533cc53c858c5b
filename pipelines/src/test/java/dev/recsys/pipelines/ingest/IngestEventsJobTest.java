package dev.recsys.pipelines.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class IngestEventsJobTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  @Test
  void ingestingTheSameBatchTwiceAddsNothing() {
    cfg = cfg.withGenerator(cfg.generator().withScale(3_000, 100, 80));
    var gen = GenerateEventsJob.run(spark, cfg, DAY, "b1");
    var first = IngestEventsJob.run(spark, cfg.storage(), DAY, "b1");
    String bronze = cfg.storage().table(IngestEventsJob.BRONZE_EVENTS);
    long afterFirst = Tables.read(spark, bronze).count();
    assertEquals(gen.lines(), afterFirst, "every landing line is in bronze, parsed or not");
    assertEquals(first.events(), afterFirst);

    var second = IngestEventsJob.run(spark, cfg.storage(), DAY, "b1");
    assertTrue(second.eventsSkipped());
    assertEquals(afterFirst, Tables.read(spark, bronze).count());
    assertEquals(80, Tables.read(spark, cfg.storage().table(IngestEventsJob.ITEMS)).count());
    assertEquals(101, Tables.read(spark, cfg.storage().table(IngestEventsJob.USERS)).count());
  }

  @Test
  void keepsEveryLineWithItsTextAndFlagsTheUnparseable() {
    List<String> lines = List.of(
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"click\",\"rating\":null,"
            + "\"value\":19.5,\"ts\":\"2026-10-01T10:00:00.000Z\",\"session_id\":\"s1\","
            + "\"context\":{\"device\":\"mobile\",\"placement\":\"home\"}}",
        "{\"event_id\":\"e2\",\"user_id\":\"u1\",\"it",
        "[1, 2, 3]",
        "{\"event_id\":\"e3\",\"user_id\":7,\"item_id\":\"i2\",\"event_type\":\"view\",\"ts\":1759312800000}");
    Dataset<Row> raw = spark.createDataset(lines, Encoders.STRING()).toDF("raw")
        .withColumn("source_file", org.apache.spark.sql.functions.lit("f"));
    List<Row> rows = IngestEventsJob.parseEvents(raw, "b", DAY).orderBy(col("raw")).collectAsList();
    assertEquals(4, rows.size());
    Row ok = rows.stream().filter(r -> "e1".equals(r.getAs("event_id"))).findFirst().orElseThrow();
    assertNull(ok.getAs("parse_error"));
    assertEquals("19.5", ok.getAs("value"));
    assertEquals("mobile", ok.getAs("device"));
    assertEquals("home", ok.getAs("placement"));
    Row numbers = rows.stream().filter(r -> "e3".equals(r.getAs("event_id"))).findFirst().orElseThrow();
    assertEquals("7", numbers.getAs("user_id"), "a number sent for a string field is kept as its text");
    assertEquals("1759312800000", numbers.getAs("ts"));
    long broken = rows.stream().filter(r -> r.getAs("parse_error") != null).count();
    assertEquals(2, broken, "truncated line and non-object are flagged: " + rows);
    assertFalse(rows.stream().anyMatch(r -> r.getAs("raw") == null));
  }
}
