package dev.recsys.pipelines.validate;

/** A run whose share of clean rows is below {@code validation.min_quality_rate}: nothing is published downstream. */
public final class QualityGateException extends RuntimeException {
  public QualityGateException(String message) {
    super(message);
  }
}
