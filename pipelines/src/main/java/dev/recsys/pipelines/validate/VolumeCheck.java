package dev.recsys.pipelines.validate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.SortedMap;

/** Flags days whose event volume is far from the trailing mean; alerts go into the quality report. */
public final class VolumeCheck {

  /** A day whose count is {@code z} standard deviations from the mean of the days before it. */
  public record Alert(String day, long count, double trailingMean, double trailingStd, double z) {}

  /** Fewer trailing days than this give no verdict. */
  static final int MIN_TRAILING_DAYS = 7;

  private VolumeCheck() {}

  /**
   * Returns the days among {@code checkFrom..} whose count deviates from the mean of the up to
   * {@code trailingDays} days before it by more than {@code zThreshold} standard deviations. Days missing from
   * {@code daily} count as zero events once the series has started; days already alerted stay out of later
   * windows, so one spike does not hide the next anomaly.
   */
  public static List<Alert> alerts(SortedMap<LocalDate, Long> daily, LocalDate checkFrom, int trailingDays,
      double zThreshold) {
    List<Alert> out = new ArrayList<>();
    if (daily.isEmpty()) {
      return out;
    }
    LocalDate first = daily.firstKey();
    Set<LocalDate> alerted = new HashSet<>();
    for (LocalDate day = first; !day.isAfter(daily.lastKey()); day = day.plusDays(1)) {
      if (day.isBefore(checkFrom)) {
        continue;
      }
      List<Long> window = new ArrayList<>();
      for (LocalDate d = day.minusDays(trailingDays); d.isBefore(day); d = d.plusDays(1)) {
        if (!d.isBefore(first) && !alerted.contains(d)) {
          window.add(daily.getOrDefault(d, 0L));
        }
      }
      if (window.size() < MIN_TRAILING_DAYS) {
        continue;
      }
      double mean = window.stream().mapToLong(Long::longValue).average().orElse(0);
      double var = window.stream().mapToDouble(c -> (c - mean) * (c - mean)).sum() / (window.size() - 1);
      double std = Math.sqrt(var);
      long count = daily.getOrDefault(day, 0L);
      // A perfectly flat history: any change is an anomaly, no change is not.
      double z = std > 0 ? (count - mean) / std : (count == mean ? 0 : Double.POSITIVE_INFINITY);
      if (Math.abs(z) > zThreshold) {
        out.add(new Alert(day.toString(), count, mean, std, z));
        alerted.add(day);
      }
    }
    return out;
  }
}
