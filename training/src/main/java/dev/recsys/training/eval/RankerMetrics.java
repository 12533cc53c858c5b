package dev.recsys.training.eval;

import java.util.Arrays;

/** Metrics of a pointwise ranker (click or purchase probability) over labelled examples. */
public final class RankerMetrics {

  /** Probabilities are clipped to [EPSILON, 1 - EPSILON] before taking logs, so log-loss stays finite. */
  public static final double EPSILON = 1e-7;

  private RankerMetrics() {}

  /**
   * Returns the ROC AUC of {@code scores} against 0/1 {@code labels}: the probability that a random positive
   * scores above a random negative, ties counting half. Tied scores share their average rank (Mann-Whitney U), so
   * the result does not depend on how ties happen to be ordered. A label above 0.5 is a positive. Fails when
   * either class is absent or a score is NaN.
   */
  public static double auc(float[] scores, float[] labels) {
    checkLengths(scores, labels);
    for (int i = 0; i < scores.length; i++) {
      if (Float.isNaN(scores[i])) {
        throw new IllegalArgumentException("AUC score " + i + " is NaN");
      }
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
   * Returns the mean binary cross-entropy {@code -(y log p + (1 - y) log(1 - p))} (natural log) of
   * {@code probabilities} against {@code labels} in [0, 1], each probability clipped to
   * [{@link #EPSILON}, 1 - {@link #EPSILON}].
   */
  public static double logLoss(float[] probabilities, float[] labels) {
    checkLengths(probabilities, labels);
    if (probabilities.length == 0) {
      throw new IllegalArgumentException("log-loss needs at least one example");
    }
    double sum = 0;
    for (int i = 0; i < probabilities.length; i++) {
      float p = probabilities[i];
      float y = labels[i];
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability " + i + " must be in [0, 1], got " + p);
      }
      if (!(y >= 0 && y <= 1)) {
        throw new IllegalArgumentException("label " + i + " must be in [0, 1], got " + y);
      }
      double clipped = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
      sum -= y * Math.log(clipped) + (1 - y) * Math.log(1 - clipped);
    }
    return sum / probabilities.length;
  }

  private static void checkLengths(float[] scores, float[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
    }
  }
}
