package dev.recsys.export.bundle;

import dev.recsys.export.bundle.Manifest.ModelEntry;
import java.util.Map;
import java.util.Objects;

/**
 * What the caller of {@link BundleWriter#publish} says about a bundle; the writer adds the format version, the
 * version, the creation time and the file checksums to make the {@link Manifest}. Pass {@code Map.of()} for
 * anything a bundle does not have.
 *
 * @param sourceRun what produced the bundle: run date, run ids (free-form)
 * @param featureSets feature set name to version
 * @param models model name to entry; each entry's file must be added to the bundle
 * @param metrics evaluation metric name to a finite value
 * @param index the ANN index description, including its measured recall (free-form)
 */
public record BundleMetadata(
    Map<String, Object> sourceRun,
    Map<String, String> featureSets,
    Map<String, ModelEntry> models,
    Map<String, Double> metrics,
    Map<String, Object> index) {

  public BundleMetadata {
    Objects.requireNonNull(sourceRun, "sourceRun");
    Objects.requireNonNull(featureSets, "featureSets");
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(index, "index");
  }
}
