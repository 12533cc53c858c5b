package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.UserAggregates;
import dev.recsys.pipelines.spark.SparkSchemas;
import dev.recsys.pipelines.spark.SparkTestBase;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time correctness and training/serving parity of the feature aggregates: every example's features are
 * recomputed by brute force from the events strictly before it, and a probe at the snapshot instant must see
 * exactly what the serving snapshot holds.
 */
class FeatureTablesTest extends SparkTestBase {

  private static final int HISTORY = 5;
  private static final long T0 = 1_790_000_000_000L;
  private static final long MINUTE = 60_000L;
  private static final EventType[] TYPES = EventType.values();

  private record E(String id, String user, String item, EventType type, long ts, Double value) {}

  /** Random events of a few users and items on whole minutes over 60 days, so timestamps tie often. */
  private static List<E> randomEvents(long seed, int n) {
    Random rng = new Random(seed);
    List<E> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      EventType t = TYPES[rng.nextInt(TYPES.length)];
      long ts = T0 + (long) rng.nextInt(60 * 24 * 6) * 10 * MINUTE;
      if (i > 0 && rng.nextInt(8) == 0) {
        ts = out.get(rng.nextInt(out.size())).ts; // an exact tie with an earlier event
      }
      Double value = t == EventType.PURCHASE ? Math.round(rng.nextDouble() * 10_000) / 100.0 : null;
      out.add(new E(String.format("e%05d", i), "u" + rng.nextInt(12), "i" + rng.nextInt(20), t, ts, value));
    }
    return out;
  }

  private Dataset<Row> eventFrame(List<E> events) {
    List<Row> rows = new ArrayList<>();
    for (E e : events) {
      rows.add(RowFactory.create(e.id, e.user, e.item, e.type.wireName(), null, e.value, new Timestamp(e.ts), "s",
          null, null));
    }
    return spark.createDataFrame(rows, SparkSchemas.of(Schemas.EVENTS));
  }

  /** Items i0..i19 with vocabulary index 2+n, categories 2..4, and i19 unknown to the vocabulary. */
  private Dataset<Row> itemInfo() {
    StructType schema = ItemInfo.SCHEMA.add(FeatureTables.ITEM_IDX, DataTypes.IntegerType, false)
        .add(FeatureTables.ITEM_ROW, DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      ids.add("i" + n);
    }
    java.util.Collections.sort(ids);
    for (int n = 0; n < 20; n++) {
      rows.add(RowFactory.create("i" + n, "c" + n % 3, 2 + n % 3, T0 - n * 86_400_000L, 10.01 + n / 3.0,
          new Integer[] {2, 3}, n == 19 ? 1 : 2 + n, ids.indexOf("i" + n)));
    }
    return spark.createDataFrame(rows, schema);
  }

  private static int itemIdx(String item) {
    int n = Integer.parseInt(item.substring(1));
    return n == 19 ? 1 : 2 + n;
  }

  private static int category(String item) {
    return 2 + Integer.parseInt(item.substring(1)) % 3;
  }

  @Test
  void everyExampleSeesExactlyTheEventsStrictlyBeforeIt() {
    List<E> events = randomEvents(5, 1_500);
    Dataset<Row> enriched = FeatureTables.withItemInfo(eventFrame(events), itemInfo());
    List<Row> rows = FeatureTables.asOfEachEvent(enriched, HISTORY).collectAsList();
    assertEquals(events.size(), rows.size());
    Map<String, E> byId = new HashMap<>();
    events.forEach(e -> byId.put(e.id, e));
    for (Row r : rows) {
      E e = byId.get(r.<String>getAs(Schemas.EVENT_ID));
      List<E> before = events.stream().filter(x -> x.ts < e.ts).toList();
      assertEquals(expectedUser(before, e.user, 0), withoutCategories(FeatureRows.user(r)), "user as of " + e);
      assertEquals(before.stream().filter(x -> x.user.equals(e.user) && category(x.item) == category(e.item)).count(),
          r.<Long>getAs(FeatureTables.USER_CAT_COUNT), "category count as of " + e);
      List<E> itemBefore = before.stream().filter(x -> x.item.equals(e.item)).toList();
      assertEquals(itemBefore.size(), r.<Long>getAs(FeatureTables.ITEM_TOTAL), "item total as of " + e);
      assertEquals(itemBefore.stream().filter(x -> x.ts >= e.ts - FeatureTables.RECENT.toMillis()).count(),
          r.<Long>getAs(FeatureTables.ITEM_RECENT), "item recent as of " + e);
      assertEquals(itemBefore.stream().filter(x -> x.type == EventType.CLICK).count(),
          r.<Long>getAs(FeatureTables.ITEM_CLICKS));
    }
  }

  /**
   * Training/serving parity: a probe example at the snapshot instant, featurised on the Spark path, must give the
   * same vectors as the server's path (snapshot files read back through {@link FeatureSnapshots}).
   */
  @Test
  void aProbeAtTheSnapshotInstantSeesWhatTheServerReads() throws Exception {
    List<E> events = randomEvents(9, 1_200);
    long asOf = events.stream().mapToLong(E::ts).max().orElseThrow() + MINUTE;
    List<E> withProbes = new ArrayList<>(events);
    Set<String> users = new HashSet<>();
    events.forEach(e -> users.add(e.user));
    for (String u : users) {
      withProbes.add(new E("~probe-" + u, u, "i" + (u.hashCode() & 15), EventType.VIEW, asOf, null));
    }
    Dataset<Row> info = itemInfo();
    Dataset<Row> probes = FeatureTables.asOfEachEvent(FeatureTables.withItemInfo(eventFrame(withProbes), info),
        HISTORY).where(col(Schemas.EVENT_ID).startsWith("~probe"));
    Dataset<Row> enriched = FeatureTables.withItemInfo(eventFrame(events), info);
    java.nio.file.Path usersFile = tmp.resolve(FeatureSnapshots.USERS_FILE);
    java.nio.file.Path itemsFile = tmp.resolve(FeatureSnapshots.ITEMS_FILE);
    SnapshotExport.writeUsers(FeatureTables.usersAsOf(enriched, HISTORY, 5).withColumn(FeatureTables.USER_IDX,
        org.apache.spark.sql.functions.lit(2)), usersFile, 5, Map.of());
    SnapshotExport.writeItems(FeatureTables.itemsAsOf(enriched, info, asOf), itemsFile, Map.of());

    int checked = 0;
    int longestSeen = 0;
    try (Snapshot us = Snapshot.open(usersFile); Snapshot is = Snapshot.open(itemsFile)) {
      FeatureSnapshots.Users servedUsers = new FeatureSnapshots.Users(us);
      FeatureSnapshots.Items servedItems = new FeatureSnapshots.Items(is);
      for (Row probe : probes.join(info.select(Schemas.ITEM_ID, ItemInfo.CREATED_MS, ItemInfo.PRICE,
          ItemInfo.TOKENS), Schemas.ITEM_ID).collectAsList()) {
        String user = probe.getAs(Schemas.USER_ID);
        UserAggregates served = servedUsers.aggregates(servedUsers.find(user));
        UserAggregates trained = FeatureRows.user(probe);
        assertArrayEquals(Featurizers.userDense(trained, asOf), Featurizers.userDense(served, asOf), "user dense");
        assertArrayEquals(trained.history(), served.history(), "history");
        int[] seen = events.stream().filter(e -> e.user.equals(user)).mapToInt(e -> servedItems.find(e.item))
            .distinct().sorted().toArray();
        assertArrayEquals(seen, servedUsers.seenRows(servedUsers.find(user)), "every item the user touched");
        longestSeen = Math.max(longestSeen, seen.length);
        assertEquals(Featurizers.categoryShare(probe.<Long>getAs(FeatureTables.USER_CAT_COUNT),
                probe.<Long>getAs(FeatureTables.USER_EVENTS)),
            Featurizers.categoryShare(served, probe.<Integer>getAs(FeatureTables.CATEGORY_IDX)),
            "user category share");
        int itemRow = servedItems.find(probe.getAs(Schemas.ITEM_ID));
        assertEquals(FeatureRows.item(probe), servedItems.aggregates(itemRow), "item aggregates");
        assertArrayEquals(Featurizers.itemDense(FeatureRows.item(probe), asOf),
            Featurizers.itemDense(servedItems.aggregates(itemRow), asOf), "item dense");
        checked++;
      }
      assertEquals(20, is.rows(), "every catalog item is in the items snapshot");
    }
    assertEquals(users.size(), checked);
    assertTrue(longestSeen > HISTORY, "some user touched more items than the history holds: " + longestSeen);
  }

  /** Brute force: the user's aggregates over {@code before}. */
  private static UserAggregates expectedUser(List<E> before, String user, int categories) {
    List<E> mine = before.stream().filter(x -> x.user.equals(user))
        .sorted(Comparator.comparingLong(E::ts).thenComparing(E::id).reversed()).toList();
    long[] perType = new long[TYPES.length];
    long spendCents = 0;
    for (E x : mine) {
      perType[x.type.ordinal()]++;
      if (x.type == EventType.PURCHASE) {
        spendCents += Math.round(x.value * 100);
      }
    }
    int[] history = mine.stream().limit(HISTORY).mapToInt(x -> itemIdx(x.item)).toArray();
    long last = mine.isEmpty() ? UserAggregates.NEVER : mine.get(0).ts;
    return new UserAggregates(perType[0], perType[1], perType[2], perType[3], perType[4], perType[5],
        mine.stream().map(E::item).distinct().count(), last, spendCents / 100.0, new float[categories], history);
  }

  private static UserAggregates withoutCategories(UserAggregates u) {
    return new UserAggregates(u.views(), u.clicks(), u.carts(), u.purchases(), u.favorites(), u.ratings(),
        u.uniqueItems(), u.lastEventMs(), u.spend(), new float[0], u.history());
  }
}
