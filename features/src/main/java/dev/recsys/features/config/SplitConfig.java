package dev.recsys.features.config;

import java.io.Serializable;

/**
 * How clean events are split by time. {@code days}: train is [T-train_start_days, T-validation_start_days),
 * validation [T-validation_start_days, T-test_start_days), test [T-test_start_days, T), T the run date.
 * {@code fraction}: the latest {@code test_fraction} of events by time is test, the {@code validation_fraction}
 * before it validation, the rest train; for data whose timestamps are spread unevenly (MovieLens).
 * {@code user_fraction}: a per-user temporal holdout, each user's latest {@code test_fraction} of events is test
 * and the {@code validation_fraction} before them validation.
 */
public record SplitConfig(
    Mode mode,
    int trainStartDays,
    int validationStartDays,
    int testStartDays,
    double validationFraction,
    double testFraction) implements Serializable {

  public enum Mode { DAYS, FRACTION, USER_FRACTION }

  public SplitConfig {
    if (mode == null) {
      throw new IllegalArgumentException("split.mode must be one of days, fraction, user_fraction");
    }
    Check.positive("split.test_start_days", testStartDays);
    if (!(trainStartDays > validationStartDays && validationStartDays > testStartDays)) {
      throw new IllegalArgumentException("split needs train_start_days > validation_start_days > test_start_days, got "
          + trainStartDays + ", " + validationStartDays + ", " + testStartDays);
    }
    Check.fraction("split.validation_fraction", validationFraction, false);
    Check.fraction("split.test_fraction", testFraction, false);
    if (validationFraction + testFraction >= 1) {
      throw new IllegalArgumentException("split.validation_fraction + split.test_fraction must be < 1, got "
          + (validationFraction + testFraction));
    }
  }
}
