package dev.recsys.training;

/**
 * Retrieval recall over dense user and item vectors, for training-time checks. Offline evaluation over ranked
 * lists, ranker AUC and log-loss live in {@link dev.recsys.training.eval}.
 */
public final class Metrics {

  private Metrics() {}

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
