package dev.recsys.training.eval;

/**
 * What a candidate model must achieve to be published.
 *
 * @param metric the deciding metric, e.g. {@code ndcg_at_10}; log-loss metrics are lower-better, all others
 *     higher-better
 * @param margin absolute margin, in the metric's own units, by which the candidate must beat each reference:
 *     {@code candidate > reference + margin} (lower-better: {@code candidate < reference - margin}). Absolute
 *     rather than relative so that the bar does not vanish when the reference is near 0; 0 means strictly better
 * @param requirePairedCi whether, when the report holds a paired comparison of candidate and reference on
 *     {@code metric}, the whole 95% interval of the difference must also clear the margin
 */
public record QualityGateConfig(String metric, double margin, boolean requirePairedCi) {

  public QualityGateConfig {
    if (metric == null || metric.isBlank()) {
      throw new IllegalArgumentException("quality_gate.metric must be set");
    }
    if (!(margin >= 0 && Double.isFinite(margin))) {
      throw new IllegalArgumentException("quality_gate.margin must be a finite number >= 0, got " + margin);
    }
  }
}
