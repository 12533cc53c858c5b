package dev.recsys.training.eval;

import java.util.OptionalInt;

/** Returns the stable snake_case metric names used in reports, JSON and the quality gate config. */
public final class MetricNames {

  /** Mean reciprocal rank of the first relevant item in the full list. */
  public static final String MRR = "mrr";
  /** ROC AUC of a ranker; prefixed by the task, as in {@code click_auc}. */
  public static final String AUC = "auc";
  /** Mean binary cross-entropy of a ranker; prefixed by the task, as in {@code click_log_loss}. */
  public static final String LOG_LOSS = "log_loss";

  private static final String RECALL = "recall_at_";

  private MetricNames() {}

  public static String recallAt(int k) {
    return RECALL + k;
  }

  public static String ndcgAt(int k) {
    return "ndcg_at_" + k;
  }

  public static String mapAt(int k) {
    return "map_at_" + k;
  }

  public static String hitRateAt(int k) {
    return "hit_rate_at_" + k;
  }

  public static String noveltyAt(int k) {
    return "novelty_at_" + k;
  }

  public static String coverageAt(int k) {
    return "coverage_at_" + k;
  }

  /** Returns {@code task_metric}, the name of a ranker metric for one prediction task. */
  public static String forTask(String task, String metric) {
    return task + "_" + metric;
  }

  /** Returns the cut-off of a {@code recall_at_K} name, or empty for any other metric. */
  public static OptionalInt recallCutoff(String metric) {
    if (!metric.startsWith(RECALL)) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(metric.substring(RECALL.length())));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** Returns whether a smaller value of {@code metric} is better (log-loss); every other metric is higher-better. */
  public static boolean lowerIsBetter(String metric) {
    return metric.equals(LOG_LOSS) || metric.endsWith("_" + LOG_LOSS);
  }
}
