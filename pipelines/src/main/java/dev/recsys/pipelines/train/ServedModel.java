package dev.recsys.pipelines.train;

import dev.recsys.export.bundle.BundleException;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Manifest;
import dev.recsys.export.bundle.Verification;
import dev.recsys.pipelines.train.EvaluateModelsJob.PublishedMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The quality gate's reference: the evaluated metrics of the model being served, read from the manifest of the
 * bundle {@code CURRENT} points at. A rollback moves {@code CURRENT} and the reference with it; a refreshed bundle
 * carries its parent's run ({@link #PARENT_SOURCE_RUN}) and metrics. The export names the evaluated model a bundle
 * serves in its {@code source_run} ({@link #EVALUATED_MODEL}); its metrics are the manifest's
 * {@code evaluation.models.<model>.<metric>.value} entries.
 */
public final class ServedModel {

  /** The {@code source_run} key naming the model of the run's evaluation report that the bundle serves. */
  public static final String EVALUATED_MODEL = "evaluated_model";
  /** The {@code source_run} key of the run date. */
  public static final String RUN_DATE = "run_date";
  /** The {@code source_run} key under which a refreshed bundle keeps its parent's {@code source_run}. */
  public static final String PARENT_SOURCE_RUN = "parent_source_run";
  /** The prefix of the manifest metrics flattened from the run's evaluation report. */
  public static final String EVALUATION_METRICS = "evaluation";

  private static final String METRICS_PREFIX = EVALUATION_METRICS + ".models.";
  private static final String VALUE = ".value";

  /**
   * What the gate compares a candidate with.
   *
   * @param metrics the served model's metrics, if there is a served model with evaluated metrics
   * @param none why there are none, when {@code metrics} is empty
   */
  public record Reference(Optional<PublishedMetrics> metrics, String none) {

    static Reference of(PublishedMetrics metrics) {
      return new Reference(Optional.of(metrics), "");
    }

    static Reference none(String why) {
      return new Reference(Optional.empty(), why);
    }
  }

  private ServedModel() {}

  /**
   * Returns the metrics of the model served from {@code bundlesRoot}, or why there are none: nothing published, a
   * bundle this code cannot read (another format version), or one exported without an evaluation.
   */
  public static Reference read(Path bundlesRoot) {
    try {
      Optional<String> current = currentVersion(bundlesRoot);
      if (current.isEmpty()) {
        return Reference.none("no bundle is served from " + bundlesRoot);
      }
      Manifest manifest;
      try {
        manifest = Bundles.openCurrent(bundlesRoot, Verification.SIZES_ONLY).manifest();
      } catch (BundleException e) {
        return Reference.none("the served bundle " + current.get() + " cannot be read (" + e.getMessage() + ")");
      }
      return of(manifest).map(Reference::of).orElseGet(() -> Reference.none("the served bundle "
          + manifest.version() + " records no evaluated model (exported without an evaluation)"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the served bundle in " + bundlesRoot, e);
    }
  }

  /** Returns the version of the bundle served from {@code bundlesRoot}: empty before the first publish there. */
  public static Optional<String> currentVersion(Path bundlesRoot) throws IOException {
    return Files.isDirectory(bundlesRoot) ? Bundles.current(bundlesRoot) : Optional.empty();
  }

  /** Returns the evaluated metrics of the model {@code manifest}'s bundle serves, if it records them. */
  @SuppressWarnings("unchecked")
  static Optional<PublishedMetrics> of(Manifest manifest) {
    Map<String, Object> run = manifest.sourceRun();
    while (run != null && !run.containsKey(EVALUATED_MODEL)) {
      run = run.get(PARENT_SOURCE_RUN) instanceof Map<?, ?> parent ? (Map<String, Object>) parent : null;
    }
    if (run == null) {
      return Optional.empty();
    }
    String model = String.valueOf(run.get(EVALUATED_MODEL));
    String prefix = METRICS_PREFIX + model + ".";
    Map<String, Double> metrics = new TreeMap<>();
    manifest.metrics().forEach((key, value) -> {
      if (key.startsWith(prefix) && key.endsWith(VALUE) && key.indexOf('.', prefix.length()) == key.length()
          - VALUE.length()) {
        metrics.put(key.substring(prefix.length(), key.length() - VALUE.length()), value);
      }
    });
    return metrics.isEmpty() ? Optional.empty()
        : Optional.of(new PublishedMetrics(manifest.version(), String.valueOf(run.get(RUN_DATE)), model, metrics));
  }
}
