package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.NegativesConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.pipelines.spark.SparkSchemas;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.TrainingRows;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
 * Sampled ranking negatives: the same draws on every run whatever the partitioning, the ratio per liked rating,
 * never an item of the user, popular items drawn in proportion to train count^exponent, and every negative's item
 * aggregates recomputed by brute force from the events strictly before its positive.
 */
class RankingNegativesTest extends SparkTestBase {

  private static final long T0 = 1_790_000_000_000L;
  private static final long DAY = 86_400_000L;
  private static final int ITEMS = 200;
  private static final int HISTORY = 5;
  private static final NegativesConfig FOUR = new NegativesConfig(4, 0.75, 11, 4, 100);
  private static final SplitEventsJob.Boundaries SPLIT = new SplitEventsJob.Boundaries(Instant.ofEpochMilli(T0),
      Instant.ofEpochMilli(T0 + 40 * DAY), Instant.ofEpochMilli(T0 + 50 * DAY), Instant.ofEpochMilli(T0 + 61 * DAY));

  private record E(String id, String user, String item, EventType type, Double rating, long ts) {}

  /**
   * Events of 40 users over 60 days on a one-hour grid (so an item often has several events at one instant),
   * items i000..i199 by a power law; only ratings (1 to 5), or a mix of every type when {@code ratingsOnly} is
   * false.
   */
  private static List<E> world(long seed, int n, boolean ratingsOnly) {
    Random rng = new Random(seed);
    EventType[] types = EventType.values();
    List<E> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      EventType t = ratingsOnly || rng.nextBoolean() ? EventType.RATING : types[rng.nextInt(types.length)];
      Double rating = t == EventType.RATING ? 1.0 + rng.nextInt(5) : null;
      int item = (int) (ITEMS * Math.pow(rng.nextDouble(), 3));
      long ts = T0 + (long) rng.nextInt(60 * 24) * 3_600_000L;
      out.add(new E(String.format("e%05d", i), String.format("u%02d", rng.nextInt(40)), item(item), t, rating, ts));
    }
    return out;
  }

  private static String item(int n) {
    return String.format("i%03d", n);
  }

  private static int category(String item) {
    return 2 + Integer.parseInt(item.substring(1)) % 5;
  }

  private Dataset<Row> events(List<E> events) {
    List<Row> rows = new ArrayList<>();
    for (E e : events) {
      rows.add(RowFactory.create(e.id, e.user, e.item, e.type.wireName(), e.rating, null, new Timestamp(e.ts), null,
          "web", "home"));
    }
    return spark.createDataFrame(rows, SparkSchemas.of(Schemas.EVENTS));
  }

  /** Items i000..i199: item_idx 2 + n, item_row n (id order), categories 2..6. */
  private Dataset<Row> itemInfo() {
    StructType schema = ItemInfo.SCHEMA.add(FeatureTables.ITEM_IDX, DataTypes.IntegerType, false)
        .add(FeatureTables.ITEM_ROW, DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < ITEMS; n++) {
      rows.add(RowFactory.create(item(n), "c" + n % 5, category(item(n)), T0 - n * DAY, 1.0 + n,
          new Integer[] {2 + n % 7}, 2 + n, n));
    }
    return spark.createDataFrame(rows, schema);
  }

  private static ItemAggregates attributes(String item, long total, long recent, long views, long clicks,
      long purchases) {
    int n = Integer.parseInt(item.substring(1));
    return new ItemAggregates(total, recent, views, clicks, purchases, T0 - n * DAY, category(item), 1.0 + n,
        new int[] {2 + n % 7});
  }

  private Dataset<Row> examples(Dataset<Row> enriched, Dataset<Row> info) {
    List<Row> users = new ArrayList<>();
    for (int u = 0; u < 40; u++) {
      users.add(RowFactory.create(String.format("u%02d", u), 2 + u));
    }
    Dataset<Row> userVocab = spark.createDataFrame(users, new StructType()
        .add(Schemas.USER_ID, DataTypes.StringType).add(FeatureTables.USER_IDX, DataTypes.IntegerType));
    return BuildFeaturesJob.examples(enriched, info, userVocab, cfg.split(), SPLIT, HISTORY);
  }

  private static String positiveOf(Row negative) {
    String id = negative.getAs(Schemas.EVENT_ID);
    return id.substring(0, id.lastIndexOf(RankingNegatives.ID_SEPARATOR));
  }

  @Test
  void ratingsGetTheRatioOfNegativesPerLikedRatingNeverAnItemOfTheUserAndTheSameOnEveryRun() {
    List<E> world = world(3, 2_000, true);
    Dataset<Row> info = itemInfo();
    Dataset<Row> enriched = FeatureTables.withItemInfo(events(world), info);
    Dataset<Row> examples = examples(enriched, info).cache();
    List<String> first = sorted(BuildFeaturesJob.rankingNegatives(examples, enriched, info, FOUR));
    List<String> repartitioned = sorted(BuildFeaturesJob.rankingNegatives(examples.repartition(5), enriched
        .repartition(3), info.repartition(4), FOUR));
    assertEquals(first, repartitioned, "the same negatives whatever the partitioning");
    assertNotEquals(first, sorted(BuildFeaturesJob.rankingNegatives(examples, enriched, info,
        new NegativesConfig(4, 0.75, 12, 4, 100))), "another seed draws other negatives");

    Map<String, Set<String>> itemsOfUser = new HashMap<>();
    world.forEach(e -> itemsOfUser.computeIfAbsent(e.user, u -> new HashSet<>()).add(e.item));
    Map<String, Row> liked = new HashMap<>();
    for (Row p : examples.where(col(BuildFeaturesJob.SPLIT).notEqual(SplitEventsJob.TEST)
        .and(col(Schemas.RATING).geq(TrainingRows.POSITIVE_RATING))).collectAsList()) {
      liked.put(p.getAs(Schemas.EVENT_ID), p);
    }
    Map<String, Set<String>> drawn = new HashMap<>();
    List<Row> negatives = BuildFeaturesJob.rankingNegatives(examples, enriched, info, FOUR).collectAsList();
    for (Row n : negatives) {
      Row p = liked.get(positiveOf(n));
      assertTrue(p != null, "a negative of a liked train or validation rating: " + n);
      String user = n.getAs(Schemas.USER_ID);
      assertEquals(p.<String>getAs(Schemas.USER_ID), user);
      assertEquals(p.<String>getAs(BuildFeaturesJob.SPLIT), n.<String>getAs(BuildFeaturesJob.SPLIT));
      assertTrue(!itemsOfUser.get(user).contains(n.<String>getAs(Schemas.ITEM_ID)),
          "never an item the user has an event with, before or after: " + n);
      assertTrue(drawn.computeIfAbsent(positiveOf(n), k -> new HashSet<>()).add(n.getAs(Schemas.ITEM_ID)),
          "no item twice for one positive: " + n);
      assertEquals(0, n.<Integer>getAs(BuildFeaturesJob.LABEL_CLICK));
      assertEquals(0, n.<Integer>getAs(BuildFeaturesJob.LABEL_PURCHASE));
      assertNull(n.getAs(Schemas.EVENT_TYPE));
      assertNull(n.getAs(Schemas.RATING));
    }
    assertTrue(liked.size() > 300, "liked train and validation ratings: " + liked.size());
    assertEquals(liked.keySet(), drawn.keySet(), "every liked rating has negatives");
    drawn.forEach((p, items) -> assertEquals(FOUR.ratio(), items.size(), "negatives of " + p));
    assertEquals(Set.of(SplitEventsJob.TRAIN, SplitEventsJob.VALIDATION),
        negatives.stream().map(n -> n.<String>getAs(BuildFeaturesJob.SPLIT)).collect(java.util.stream.Collectors
            .toSet()), "train and validation only");
    assertEquals(examples.schema().asNullable().toString(),
        BuildFeaturesJob.rankingNegatives(examples, enriched, info, FOUR).schema().asNullable().toString(),
        "the columns of examples");
    assertEquals(0, BuildFeaturesJob.rankingNegatives(examples, enriched, info, new NegativesConfig(0, 0.75, 11, 4, 100))
        .count(), "ratio 0 samples nothing");
  }

  @Test
  void dataWithImpressionsGetsNoSampledNegatives() {
    Dataset<Row> info = itemInfo();
    Dataset<Row> enriched = FeatureTables.withItemInfo(events(world(4, 1_000, false)), info);
    assertEquals(0, BuildFeaturesJob.rankingNegatives(examples(enriched, info), enriched, info, FOUR).count());
  }

  /**
   * One hot item with 400 train events, ten cold ones with 4, and a hundred liked ones with 10 each (each liked by
   * one user ten times, so each positive excludes only its own item); a thousand single draws must give the hot
   * item its share of count^exponent within five standard deviations, and not the share of the other exponents
   * (the expected shares lie more than ten standard deviations apart).
   */
  @Test
  void popularItemsAreDrawnInProportionToTheirTrainCountToTheExponent() {
    List<E> world = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      world.add(new E("h" + i, "fan" + i, item(0), EventType.RATING, 1.0, T0));
    }
    for (int c = 1; c <= 10; c++) {
      for (int i = 0; i < 4; i++) {
        world.add(new E("c" + c + "-" + i, "cold" + c + "-" + i, item(c), EventType.RATING, 1.0, T0));
      }
    }
    for (int m = 11; m <= 110; m++) {
      for (int r = 0; r < 10; r++) {
        world.add(new E("m" + m + "-" + r, "u" + m, item(m), EventType.RATING, 5.0, T0 + r * DAY));
      }
    }
    Dataset<Row> enriched = FeatureTables.withItemInfo(events(world), itemInfo());
    Dataset<Row> positives = enriched.where(col(Schemas.RATING).equalTo(5.0));
    double[] exponents = {0.75, 0.0, 1.0};
    double[] expected = new double[exponents.length];
    for (int i = 0; i < exponents.length; i++) {
      double a = exponents[i];
      expected[i] = Math.pow(400, a) / (Math.pow(400, a) + 10 * Math.pow(4, a) + 99 * Math.pow(10, a));
    }
    for (int self = 0; self < exponents.length; self++) {
      List<Row> draws = RankingNegatives.draws(positives, enriched,
          RankingNegatives.popularity(enriched, exponents[self]), 1, 11).collectAsList();
      assertEquals(1_000, draws.size());
      double share = draws.stream().filter(d -> d.<Integer>getAs(FeatureTables.ITEM_ROW) == 0).count() / 1_000.0;
      for (int i = 0; i < exponents.length; i++) {
        double margin = 5 * Math.sqrt(expected[i] * (1 - expected[i]) / 1_000);
        assertEquals(i == self, Math.abs(share - expected[i]) < margin, "exponent " + exponents[self]
            + ": hot share " + share + ", expected " + expected[i] + " +- " + margin + " for exponent " + exponents[i]);
      }
      assertTrue(draws.stream().noneMatch(d -> d.<Integer>getAs(FeatureTables.ITEM_ROW) > 110),
          "only items with train events are drawn");
    }
  }

  /**
   * Point in time: each negative's item aggregates, and the user's count in its category, equal a brute-force
   * count over the events strictly before its positive; its user side is the positive's.
   */
  @Test
  void eachNegativeSeesItsItemOnlyStrictlyBeforeItsPositive() {
    List<E> world = world(8, 2_500, false);
    Dataset<Row> info = itemInfo();
    Dataset<Row> enriched = FeatureTables.withItemInfo(events(world), info);
    Dataset<Row> examples = examples(enriched, info).cache();
    Dataset<Row> positives = examples.where(col(Schemas.RATING).geq(TrainingRows.POSITIVE_RATING));
    Map<String, Row> byId = new HashMap<>();
    positives.collectAsList().forEach(p -> byId.put(p.getAs(Schemas.EVENT_ID), p));
    List<Row> negatives = RankingNegatives.sample(positives, enriched, info,
        RankingNegatives.popularity(examples, 0.75), 3, 5).collectAsList();
    assertEquals(3L * byId.size(), negatives.size());
    int withLaterEvents = 0;
    int withEventsAtTheSameInstant = 0;
    for (Row n : negatives) {
      Row p = byId.get(positiveOf(n));
      long ts = p.<Long>getAs(FeatureTables.TS_MS);
      String item = n.getAs(Schemas.ITEM_ID);
      String user = n.getAs(Schemas.USER_ID);
      List<E> before = world.stream().filter(e -> e.ts < ts).toList();
      List<E> itemBefore = before.stream().filter(e -> e.item.equals(item)).toList();
      assertEquals(attributes(item, itemBefore.size(),
              itemBefore.stream().filter(e -> e.ts >= ts - FeatureTables.RECENT.toMillis()).count(),
              itemBefore.stream().filter(e -> e.type == EventType.VIEW).count(),
              itemBefore.stream().filter(e -> e.type == EventType.CLICK).count(),
              itemBefore.stream().filter(e -> e.type == EventType.PURCHASE).count()),
          FeatureRows.item(n), "item " + item + " as of " + ts);
      assertEquals(before.stream().filter(e -> e.user.equals(user) && category(e.item) == category(item)).count(),
          n.<Long>getAs(FeatureTables.USER_CAT_COUNT), "user's events in the category of " + item);
      assertEquals(FeatureRows.user(p), FeatureRows.user(n), "the positive's user side");
      for (String c : new String[] {FeatureTables.TS_MS, FeatureTables.USER_EVENTS, FeatureTables.USER_IDX,
          Schemas.DEVICE, Schemas.PLACEMENT, BuildFeaturesJob.SPLIT}) {
        assertEquals(p.<Object>getAs(c), n.getAs(c), c);
      }
      assertEquals(2 + Integer.parseInt(item.substring(1)), n.<Integer>getAs(FeatureTables.ITEM_IDX));
      assertEquals(Integer.parseInt(item.substring(1)), n.<Integer>getAs(FeatureTables.ITEM_ROW));
      withLaterEvents += world.stream().anyMatch(e -> e.item.equals(item) && e.ts > ts) ? 1 : 0;
      withEventsAtTheSameInstant += world.stream().anyMatch(e -> e.item.equals(item) && e.ts == ts) ? 1 : 0;
    }
    assertTrue(withLaterEvents > 100 && withEventsAtTheSameInstant > 10,
        "the sampled items have events after and at their positive's instant, which must not count: "
            + withLaterEvents + " after, " + withEventsAtTheSameInstant + " at the same instant");
  }
}
