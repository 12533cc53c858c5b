package dev.recsys.export.bundle;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The contents of {@code manifest.json}: what a bundle holds and where it came from. Field names are written in
 * snake_case ({@code format_version}, {@code created_at}, ...); reading rejects unknown fields.
 *
 * <p>{@code files} lists every file of the bundle except {@code manifest.json} itself, by path relative to the
 * bundle directory with {@code /} separators. {@code source_run}, {@code index} and the models' {@code inputs}
 * and {@code outputs} are free-form JSON objects kept in their given order; the named maps are sorted by name.
 *
 * @param formatVersion version of this layout, {@link #FORMAT_VERSION} for bundles written by this code
 * @param version the bundle version, also the name of its directory (see {@link BundleVersion})
 * @param createdAt when the bundle was published
 * @param sourceRun what produced the bundle: run date, run ids
 * @param featureSets feature set name to its version ({@code ranking_v1 -> 3})
 * @param models model name to its file and description
 * @param metrics evaluation metric name to value
 * @param index the ANN index description, including its measured recall
 * @param files relative path to checksum and size
 */
public record Manifest(
    int formatVersion,
    String version,
    Instant createdAt,
    Map<String, Object> sourceRun,
    Map<String, String> featureSets,
    Map<String, ModelEntry> models,
    Map<String, Double> metrics,
    Map<String, Object> index,
    Map<String, FileEntry> files) {

  /**
   * The {@code format_version} this code writes and the only one it reads. 2: the users snapshot lists every item a
   * user touched ({@code seen_rows}) where 1 had the rows of the latest history only ({@code history_rows}).
   */
  public static final int FORMAT_VERSION = 2;

  /** The manifest's file name inside a bundle directory. */
  public static final String FILE_NAME = "manifest.json";

  public Manifest {
    BundleVersion.check(version);
    Objects.requireNonNull(createdAt, "created_at");
    sourceRun = freeForm("source_run", sourceRun);
    featureSets = sorted("feature_sets", featureSets);
    models = sorted("models", models);
    metrics = sorted("metrics", metrics);
    index = freeForm("index", index);
    files = sorted("files", files);
    featureSets.forEach((name, v) -> {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("feature set " + name + " needs a version");
      }
    });
    metrics.forEach((name, v) -> {
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException("metric " + name + " must be a finite number, got " + v);
      }
    });
    for (String path : files.keySet()) {
      BundlePaths.checkRelative(path);
    }
    for (Map.Entry<String, ModelEntry> m : models.entrySet()) {
      if (!files.containsKey(m.getValue().file())) {
        throw new IllegalArgumentException("model " + m.getKey() + " names file " + m.getValue().file()
            + " which is not among the bundle's files");
      }
    }
  }

  /** Returns the total size of the listed files in bytes. */
  public long totalBytes() {
    return files.values().stream().mapToLong(FileEntry::bytes).sum();
  }

  /**
   * One model of the bundle.
   *
   * @param file the model file, a key of {@link Manifest#files()}
   * @param kind what reads it, for example {@code onnx} or {@code xgboost}
   * @param inputs free-form description of the inputs (names, types, shapes)
   * @param outputs free-form description of the outputs
   */
  public record ModelEntry(String file, String kind, Map<String, Object> inputs, Map<String, Object> outputs) {

    public ModelEntry {
      BundlePaths.checkRelative(file);
      if (kind == null || kind.isBlank()) {
        throw new IllegalArgumentException("model file " + file + " needs a kind");
      }
      inputs = freeForm("inputs", inputs);
      outputs = freeForm("outputs", outputs);
    }
  }

  /**
   * The expected content of one file.
   *
   * @param sha256 SHA-256 of the content, 64 lower-case hex digits
   * @param bytes the size in bytes
   */
  public record FileEntry(String sha256, long bytes) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public FileEntry {
      if (sha256 == null || !SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
      }
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
      }
    }
  }

  private static <V> Map<String, V> sorted(String field, Map<String, V> map) {
    return Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(map, field)));
  }

  // Free-form objects keep their order (model inputs are listed in model order); values may be JSON null.
  private static Map<String, Object> freeForm(String field, Map<String, Object> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map, field)));
  }
}
