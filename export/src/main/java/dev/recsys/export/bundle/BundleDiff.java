package dev.recsys.export.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether two bundles hold the same thing: the check that a pipeline run on a cluster publishes what the same run
 * publishes in local mode (bin/cluster-test), usable on any two bundles.
 *
 * <p>"The same" is, precisely:
 * <ul>
 *   <li>both bundles pass their own checksum verification, list the same files, and every file is byte-equal
 *       (models, snapshots, feature artifacts, vectors, FAISS index, popularity). No tolerance: every producer of
 *       these files is deterministic for given input data and config, whatever the partitioning;
 *   <li>the manifests agree on {@code format_version}, {@code version}, {@code created_at}, {@code feature_sets},
 *       {@code models} and {@code index} (including the measured recall: same index, same queries), exactly;
 *   <li>{@code source_run} agrees except for {@link #RUN_LOCATIONS}: the storage paths the run read, which name the
 *       run's own storage root;
 *   <li>{@code metrics} have the same names and agree within a relative {@link #METRIC_TOLERANCE}, except
 *       {@link #TIMING_SUFFIX} metrics (training throughput), which measure the machine, not the model, and are
 *       skipped. The tolerance exists because evaluation metrics are Spark aggregates over users and examples:
 *       doubles added in partition order, which differ in the last bits between partitionings (measured: 1.5e-15
 *       relative). 1e-9 is far above that noise and far below any real change of a model (a different ranker
 *       moved its metrics by 1e-2).
 * </ul>
 */
public final class BundleDiff {

  /** {@code source_run} fields that name where the run's storage was; they differ with the storage root. */
  public static final Set<String> RUN_LOCATIONS = Set.of("models_dir", "feature_dir");
  /** Metrics ending in this are throughput measurements, skipped. */
  public static final String TIMING_SUFFIX = "samplesPerSecond";
  /** Largest allowed |a - b| / max(|a|, |b|) of a metric. */
  public static final double METRIC_TOLERANCE = 1e-9;

  private BundleDiff() {}

  /**
   * What {@link #diff} found.
   *
   * @param files the files of the first bundle, all compared byte by byte
   * @param differences one line per difference; empty when the bundles are the same
   */
  public record Result(int files, List<String> differences) {

    public Result {
      differences = List.copyOf(differences);
    }

    public boolean same() {
      return differences.isEmpty();
    }
  }

  /**
   * Compares bundle {@code a} with bundle {@code b} in the sense of this class. Each argument is a bundle directory or a bundles root (then its current
   * bundle). Throws {@link BundleException} when either bundle cannot be opened or fails its checksums.
   */
  public static Result diff(Path a, Path b) throws IOException {
    Bundle x = open(a);
    Bundle y = open(b);
    Manifest m = x.manifest();
    Manifest n = y.manifest();
    List<String> out = new ArrayList<>();
    same(out, "format_version", m.formatVersion(), n.formatVersion());
    same(out, "version", m.version(), n.version());
    same(out, "created_at", m.createdAt(), n.createdAt());
    same(out, "feature_sets", m.featureSets(), n.featureSets());
    same(out, "models", m.models(), n.models());
    for (String key : union(m.index().keySet(), n.index().keySet())) {
      same(out, "index." + key, m.index().get(key), n.index().get(key));
    }
    for (String key : union(m.sourceRun().keySet(), n.sourceRun().keySet())) {
      if (!RUN_LOCATIONS.contains(key)) {
        same(out, "source_run." + key, m.sourceRun().get(key), n.sourceRun().get(key));
      }
    }
    for (String key : union(m.metrics().keySet(), n.metrics().keySet())) {
      Double u = m.metrics().get(key);
      Double v = n.metrics().get(key);
      if (u == null || v == null) {
        out.add("metric " + key + ": only in " + (u == null ? "the second" : "the first") + " bundle");
      } else if (!key.endsWith(TIMING_SUFFIX) && !close(u, v)) {
        out.add(String.format(Locale.ROOT, "metric %s: %s vs %s (relative difference %.3g > %.0e)", key, u, v,
            Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v)), METRIC_TOLERANCE));
      }
    }
    for (String file : union(m.files().keySet(), n.files().keySet())) {
      Manifest.FileEntry u = m.files().get(file);
      Manifest.FileEntry v = n.files().get(file);
      if (u == null || v == null) {
        out.add("file " + file + ": only in " + (u == null ? "the second" : "the first") + " bundle");
        continue;
      }
      long mismatch = Files.mismatch(x.file(file), y.file(file));
      if (mismatch >= 0) {
        out.add("file " + file + ": differs from byte " + mismatch + " (" + u.bytes() + " vs " + v.bytes()
            + " bytes, sha256 " + u.sha256() + " vs " + v.sha256() + ")");
      }
    }
    return new Result(m.files().size(), out);
  }

  static boolean close(double u, double v) {
    if (u == v) {
      return true;
    }
    return Math.abs(u - v) <= METRIC_TOLERANCE * Math.max(Math.abs(u), Math.abs(v));
  }

  private static void same(List<String> out, String field, Object u, Object v) {
    if (!Objects.equals(u, v)) {
      out.add(field + ": " + u + " vs " + v);
    }
  }

  private static Set<String> union(Set<String> u, Set<String> v) {
    Set<String> all = new TreeSet<>(u);
    all.addAll(v);
    return all;
  }

  /** Opens a bundle directory (it has a manifest) or the current bundle of a root, verifying every checksum. */
  private static Bundle open(Path path) throws IOException {
    Path dir = path.toAbsolutePath().normalize();
    if (Files.exists(dir.resolve(Manifest.FILE_NAME), LinkOption.NOFOLLOW_LINKS) && dir.getParent() != null) {
      return Bundles.open(dir.getParent(), dir.getFileName().toString(), Verification.CHECKSUMS);
    }
    return Bundles.openCurrent(dir, Verification.CHECKSUMS);
  }
}
