package dev.recsys.features.config;

import java.io.Serializable;

/** Thresholds of the validation job; every rejected row lands in quarantine with its reason. */
public record ValidationConfig(
    int futureSkewMinutes,
    int retentionDays,
    int botEventsPerDay,
    double minQualityRate,
    double volumeAlertZ,
    int volumeTrailingDays) implements Serializable {

  public ValidationConfig {
    Check.nonNegative("validation.future_skew_minutes", futureSkewMinutes);
    Check.positive("validation.retention_days", retentionDays);
    Check.positive("validation.bot_events_per_day", botEventsPerDay);
    Check.fraction("validation.min_quality_rate", minQualityRate, true);
    Check.positive("validation.volume_alert_z", volumeAlertZ);
    Check.positive("validation.volume_trailing_days", volumeTrailingDays);
  }
}
