package dev.recsys.training.eval;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * A small synthetic evaluation: 1,000 items with Zipf-like training popularity, 600 users each with 1-5 held-out
 * items drawn by popularity, and models that list a relevant item with a set probability, mostly near the top.
 */
final class EvalFixtures {

  static final int ITEMS = 1000;
  static final int USERS = 600;
  static final int LIST = 500;
  static final List<Integer> KS = List.of(10, 50, 100, 500);
  static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 21);

  private EvalFixtures() {}

  /** Returns training counts of item i proportional to 1 / (i + 1). */
  static ItemCatalog catalog() {
    Map<Long, Long> counts = new HashMap<>();
    for (long i = 0; i < ITEMS; i++) {
      counts.put(i, Math.max(1, 20_000 / (i + 1)));
    }
    return new ItemCatalog(ITEMS, counts);
  }

  /** Returns each user's relevant items; users 0 and 1 have none. */
  static Map<Long, long[]> relevant() {
    Random random = new Random(11);
    Map<Long, long[]> relevant = new HashMap<>();
    for (long u = 0; u < USERS; u++) {
      int count = u < 2 ? 0 : 1 + random.nextInt(5);
      Set<Long> items = new LinkedHashSet<>();
      while (items.size() < count) {
        // Popularity-skewed: the square of a uniform favours small ids.
        double r = random.nextDouble();
        items.add((long) (r * r * ITEMS));
      }
      relevant.put(u, items.stream().mapToLong(Long::longValue).toArray());
    }
    return relevant;
  }

  /** Returns a model that lists each relevant item with probability {@code skill}, at a log-uniform position. */
  static List<UserRanking> model(Map<Long, long[]> relevant, double skill, long seed) {
    Random random = new Random(seed);
    List<UserRanking> users = new ArrayList<>();
    for (long u = 0; u < USERS; u++) {
      long[] rel = relevant.get(u);
      Set<Long> relSet = Arrays.stream(rel).boxed().collect(Collectors.toSet());
      long[] ranked = new long[LIST];
      Arrays.fill(ranked, -1);
      for (long item : rel) {
        if (random.nextDouble() < skill) {
          // Log-uniform over positions 0..LIST-1: most placed items land near the top.
          int pos = (int) Math.pow(LIST, random.nextDouble()) - 1;
          while (ranked[pos] != -1) {
            pos = (pos + 1) % LIST;
          }
          ranked[pos] = item;
        }
      }
      List<Long> others = LongStream.range(0, ITEMS).boxed().filter(i -> !relSet.contains(i))
          .collect(Collectors.toCollection(ArrayList::new));
      Collections.shuffle(others, random);
      int next = 0;
      for (int pos = 0; pos < LIST; pos++) {
        if (ranked[pos] == -1) {
          ranked[pos] = others.get(next++);
        }
      }
      users.add(new UserRanking(u, ranked, rel));
    }
    return users;
  }

  /** Returns the same most-popular list for every user. */
  static List<UserRanking> popularity(Map<Long, long[]> relevant) {
    long[] top = LongStream.range(0, LIST).toArray();
    List<UserRanking> users = new ArrayList<>();
    for (long u = 0; u < USERS; u++) {
      users.add(new UserRanking(u, top, relevant.get(u)));
    }
    return users;
  }

  static UserMetrics evaluate(List<UserRanking> users) {
    return UserMetrics.evaluate(users, KS, 10, catalog());
  }

  /** Returns users whose id is a multiple of {@code k}. */
  static Set<Long> everyKth(int k) {
    Set<Long> ids = new HashSet<>();
    for (long u = 0; u < USERS; u += k) {
      ids.add(u);
    }
    return ids;
  }

  /**
   * Returns a report over two_tower (skill 0.6), als (0.4) and popularity, a DLRM click ranker, loss curves, two
   * slices and comparisons of two_tower with both baselines.
   */
  static EvaluationReport sampleReport() {
    Map<Long, long[]> relevant = relevant();
    Random random = new Random(5);
    float[] clickProb = new float[2000];
    float[] click = new float[2000];
    for (int i = 0; i < clickProb.length; i++) {
      click[i] = random.nextDouble() < 0.3 ? 1 : 0;
      clickProb[i] = (float) Math.min(1, Math.max(0, 0.3 + 0.25 * (click[i] - 0.3) + 0.2 * random.nextGaussian()));
    }
    return new ReportBuilder(RUN_DATE, "days", new Bootstrap(300, 42))
        .model("two_tower", evaluate(model(relevant, 0.6, 1)))
        .model("als", evaluate(model(relevant, 0.4, 2)))
        .model("popularity", evaluate(popularity(relevant)))
        .ranker("dlrm", "click", clickProb, click)
        .lossCurve("two_tower", List.of(5.21f, 4.12f, 3.61f, 3.32f, 3.15f, 3.06f, 2.99f, 2.95f))
        .lossCurve("als", List.of(1.9f, 1.2f, 0.95f, 0.87f, 0.84f, 0.83f))
        .lossCurve("dlrm", List.of(0.69f, 0.52f, 0.47f, 0.45f))
        .compare("two_tower", "popularity", List.of("ndcg_at_10", "recall_at_100"))
        .compare("two_tower", "als", List.of("ndcg_at_10", "recall_at_100"))
        .slice("cold_start_users", everyKth(7))
        .slice("users_with_new_items", everyKth(5))
        .slice("nobody", Set.of())
        .build();
  }
}
