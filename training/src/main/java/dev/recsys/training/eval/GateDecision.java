package dev.recsys.training.eval;

/**
 * The quality gate's verdict on a candidate model.
 *
 * @param publishable whether the candidate may replace the published model
 * @param reason one line naming the metric, the values compared, the margin and the outcome, for logs and alerts
 */
public record GateDecision(boolean publishable, String reason) {}
