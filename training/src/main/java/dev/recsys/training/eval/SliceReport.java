package dev.recsys.training.eval;

import java.util.List;
import java.util.Map;

/**
 * The metrics of every model on one subset of the evaluated users (cold-start users, users with new items...).
 *
 * @param n the number of evaluated users in the slice; when 0, {@code models} holds empty metric maps
 * @param models per model, per metric
 * @param comparisons the report's comparisons on this slice's users
 */
public record SliceReport(int n, Map<String, Map<String, MetricValue>> models, List<Comparison> comparisons) {

  public SliceReport {
    models = EvaluationReport.orderedNested(models);
    comparisons = List.copyOf(comparisons);
  }
}
