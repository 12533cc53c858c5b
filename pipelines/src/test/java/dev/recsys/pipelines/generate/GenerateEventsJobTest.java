package dev.recsys.pipelines.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.pipelines.spark.SparkTestBase;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenerateEventsJobTest extends SparkTestBase {

  private static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private GeneratorConfig small(long seed, int partitions) {
    GeneratorConfig g = cfg.generator().withScale(10_000, 300, 200).withSeed(seed);
    return new GeneratorConfig(g.seed(), g.events(), g.users(), g.items(), 8, g.days(), 0.03, 1, partitions);
  }

  private List<String> simulate(GeneratorConfig g) {
    EventSimulator sim = new EventSimulator(SyntheticWorld.of(g, RUN_DATE), 1000);
    List<String> lines = new ArrayList<>();
    for (long u = 0; u < sim.userCount(); u++) {
      sim.simulate(u, l -> lines.add(l.json()));
    }
    return lines;
  }

  @Test
  void sameSeedSameLinesWhateverThePartitioning() {
    var a = GenerateEventsJob.run(spark, cfg.withGenerator(small(7, 3)), RUN_DATE, "a");
    var b = GenerateEventsJob.run(spark, cfg.withGenerator(small(7, 5)), RUN_DATE, "b");
    List<String> linesA = sorted(spark.read().text(cfg.storage().landingBatch("events", "a")));
    List<String> linesB = sorted(spark.read().text(cfg.storage().landingBatch("events", "b")));
    assertEquals(linesA, linesB);
    assertEquals(a.lines(), linesA.size());
    assertEquals(sorted(spark.read().text(cfg.storage().landingBatch("items", "a"))),
        sorted(spark.read().text(cfg.storage().landingBatch("items", "b"))));
    assertEquals(200, spark.read().text(cfg.storage().landingBatch("items", "a")).count());
    assertEquals(301, spark.read().text(cfg.storage().landingBatch("users", "a")).count());
    assertNotEquals(simulate(small(7, 1)), simulate(small(8, 1)), "another seed gives other data");
  }

  @Test
  void producesEveryDirtyKindVisibleInTheLines() throws Exception {
    Map<DirtyKind, Integer> seen = new EnumMap<>(DirtyKind.class);
    Map<String, Integer> eventIds = new HashMap<>();
    Map<String, Integer> contents = new HashMap<>();
    Map<String, Integer> perUserDay = new HashMap<>();
    Instant end = Instant.parse("2026-11-01T00:00:00Z");
    long clean = 0;
    for (String line : simulate(small(11, 1))) {
      JsonNode row;
      try {
        row = JSON.readTree(line);
      } catch (Exception e) {
        seen.merge(DirtyKind.MALFORMED, 1, Integer::sum);
        continue;
      }
      String ts = row.path("ts").asText(null);
      if (row.path("user_id").isNull()) {
        seen.merge(DirtyKind.NULL_USER_ID, 1, Integer::sum);
      } else if (row.path("item_id").isNull()) {
        seen.merge(DirtyKind.NULL_ITEM_ID, 1, Integer::sum);
      } else if (row.path("ts").isNull()) {
        seen.merge(DirtyKind.NULL_TS, 1, Integer::sum);
      } else if (row.path("event_type").isNull()) {
        seen.merge(DirtyKind.NULL_EVENT_TYPE, 1, Integer::sum);
      } else if (EventType.fromWire(row.path("event_type").asText()).isEmpty()) {
        seen.merge(DirtyKind.UNKNOWN_EVENT_TYPE, 1, Integer::sum);
      } else if (!ts.matches("\\d{4}-\\d\\d-\\d\\dT.*Z") || row.path("rating").isTextual()
          || row.path("value").isTextual()) {
        seen.merge(DirtyKind.BAD_TYPE, 1, Integer::sum);
      } else if (Instant.parse(ts).isAfter(end)) {
        seen.merge(DirtyKind.FUTURE_TS, 1, Integer::sum);
      } else if (Instant.parse(ts).isBefore(end.minusSeconds(730L * 86_400))) {
        seen.merge(DirtyKind.EXPIRED_TS, 1, Integer::sum);
      } else {
        clean++;
        String id = row.path("event_id").asText();
        eventIds.merge(id, 1, Integer::sum);
        contents.merge(row.path("user_id").asText() + row.path("item_id").asText() + row.path("event_type").asText()
            + ts, 1, Integer::sum);
        perUserDay.merge(row.path("user_id").asText() + ts.substring(0, 10), 1, Integer::sum);
      }
    }
    if (eventIds.values().stream().anyMatch(n -> n > 1)) {
      seen.put(DirtyKind.DUPLICATE_EVENT_ID, 1);
    }
    if (contents.values().stream().anyMatch(n -> n > 1)) {
      seen.put(DirtyKind.DUPLICATE_EVENT, 1);
    }
    if (perUserDay.values().stream().anyMatch(n -> n > 1000)) {
      seen.put(DirtyKind.BOT, 1);
    }
    Set<DirtyKind> missing = new HashSet<>(Set.of(DirtyKind.values()));
    missing.removeAll(seen.keySet());
    assertTrue(missing.isEmpty(), "dirty kinds not produced: " + missing + "; seen " + seen);
    assertTrue(clean > 9_000 && clean < 13_000, "about 10,000 clean events plus a bot's 1,300, got " + clean);
  }
}
