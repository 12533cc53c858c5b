package dev.recsys.pipelines.validate;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.config.ValidationConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.generate.DirtyKind;
import dev.recsys.pipelines.generate.EventSimulator;
import dev.recsys.pipelines.generate.GenerateEventsJob;
import dev.recsys.pipelines.generate.SyntheticWorld;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ValidateEventsJobTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  private static final Map<DirtyKind, Reason> EXPECTED = new EnumMap<>(Map.ofEntries(
      Map.entry(DirtyKind.NULL_USER_ID, Reason.NULL_USER_ID),
      Map.entry(DirtyKind.NULL_ITEM_ID, Reason.NULL_ITEM_ID),
      Map.entry(DirtyKind.NULL_TS, Reason.NULL_TS),
      Map.entry(DirtyKind.NULL_EVENT_TYPE, Reason.NULL_EVENT_TYPE),
      Map.entry(DirtyKind.FUTURE_TS, Reason.FUTURE_TS),
      Map.entry(DirtyKind.EXPIRED_TS, Reason.EXPIRED_TS),
      Map.entry(DirtyKind.UNKNOWN_EVENT_TYPE, Reason.UNKNOWN_EVENT_TYPE),
      Map.entry(DirtyKind.MALFORMED, Reason.MALFORMED),
      Map.entry(DirtyKind.BAD_TYPE, Reason.BAD_TYPE),
      Map.entry(DirtyKind.BOT, Reason.BOT)));

  private GeneratorConfig generator() {
    GeneratorConfig g = cfg.generator().withScale(6_000, 150, 120);
    return new GeneratorConfig(g.seed(), g.events(), g.users(), g.items(), 6, g.days(), 0.04, 1, 2);
  }

  private ValidationConfig gate(double minRate) {
    ValidationConfig v = cfg.validation();
    return new ValidationConfig(v.futureSkewMinutes(), v.retentionDays(), v.botEventsPerDay(), minRate,
        v.volumeAlertZ(), v.volumeTrailingDays());
  }

  private void ingestGenerated() {
    cfg = cfg.withGenerator(generator());
    GenerateEventsJob.run(spark, cfg, DAY, "b1");
    IngestEventsJob.run(spark, cfg.storage(), DAY, "b1");
  }

  /** One generated batch, validated three times: below the gate, then published, then re-run. */
  @Test
  void gateThenEveryDirtyKindInQuarantineThenRerunChangesNothing() {
    ingestGenerated();
    QualityGateException e = assertThrows(QualityGateException.class,
        () -> ValidateEventsJob.run(spark, cfg.storage(), gate(0.99), DAY, "r0"));
    assertTrue(e.getMessage().contains("below validation.min_quality_rate"), e.getMessage());
    assertFalse(Tables.exists(spark, cfg.storage().table(ValidateEventsJob.EVENTS)), "no clean rows published");
    assertTrue(Tables.read(spark, cfg.storage().table(ValidateEventsJob.QUARANTINE)).count() > 0,
        "quarantine is kept for inspection");

    QualityReport report = ValidateEventsJob.run(spark, cfg.storage(), gate(0.5), DAY, "r1");
    List<EventSimulator.Line> lines = new ArrayList<>();
    EventSimulator sim = new EventSimulator(SyntheticWorld.of(cfg.generator(), DAY), cfg.validation().botEventsPerDay());
    for (long u = 0; u < sim.userCount(); u++) {
      sim.simulate(u, lines::add);
    }
    Dataset<Row> quarantine = Tables.read(spark, cfg.storage().table(ValidateEventsJob.QUARANTINE)).cache();
    Dataset<Row> clean = Tables.read(spark, cfg.storage().table(ValidateEventsJob.EVENTS));
    long cleanLines = lines.stream().filter(l -> l.dirt() == null).count();

    assertEquals(lines.size(), report.rowsIn());
    assertEquals(report.rowsIn(), report.clean() + report.quarantined());
    assertEquals(report.rowsIn(), clean.count() + quarantine.count(), "rows in = clean + quarantined");
    assertEquals(cleanLines, clean.count(), "exactly one row per real event survives");

    Map<String, Set<String>> reasonsByRaw = new HashMap<>();
    for (Row r : quarantine.collectAsList()) {
      reasonsByRaw.computeIfAbsent(r.getAs("raw"), k -> new HashSet<>()).addAll(r.getList(r.fieldIndex("reasons")));
    }
    Set<DirtyKind> seen = java.util.EnumSet.noneOf(DirtyKind.class);
    for (EventSimulator.Line l : lines) {
      Reason expected = l.dirt() == null ? null : EXPECTED.get(l.dirt());
      if (expected != null) {
        Set<String> got = reasonsByRaw.getOrDefault(l.json(), Set.of());
        assertTrue(got.contains(expected.code()), l.dirt() + " line quarantined as " + got + ": " + l.json());
        seen.add(l.dirt());
      }
    }
    assertEquals(EXPECTED.keySet(), seen, "the generator produced every checked kind");
    for (Reason dup : List.of(Reason.DUPLICATE_EVENT_ID, Reason.DUPLICATE_EVENT)) {
      assertTrue(quarantine.filter(array_contains(col("reasons"), dup.code())).count() > 0, dup.code());
    }
    assertEquals(clean.count(), clean.select(Schemas.EVENT_ID).distinct().count(), "event ids unique in clean");
    assertEquals(0, quarantine.filter(col("run_id").notEqual("r1")).count(), "r1 replaced the failed run's quarantine");
    assertTrue(report.volumeAlerts().stream().anyMatch(a -> a.z() > 3), "the bot's day is a volume spike");
  }

  @Test
  void coercesTypesAndCatchesDuplicatesOfEarlierRuns() {
    String e1 = "{\"event_id\":\"a\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"purchase\",\"value\":\"12.5\","
        + "\"ts\":\"2026-10-20T08:00:00Z\"}";
    String epochSeconds = "{\"event_id\":\"b\",\"user_id\":\"u1\",\"item_id\":\"i2\",\"event_type\":\"view\","
        + "\"ts\":1792483200}";
    String epochMillis = "{\"event_id\":\"c\",\"user_id\":\"u2\",\"item_id\":\"i2\",\"event_type\":\"rating\","
        + "\"rating\":4,\"ts\":1792483200123}";
    String blankUser = "{\"event_id\":\"d\",\"user_id\":\"  \",\"item_id\":\"i2\",\"event_type\":\"view\","
        + "\"ts\":\"2026-10-20T08:00:00Z\"}";
    Dataset<Row> day1 = bronze(List.of(e1, epochSeconds), DAY.minusDays(1));
    var first = ValidateEventsJob.validate(day1, null, cfg.validation(), ValidateEventsJob.asOf(DAY), "r0");
    List<Row> kept = first.clean().orderBy(Schemas.EVENT_ID).collectAsList();
    assertEquals(2, kept.size(), sorted(first.quarantine()).toString());
    assertEquals(12.5, (double) kept.get(0).getAs(Schemas.VALUE));
    assertEquals("2026-10-20 08:00:00.0", kept.get(1).getAs(Schemas.TS).toString());

    Dataset<Row> day2 = bronze(List.of(e1, epochMillis, blankUser), DAY);
    var second = ValidateEventsJob.validate(day2, first.clean(), cfg.validation(), ValidateEventsJob.asOf(DAY), "r1");
    List<Row> clean2 = second.clean().collectAsList();
    assertEquals(1, clean2.size());
    assertEquals("2026-10-20 08:00:00.123", clean2.get(0).getAs(Schemas.TS).toString());
    List<String> reasons = second.quarantine().orderBy(Schemas.EVENT_ID).select("reason").as(Encoders.STRING())
        .collectAsList();
    assertEquals(List.of("duplicate_event_id", "null_user_id"), reasons);
  }

  @Test
  void volumeCheckFlagsASpikeAgainstTheTrailingDays() {
    java.util.TreeMap<LocalDate, Long> daily = new java.util.TreeMap<>();
    LocalDate d0 = LocalDate.of(2026, 9, 1);
    for (int i = 0; i < 40; i++) {
      daily.put(d0.plusDays(i), 1000L + (i % 7) * 30);
    }
    daily.put(d0.plusDays(30), 5000L);
    daily.put(d0.plusDays(35), 10L);
    List<VolumeCheck.Alert> alerts = VolumeCheck.alerts(daily, d0, 28, 3.0);
    assertEquals(List.of("2026-10-01", "2026-10-06"), alerts.stream().map(VolumeCheck.Alert::day).toList());
  }

  private Dataset<Row> bronze(List<String> lines, LocalDate day) {
    Dataset<Row> raw = spark.createDataset(lines, Encoders.STRING()).toDF("raw")
        .withColumn("source_file", org.apache.spark.sql.functions.lit("f"));
    return IngestEventsJob.parseEvents(raw, "b-" + day, day);
  }
}
