package dev.recsys.pipelines.validate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one validation run, written as JSON under {@code reports/validation/} and printed as a summary.
 * {@code reasons} counts every reason a row had; {@code primaryReasons} counts each quarantined row once, by its
 * first reason, so it sums to {@code quarantined}.
 */
public record QualityReport(
    String runId,
    String runDate,
    List<String> batches,
    long rowsIn,
    long clean,
    long quarantined,
    double qualityRate,
    double minQualityRate,
    boolean passed,
    Map<String, Long> reasons,
    Map<String, Long> primaryReasons,
    List<VolumeCheck.Alert> volumeAlerts) {

  /** A one-screen summary for the console. */
  public String summary(String reportPath) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Validation %s (run %s, batches %s)%n", runDate, runId, batches));
    s.append(String.format(Locale.ROOT, "  rows in      %,12d%n", rowsIn));
    s.append(String.format(Locale.ROOT, "  clean        %,12d  quality %.2f%% (gate >= %.2f%%: %s)%n", clean,
        100 * qualityRate, 100 * minQualityRate, passed ? "PASS" : "FAIL"));
    s.append(String.format(Locale.ROOT, "  quarantined  %,12d%n", quarantined));
    primaryReasons.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> s.append(String.format(Locale.ROOT, "    %-20s %,10d%n", e.getKey(), e.getValue())));
    if (volumeAlerts.isEmpty()) {
      s.append("  volume: no day outside the trailing band\n");
    }
    for (VolumeCheck.Alert a : volumeAlerts) {
      s.append(String.format(Locale.ROOT, "  volume ALERT %s: %,d events, z=%.1f vs trailing mean %.0f +- %.0f%n",
          a.day(), a.count(), a.z(), a.trailingMean(), a.trailingStd()));
    }
    s.append("  report: ").append(reportPath).append('\n');
    return s.toString();
  }
}
