package dev.recsys.pipelines.generate;

import dev.recsys.features.config.GeneratorConfig;
import dev.recsys.features.schema.Item;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalog and the hidden structure behind the synthetic events: categories with latent centres, items with
 * latent vectors near their category's centre, power-law popularity, prices and content tags, and items arriving
 * during the simulated window. Fully determined by the seed, the scale and the run date.
 */
public final class SyntheticWorld {

  static final int DIM = 16;
  private static final double DAY_MS = 86_400_000d;
  private static final String[] CATEGORY_NAMES = {
      "electronics", "books", "home", "fashion", "beauty", "sports", "toys", "grocery", "garden", "automotive",
      "music", "movies", "pets", "health", "office", "jewelry", "games", "baby", "outdoor", "crafts"};
  private static final String[] ADJECTIVES = {
      "classic", "compact", "deluxe", "eco", "essential", "premium", "smart", "vintage", "wireless", "urban",
      "pro", "mini", "ultra", "soft", "bold", "lite"};
  private static final String[] STYLES = {
      "minimal", "colorful", "rugged", "elegant", "playful", "technical", "cozy", "sporty"};

  private static final Map<String, SyntheticWorld> CACHE = new ConcurrentHashMap<>();

  final GeneratorConfig cfg;
  final Instant start;
  final Instant end;
  final String[] categories;
  final float[][] categoryCentres;
  final Item[] items;
  final int[] itemCategory;
  final float[][] itemVectors;
  final long[] itemCreatedMs;
  /** Cumulative popularity weights over items; sampling is a binary search. */
  final double[] popularityCdf;
  /** Item indexes ordered by creation time, for finding the items new at a given moment. */
  final int[] byCreation;
  final long[] creationSorted;

  private SyntheticWorld(GeneratorConfig cfg, LocalDate runDate) {
    this.cfg = cfg;
    this.end = runDate.atStartOfDay(ZoneOffset.UTC).toInstant();
    this.start = end.minusMillis((long) (cfg.days() * DAY_MS));
    SplittableRandom rng = new SplittableRandom(Seeds.mix(cfg.seed(), 0x5EED));

    categories = new String[cfg.categories()];
    categoryCentres = new float[cfg.categories()][];
    for (int c = 0; c < categories.length; c++) {
      categories[c] = c < CATEGORY_NAMES.length ? CATEGORY_NAMES[c] : "category_" + c;
      categoryCentres[c] = Vectors.unit(Vectors.gaussian(rng, DIM));
    }

    int n = cfg.items();
    items = new Item[n];
    itemCategory = new int[n];
    itemVectors = new float[n][];
    itemCreatedMs = new long[n];
    int[] rank = Seeds.permutation(rng, n);
    double[] weights = new double[n];
    long twoYears = (long) (730 * DAY_MS);
    for (int i = 0; i < n; i++) {
      // A few large categories and a long tail of small ones.
      int c = Math.min(categories.length - 1, (int) Math.floor(categories.length * Math.pow(rng.nextDouble(), 1.6)));
      itemCategory[i] = c;
      float[] noise = Vectors.gaussian(rng, DIM);
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = categoryCentres[c][d] + 0.55f * noise[d] / (float) Math.sqrt(DIM);
      }
      itemVectors[i] = Vectors.unit(v);
      weights[i] = 1.0 / Math.pow(rank[i] + 5, 1.05);
      // Three quarters of the catalog predates the window; the rest arrives during it.
      itemCreatedMs[i] = rng.nextDouble() < 0.75
          ? start.toEpochMilli() - (long) (rng.nextDouble() * twoYears)
          : start.toEpochMilli() + (long) (rng.nextDouble() * (end.toEpochMilli() - start.toEpochMilli()));
      double logMean = Math.log(15 + 12 * c % 190);
      double price = Math.exp(logMean + 0.5 * Vectors.normal(rng));
      price = Math.max(0.99, Math.round(price) - 0.01);
      int style = Vectors.argmax(itemVectors[i]) % STYLES.length;
      String adjective = ADJECTIVES[rng.nextInt(ADJECTIVES.length)];
      String title = capitalize(adjective) + " " + STYLES[style] + " " + categories[c] + " item " + i;
      List<String> tags = List.of(categories[c], STYLES[style], adjective);
      items[i] = new Item(itemId(i), categories[c], price, Instant.ofEpochMilli(itemCreatedMs[i]), title, tags);
    }
    popularityCdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += weights[i];
      popularityCdf[i] = sum;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(itemCreatedMs[a], itemCreatedMs[b]));
    byCreation = new int[n];
    creationSorted = new long[n];
    for (int i = 0; i < n; i++) {
      byCreation[i] = order[i];
      creationSorted[i] = itemCreatedMs[order[i]];
    }
  }

  /** The world for a config and run date, built once per JVM (executors reuse it across partitions). */
  public static SyntheticWorld of(GeneratorConfig cfg, LocalDate runDate) {
    return CACHE.computeIfAbsent(cfg + "@" + runDate, k -> new SyntheticWorld(cfg, runDate));
  }

  public static String itemId(int index) {
    return "i" + index;
  }

  public static String userId(long index) {
    return "u" + index;
  }

  public List<Item> items() {
    return List.of(items);
  }

  /** Draws an item by popularity among those already in the catalog at {@code atMs}, or -1 after a few misses. */
  int popularItem(SplittableRandom rng, long atMs) {
    for (int attempt = 0; attempt < 4; attempt++) {
      double u = rng.nextDouble() * popularityCdf[popularityCdf.length - 1];
      int i = Arrays.binarySearch(popularityCdf, u);
      i = i >= 0 ? i : -i - 1;
      i = Math.min(i, popularityCdf.length - 1);
      if (itemCreatedMs[i] <= atMs) {
        return i;
      }
    }
    return -1;
  }

  /** Draws uniformly among the items created in the 30 days before {@code atMs}, or -1 if there are none. */
  int newItem(SplittableRandom rng, long atMs) {
    int hi = upperBound(creationSorted, atMs);
    int lo = upperBound(creationSorted, atMs - (long) (30 * DAY_MS));
    return hi > lo ? byCreation[lo + rng.nextInt(hi - lo)] : -1;
  }

  private static int upperBound(long[] sorted, long key) {
    int i = Arrays.binarySearch(sorted, key);
    if (i < 0) {
      return -i - 1;
    }
    while (i < sorted.length && sorted[i] == key) {
      i++;
    }
    return i;
  }

  List<Integer> categoriesOf(float[] userVector, int top) {
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < categories.length; c++) {
      order.add(c);
    }
    order.sort((a, b) -> Float.compare(Vectors.dot(userVector, categoryCentres[b]),
        Vectors.dot(userVector, categoryCentres[a])));
    return order.subList(0, Math.min(top, order.size()));
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
