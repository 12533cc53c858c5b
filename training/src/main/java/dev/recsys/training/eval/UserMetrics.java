package dev.recsys.training.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Per-user metric values of one model over the evaluated users, kept per user so that means can be bootstrapped,
 * two models compared pairwise and slices of users evaluated alike.
 *
 * <p>Users come in ascending id order. A user with no relevant items is not evaluated but counted in
 * {@link #excludedUsers()}. The list metrics (novelty, coverage) use the same evaluated users, so every number
 * of a model describes one population.
 */
public final class UserMetrics {

  private final long[] userIds;
  private final Map<String, double[]> values;
  private final long[][] topLists;
  private final int listSize;
  private final long catalogSize;
  private final long[] excludedUserIds;

  private UserMetrics(long[] userIds, Map<String, double[]> values, long[][] topLists, int listSize,
      long catalogSize, long[] excludedUserIds) {
    this.userIds = userIds;
    this.values = values;
    this.topLists = topLists;
    this.listSize = listSize;
    this.catalogSize = catalogSize;
    this.excludedUserIds = excludedUserIds;
  }

  /**
   * Returns recall, NDCG, MAP and hit rate at every cut-off in {@code ks}, MRR and novelty of the top
   * {@code listSize} for every user with relevant items, and keeps each top {@code listSize} for coverage.
   * Novelty is the mean self-information of the user's top list ({@link ItemCatalog#selfInformation}), 0 for an
   * empty list; its mean over users is the report's novelty. Fails when a user id repeats or a cut-off is not positive or repeats.
   */
  public static UserMetrics evaluate(List<UserRanking> users, List<Integer> ks, int listSize, ItemCatalog catalog) {
    int[] cutoffs = checkCutoffs(ks);
    if (listSize <= 0) {
      throw new IllegalArgumentException("list size must be > 0, got " + listSize);
    }
    List<UserRanking> evaluated = new ArrayList<>();
    List<Long> excluded = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (UserRanking u : users) {
      if (!seen.add(u.userId())) {
        throw new IllegalArgumentException("user " + u.userId() + " appears twice");
      }
      if (u.relevant().length == 0) {
        excluded.add(u.userId());
      } else {
        evaluated.add(u);
      }
    }
    evaluated.sort(Comparator.comparingLong(UserRanking::userId));

    int n = evaluated.size();
    // [cut-off index][user]
    double[][] recall = new double[cutoffs.length][n];
    double[][] ndcg = new double[cutoffs.length][n];
    double[][] map = new double[cutoffs.length][n];
    double[][] hitRate = new double[cutoffs.length][n];
    double[] mrr = new double[n];
    double[] novelty = new double[n];
    long[] ids = new long[n];
    long[][] topLists = new long[n][];
    for (int u = 0; u < n; u++) {
      UserRanking user = evaluated.get(u);
      ids[u] = user.userId();
      RankedHits hits;
      try {
        hits = RankedHits.of(user.ranked(), user.relevant());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("user " + user.userId() + ": " + e.getMessage(), e);
      }
      for (int c = 0; c < cutoffs.length; c++) {
        recall[c][u] = hits.recallAt(cutoffs[c]);
        ndcg[c][u] = hits.ndcgAt(cutoffs[c]);
        map[c][u] = hits.averagePrecisionAt(cutoffs[c]);
        hitRate[c][u] = hits.hitRateAt(cutoffs[c]);
      }
      mrr[u] = hits.reciprocalRank();
      topLists[u] = Arrays.copyOf(user.ranked(), Math.min(listSize, user.ranked().length));
      novelty[u] = meanSelfInformation(topLists[u], catalog);
    }

    Map<String, double[]> values = new LinkedHashMap<>();
    for (int c = 0; c < cutoffs.length; c++) {
      values.put(MetricNames.recallAt(cutoffs[c]), recall[c]);
    }
    for (int c = 0; c < cutoffs.length; c++) {
      values.put(MetricNames.ndcgAt(cutoffs[c]), ndcg[c]);
    }
    for (int c = 0; c < cutoffs.length; c++) {
      values.put(MetricNames.mapAt(cutoffs[c]), map[c]);
    }
    for (int c = 0; c < cutoffs.length; c++) {
      values.put(MetricNames.hitRateAt(cutoffs[c]), hitRate[c]);
    }
    values.put(MetricNames.MRR, mrr);
    values.put(MetricNames.noveltyAt(listSize), novelty);
    long[] excludedIds = excluded.stream().mapToLong(Long::longValue).sorted().toArray();
    return new UserMetrics(ids, values, topLists, listSize, catalog.size(), excludedIds);
  }

  /** Returns the number of evaluated users. */
  public int size() {
    return userIds.length;
  }

  /** Returns the number of users left out because they have no relevant items. */
  public int excludedUsers() {
    return excludedUserIds.length;
  }

  /** Returns the evaluated user ids in ascending order. */
  public long[] userIds() {
    return userIds.clone();
  }

  /** Returns the names of the metrics with a value per user, in report order. */
  public List<String> perUserMetrics() {
    return List.copyOf(values.keySet());
  }

  /** Returns the value of {@code metric} for each evaluated user, in {@link #userIds()} order. */
  public double[] values(String metric) {
    double[] v = values.get(metric);
    if (v == null) {
      throw new IllegalArgumentException("No per-user metric named '" + metric + "'. Available: " + values.keySet());
    }
    return v.clone();
  }

  /** Returns the number of items in the catalogue the users were evaluated against. */
  public long catalogSize() {
    return catalogSize;
  }

  /** Returns the name of the coverage metric, {@code coverage_at_<list size>}. */
  public String coverageMetric() {
    return MetricNames.coverageAt(listSize);
  }

  /** Returns the distinct items in the evaluated users' top lists divided by the catalogue size. */
  public double catalogCoverage() {
    Set<Long> distinct = new HashSet<>();
    for (long[] list : topLists) {
      for (long item : list) {
        distinct.add(item);
      }
    }
    return distinct.size() / (double) catalogSize;
  }

  /**
   * Returns the same metrics restricted to the users in {@code slice}; ids in the slice that were not evaluated
   * are ignored, and excluded users in the slice stay counted as excluded.
   */
  public UserMetrics subset(Set<Long> slice) {
    int[] keep = IntStream.range(0, userIds.length)
        .filter(u -> slice.contains(userIds[u]))
        .toArray();
    Map<String, double[]> sub = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : values.entrySet()) {
      double[] all = e.getValue();
      sub.put(e.getKey(), Arrays.stream(keep).mapToDouble(u -> all[u]).toArray());
    }
    return new UserMetrics(
        Arrays.stream(keep).mapToLong(u -> userIds[u]).toArray(),
        sub,
        Arrays.stream(keep).mapToObj(u -> topLists[u]).toArray(long[][]::new),
        listSize,
        catalogSize,
        Arrays.stream(excludedUserIds).filter(slice::contains).toArray());
  }

  /** Fails unless {@code other} evaluated exactly the same users, which a paired comparison needs. */
  void requireSameUsers(UserMetrics other, String name, String otherName) {
    if (!Arrays.equals(userIds, other.userIds)) {
      Set<Long> mine = new TreeSet<>();
      Arrays.stream(userIds).forEach(mine::add);
      Set<Long> theirs = new TreeSet<>();
      Arrays.stream(other.userIds).forEach(theirs::add);
      Set<Long> onlyMine = new TreeSet<>(mine);
      onlyMine.removeAll(theirs);
      Set<Long> onlyTheirs = new TreeSet<>(theirs);
      onlyTheirs.removeAll(mine);
      throw new IllegalArgumentException(name + " was evaluated on " + userIds.length + " users but " + otherName
          + " on " + other.userIds.length + "; only in " + name + ": " + first(onlyMine) + ", only in " + otherName
          + ": " + first(onlyTheirs));
    }
  }

  private static String first(Set<Long> ids) {
    List<Long> head = new ArrayList<>(ids).subList(0, Math.min(5, ids.size()));
    return ids.size() > head.size() ? head + " and " + (ids.size() - head.size()) + " more" : head.toString();
  }

  private static double meanSelfInformation(long[] list, ItemCatalog catalog) {
    if (list.length == 0) {
      return 0;
    }
    double sum = 0;
    for (long item : list) {
      sum += catalog.selfInformation(item);
    }
    return sum / list.length;
  }

  private static int[] checkCutoffs(List<Integer> ks) {
    if (ks.isEmpty()) {
      throw new IllegalArgumentException("at least one cut-off k is needed");
    }
    int[] sorted = ks.stream().mapToInt(Integer::intValue).sorted().toArray();
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] <= 0 || (i > 0 && sorted[i] == sorted[i - 1])) {
        throw new IllegalArgumentException("cut-offs must be positive and distinct, got " + ks);
      }
    }
    return sorted;
  }
}
