package dev.recsys.training;

import java.util.Arrays;

/** Offline evaluation metrics for the retrieval and ranking models. */
public final class Metrics {

  private Metrics() {}

  /**
   * Returns the ROC AUC of {@code scores} against 0/1 {@code labels}: the probability that a random positive
   * scores above a random negative, ties counting half. Fails when either class is absent.
   */
  public static double auc(float[] scores, float[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + 1 + j) / 2.0; // 1-based mean rank of the tie group [i, j)
      for (int k = i; k < j; k++) {
        if (labels[order[k]] > 0.5f) {
          positiveRankSum += midRank;
          positives++;
        }
      }
      i = j;
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("AUC needs both classes, got " + positives + " positives and "
          + negatives + " negatives");
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * Returns the share of users whose positive item is among the {@code k} highest-scoring items, scoring by dot
   * product. An item tied with the positive does not push it down.
   *
   * @param users user vectors [U, dim]
   * @param items item vectors of the whole catalogue [I, dim]
   * @param dim vector width
   * @param positives for each user, the row of its positive item in {@code items}
   * @param k cut-off
   */
  public static double recallAtK(float[] users, float[] items, int dim, int[] positives, int k) {
    int userCount = users.length / dim;
    int itemCount = items.length / dim;
    if (positives.length != userCount) {
      throw new IllegalArgumentException(userCount + " users but " + positives.length + " positives");
    }
    int hits = 0;
    for (int u = 0; u < userCount; u++) {
      float positive = dot(users, u, items, positives[u], dim);
      int above = 0;
      for (int i = 0; i < itemCount && above < k; i++) {
        if (dot(users, u, items, i, dim) > positive) {
          above++;
        }
      }
      if (above < k) {
        hits++;
      }
    }
    return (double) hits / userCount;
  }

  private static float dot(float[] a, int row, float[] b, int col, int dim) {
    float s = 0;
    for (int d = 0; d < dim; d++) {
      s += a[row * dim + d] * b[col * dim + d];
    }
    return s;
  }
}
