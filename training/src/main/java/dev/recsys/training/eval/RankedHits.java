package dev.recsys.training.eval;

import java.util.Arrays;

/**
 * Where one user's relevant items appear in a model's ranked list, and the ranking metrics that follow from it.
 * Relevance is binary; positions are 0-based.
 */
public final class RankedHits {

  private final int[] positions;
  private final int relevantCount;

  private RankedHits(int[] positions, int relevantCount) {
    this.positions = positions;
    this.relevantCount = relevantCount;
  }

  /**
   * Returns the positions in {@code ranked} (best first) of the items in {@code relevant}. Repeated relevant items
   * count once, as relevance is a set. Fails when {@code relevant} is empty, since no metric is defined then, or
   * when {@code ranked} repeats an item, which would count one hit twice.
   */
  public static RankedHits of(long[] ranked, long[] relevant) {
    long[] rel = Arrays.stream(relevant).sorted().distinct().toArray();
    if (rel.length == 0) {
      throw new IllegalArgumentException("no relevant items: ranking metrics are undefined for this user");
    }
    checkNoRepeats(ranked);
    int[] hits = new int[Math.min(rel.length, ranked.length)];
    int count = 0;
    for (int i = 0; i < ranked.length && count < hits.length; i++) {
      if (Arrays.binarySearch(rel, ranked[i]) >= 0) {
        hits[count++] = i;
      }
    }
    return new RankedHits(Arrays.copyOf(hits, count), rel.length);
  }

  /** Returns the hits of {@code ranked} against {@code relevant}, for int item ids; see {@link #of(long[], long[])}. */
  public static RankedHits of(int[] ranked, int[] relevant) {
    return of(Arrays.stream(ranked).asLongStream().toArray(), Arrays.stream(relevant).asLongStream().toArray());
  }

  /** Returns the number of distinct relevant items. */
  public int relevantCount() {
    return relevantCount;
  }

  /** Returns the share of relevant items found in the top {@code k}: hits@k / |relevant|. */
  public double recallAt(int k) {
    return (double) hitsAt(k) / relevantCount;
  }

  /** Returns 1 when at least one relevant item is in the top {@code k}, else 0. */
  public double hitRateAt(int k) {
    return hitsAt(k) > 0 ? 1 : 0;
  }

  /**
   * Returns NDCG@k with binary gains and a log2(position + 2) discount, the ideal DCG placing min(|relevant|, k)
   * relevant items at the top.
   */
  public double ndcgAt(int k) {
    int hits = hitsAt(k);
    double dcg = 0;
    for (int h = 0; h < hits; h++) {
      dcg += discount(positions[h]);
    }
    double ideal = 0;
    for (int i = 0; i < Math.min(relevantCount, k); i++) {
      ideal += discount(i);
    }
    return dcg / ideal;
  }

  /**
   * Returns average precision truncated at {@code k}: the sum of precision@(position + 1) over the hits in the top
   * k, divided by min(|relevant|, k), so a perfect top k scores 1.
   */
  public double averagePrecisionAt(int k) {
    int hits = hitsAt(k);
    double sum = 0;
    for (int h = 0; h < hits; h++) {
      sum += (h + 1.0) / (positions[h] + 1);
    }
    return sum / Math.min(relevantCount, k);
  }

  /** Returns 1 / (position + 1) of the first relevant item anywhere in the list, or 0 when none is listed. */
  public double reciprocalRank() {
    return positions.length == 0 ? 0 : 1.0 / (positions[0] + 1);
  }

  /** Returns how many relevant items are among the first {@code k}. */
  private int hitsAt(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be > 0, got " + k);
    }
    int hits = 0;
    while (hits < positions.length && positions[hits] < k) {
      hits++;
    }
    return hits;
  }

  private static double discount(int position) {
    return 1 / (Math.log(position + 2) / Math.log(2));
  }

  private static void checkNoRepeats(long[] ranked) {
    long[] sorted = ranked.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("ranked list repeats item " + sorted[i]);
      }
    }
  }
}
