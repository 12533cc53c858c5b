package dev.recsys.features.config;

import java.io.Serializable;

/**
 * How the 15-minute refresh ingests a slice of landing batches and publishes an incremental bundle.
 *
 * @param sliceMinutes length of a slice: the refresh ending at T takes the event batches named
 *     {@code <source>-<yyyyMMddHHmm>} with a time in [T - slice, T)
 * @param attempts tries of each Delta commit that can conflict with the nightly run (MERGE into {@code events},
 *     the catalog upserts) and of taking the bundle root's lock, before the refresh fails
 * @param retryWaitMs wait before the second try; it doubles with each further try
 */
public record RefreshConfig(int sliceMinutes, int attempts, long retryWaitMs) implements Serializable {

  public RefreshConfig {
    Check.positive("refresh.slice_minutes", sliceMinutes);
    if (1440 % sliceMinutes != 0) {
      throw new IllegalArgumentException("refresh.slice_minutes must divide a day (1440 minutes), got "
          + sliceMinutes);
    }
    Check.positive("refresh.attempts", attempts);
    Check.positive("refresh.retry_wait_ms", retryWaitMs);
  }
}
