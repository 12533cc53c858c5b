package dev.recsys.training.eval;

import java.time.LocalDate;

/**
 * What a report was computed on.
 *
 * @param runDate the pipeline run date the test split ends at
 * @param splitKind how train and test were split, e.g. {@code days} or {@code fraction}
 * @param evaluatedUsers users with at least one relevant item, the n of the ranking metrics
 * @param excludedUsers users left out for having no relevant items
 * @param catalogSize items in the catalogue, the denominator of coverage
 * @param bootstrapResamples resamples behind every interval
 * @param bootstrapSeed seed of the resampling
 */
public record ReportMetadata(
    LocalDate runDate,
    String splitKind,
    int evaluatedUsers,
    int excludedUsers,
    long catalogSize,
    int bootstrapResamples,
    long bootstrapSeed) {

  public ReportMetadata {
    if (runDate == null || splitKind == null || splitKind.isBlank()) {
      throw new IllegalArgumentException("run_date and split_kind must be set");
    }
  }
}
