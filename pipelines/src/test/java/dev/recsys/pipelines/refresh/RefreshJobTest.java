package dev.recsys.pipelines.refresh;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Verification;
import dev.recsys.export.faiss.FaissIndex;
import dev.recsys.export.faiss.SearchResult;
import dev.recsys.features.schema.Event;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Item;
import dev.recsys.features.schema.LandingJson;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.run.SmallPipeline;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import dev.recsys.serving.BundleHolder;
import dev.recsys.serving.Experiments;
import dev.recsys.serving.RecentActivity;
import dev.recsys.serving.RecommendRequest;
import dev.recsys.serving.Recommender;
import dev.recsys.serving.ServingMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A nightly run on small generated data, then 15-minute refreshes on top of its bundle: exactly-once ingest under
 * a retried slice, quarantine of the slice's bad rows, a new item embedded, indexed and recommended, a user's new
 * event visible in the next answer, and a refresh MERGE beside a nightly rewrite of another ingest date.
 */
class RefreshJobTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final Instant SLICE_END = Instant.parse("2026-11-01T09:15:00Z");
  private static final String NEW_ITEM = "i-new-refresh";

  @Test
  void refreshIngestsOnceAndServesTheNewItem() throws Exception {
    nightly();
    Path bundles = Path.of(cfg.export().bundlesRoot());
    String nightlyVersion = Bundles.current(bundles).orElseThrow();
    Recommender recommender = recommender(bundles);
    List<String> users = usersOf(bundles);
    String user = users.get(0);
    String topBefore = recommender.recommend(request(user)).items().get(0).itemId();
    String untouched = users.get(60);
    Set<String> untouchedSeen = seenItems(bundles, untouched);
    assertFalse(untouchedSeen.isEmpty());

    String batch = "stream-202611010900";
    writeSlice(batch, user, topBefore, users);
    RefreshJob.Slice slice = RefreshJob.Slice.ending(SLICE_END, cfg.refresh());
    long eventsBefore = events().count();

    RefreshJob.Result first = RefreshJob.run(spark, cfg, slice);
    assertEquals(List.of(batch), first.batches());
    assertEquals(3, first.quarantined(), "a malformed line, a repeated event id and an event id the nightly has");
    assertEquals(first.clean(), first.merged(), "every clean row of a new slice is inserted");
    assertEquals(eventsBefore + first.merged(), events().count());
    assertEquals(1, first.changes().itemsAdded());
    assertEquals(3, Tables.read(spark, cfg.storage().table(ValidateEventsJob.QUARANTINE))
        .where(col(ValidateEventsJob.RUN_ID).equalTo(slice.runId())).count());
    String refreshed = Bundles.current(bundles).orElseThrow();
    assertEquals(nightlyVersion + "-r20261101T0915Z", refreshed);

    // A retried slice (Airflow retries, a rerun of the DAG run) adds nothing and publishes nothing.
    RefreshJob.Result retry = RefreshJob.run(spark, cfg, slice);
    assertEquals(0, retry.merged());
    assertEquals(eventsBefore + first.merged(), events().count(), "no event twice");
    assertEquals(3, Tables.read(spark, cfg.storage().table(ValidateEventsJob.QUARANTINE))
        .where(col(ValidateEventsJob.RUN_ID).equalTo(slice.runId())).count(), "quarantine replaced, not added");
    assertEquals(refreshed, Bundles.current(bundles).orElseThrow());

    Bundle b = Bundles.openCurrent(bundles, Verification.CHECKSUMS);
    try (Snapshot items = Snapshot.open(b.file(BundleLayout.ITEMS));
        Snapshot vectors = Snapshot.open(b.file(BundleLayout.ITEM_VECTORS));
        FaissIndex index = FaissIndex.read(b.file(BundleLayout.INDEX))) {
      int row = items.find(NEW_ITEM);
      assertTrue(row >= 0, "the new item is in the items snapshot");
      assertEquals(items.rows(), index.ntotal());
      assertEquals(30, items.getLong(FeatureSnapshots.ITEM_TOTAL, row), "its slice events are counted");
      int[] indexRows = b.indexRows(items.rows());
      SearchResult nearest = index.search(vectors.getVector(BundleLayout.VECTOR_COLUMN, row), 1);
      assertEquals(row, indexRows[(int) nearest.id(0, 0)], "its vector is in the index, mapped to its row");
    }

    assertEquals(untouchedSeen, seenItems(bundles, untouched), "the consumed items of a user the slice did not touch "
        + "survive the new item's row");
    assertTrue(seenItems(bundles, user).contains(topBefore), "the slice's purchase is consumed");
    recommender = recommender(bundles);
    List<String> answered = recommender.recommend(request(user)).items().stream()
        .map(Recommender.Item::itemId).toList();
    assertFalse(answered.contains(topBefore), "the item the user bought in the slice is no longer recommended: "
        + answered);
    long withNewItem = 0;
    for (String u : users.subList(40, users.size())) {
      if (recommender.recommend(request(u)).items().stream().anyMatch(i -> i.itemId().equals(NEW_ITEM))) {
        withNewItem++;
      }
    }
    assertTrue(withNewItem > 0, "the new item reaches some user's top 10");
  }

  @Test
  void sliceBoundariesAreChecked() {
    assertThrows(JobArgs.UsageException.class,
        () -> RefreshJob.Slice.ending(Instant.parse("2026-11-01T09:10:00Z"), cfg.refresh()));
    RefreshJob.Slice s = RefreshJob.Slice.ending(Instant.parse("2026-11-01T00:00:00Z"), cfg.refresh());
    assertEquals(LocalDate.of(2026, 11, 1), s.runDate(), "23:45-00:00 belongs to the nightly of the next day");
    assertTrue(s.holds("feedback-202610312345"));
    assertFalse(s.holds("feedback-202611010000"));
    assertFalse(s.holds("gen-2026-10-31"));
    assertEquals("20261101T000000Z-export-2026-11-01-r20261101T0930Z",
        RefreshJob.version("20261101T000000Z-export-2026-11-01-r20261101T0915Z",
            RefreshJob.Slice.ending(Instant.parse("2026-11-01T09:30:00Z"), cfg.refresh())));
  }

  @Test
  void refreshMergeAndNightlyRewriteOfAnotherDayBothCommit() throws Exception {
    String path = cfg.storage().table(ValidateEventsJob.EVENTS);
    Dataset<Row> day1 = eventRows("a", 200, LocalDate.of(2026, 11, 2));
    Tables.append(day1, path, IngestEventsJob.INGEST_DATE);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        runs.add(pool.submit(() -> Tables.replaceWhere(eventRows("a", 200 + n, LocalDate.of(2026, 11, 2)), path,
            IngestEventsJob.INGEST_DATE + " = '2026-11-02'", IngestEventsJob.INGEST_DATE)));
        runs.add(pool.submit(() -> RefreshJob.retrying(cfg.refresh(), "merge", () -> RefreshJob.mergeEvents(spark,
            path, eventRows("b" + n, 50, LocalDate.of(2026, 11, 3)), LocalDate.of(2026, 11, 3)))));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Dataset<Row> all = Tables.read(spark, path);
    assertEquals(202, all.where(col(IngestEventsJob.INGEST_DATE).equalTo("2026-11-02")).count());
    assertEquals(150, all.where(col(IngestEventsJob.INGEST_DATE).equalTo("2026-11-03")).count());
  }

  private Dataset<Row> eventRows(String prefix, int n, LocalDate ingestDate) {
    return spark.range(n).selectExpr("concat('" + prefix + "-', id) as event_id", "'u1' as user_id",
            "'i1' as item_id", "'click' as event_type", "cast(null as double) as rating",
            "cast(null as double) as value", "timestamp'2026-11-01 10:00:00' as ts", "'s1' as session_id",
            "'web' as device", "'home' as placement", "'b' as batch_id", "date'" + ingestDate + "' as ingest_date");
  }

  private void nightly() throws Exception {
    cfg = SmallPipeline.config(cfg, tmp.resolve("bundles"), 5);
    SmallPipeline.run(spark, cfg, DAY);
  }

  /**
   * The slice: the user buys the item they were recommended most; 30 users click a new catalog item, 70 views by
   * others; plus a malformed line, a repeated event id and an id the nightly already has (3% bad rows, under the
   * quality gate's 5%).
   */
  private void writeSlice(String batch, String user, String bought, List<String> users) throws Exception {
    Path events = Path.of(cfg.storage().landingBatch("events", batch));
    Path items = Path.of(cfg.storage().landingBatch("items", batch));
    Files.createDirectories(events);
    Files.createDirectories(items);
    String existingId = events().select("event_id").first().getString(0);
    Instant t = Instant.parse("2026-11-01T09:01:00Z");
    List<String> lines = new ArrayList<>();
    lines.add(LandingJson.event(new Event("r-buy", user, bought, EventType.PURCHASE, null, 19.0, t, "rs-0", "web",
        "home")));
    for (int i = 0; i < 30; i++) {
      lines.add(LandingJson.event(new Event("r-new-" + i, users.get(1 + i), NEW_ITEM, EventType.CLICK, null, null,
          t.plusSeconds(10L * i), "rs-" + i, "web", "home")));
    }
    for (int i = 0; i < 70; i++) {
      lines.add(LandingJson.event(new Event("r-view-" + i, users.get(100 + i % 50), bought, EventType.VIEW, null,
          null, t.plusSeconds(7L * i), "rv-" + i, "app", "home")));
    }
    lines.add(LandingJson.event(new Event("r-new-0", users.get(1), NEW_ITEM, EventType.CLICK, null, null,
        t.plusSeconds(500), "rs-x", "web", "home")));
    lines.add(LandingJson.event(new Event(existingId, user, bought, EventType.VIEW, null, null, t, "rs-0", "web",
        "home")));
    lines.add("{\"event_id\": \"r-broken\", ");
    Files.write(events.resolve("part-0.jsonl"), lines);
    Files.writeString(items.resolve("part-0.jsonl"), LandingJson.item(new Item(NEW_ITEM, "electronics", 25.0,
        t.minusSeconds(3600), "new refresh item", List.of("fresh"))) + "\n");
  }

  private Dataset<Row> events() {
    return Tables.read(spark, cfg.storage().table(ValidateEventsJob.EVENTS));
  }

  private Recommender recommender(Path bundles) throws Exception {
    ServingMetrics metrics = new ServingMetrics();
    BundleHolder holder = new BundleHolder(bundles, cfg.serving(), metrics, b -> {});
    holder.reload();
    return new Recommender(holder, new RecentActivity(50), new Experiments(cfg.serving().experiment()),
        cfg.serving(), metrics);
  }

  private RecommendRequest request(String user) {
    return new RecommendRequest(user, 10, "web", "home", SLICE_END.toEpochMilli(), Set.of(), Set.of());
  }

  /** The ids of the items {@code user} touched, by the current bundle's snapshots. */
  private static Set<String> seenItems(Path bundles, String user) throws Exception {
    Bundle b = Bundles.openCurrent(bundles, Verification.SIZES_ONLY);
    Set<String> out = new HashSet<>();
    try (Snapshot users = Snapshot.open(b.file(BundleLayout.USERS));
        Snapshot items = Snapshot.open(b.file(BundleLayout.ITEMS))) {
      for (int row : users.getIntList(FeatureSnapshots.SEEN_ROWS, users.find(user))) {
        out.add(items.id(row));
      }
    }
    return out;
  }

  private static List<String> usersOf(Path bundles) throws Exception {
    Bundle b = Bundles.openCurrent(bundles, Verification.SIZES_ONLY);
    List<String> out = new ArrayList<>();
    try (Snapshot users = Snapshot.open(b.file(BundleLayout.USERS))) {
      for (int r = 0; r < users.rows(); r++) {
        out.add(users.id(r));
      }
    }
    return out;
  }
}
