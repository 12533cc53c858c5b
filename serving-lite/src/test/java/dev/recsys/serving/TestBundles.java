package dev.recsys.serving;

import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.BundleMetadata;
import dev.recsys.export.bundle.BundleVersion;
import dev.recsys.export.bundle.BundleWriter;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Manifest;
import dev.recsys.export.bundle.Verification;
import java.io.IOException;
import java.nio.file.Path;
import dev.recsys.features.snapshot.ColumnSpec;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.snapshot.SnapshotWriter;
import dev.recsys.features.spec.FeatureSnapshots;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Tiny real bundles for tests: random-weight ONNX models, an exact FAISS index, snapshots, published. */
final class TestBundles {

  static final int USERS = 50;
  static final int ITEMS = 300;
  static final int CATEGORIES = 5;
  static final SyntheticBundles.Spec SPEC = new SyntheticBundles.Spec(USERS, ITEMS, CATEGORIES, 16, "IDMap,Flat", 7,
      System.currentTimeMillis() - 3_600_000L);
  private static final AtomicInteger SEQ = new AtomicInteger();

  private TestBundles() {}

  /** Publishes a bundle built from {@link #SPEC} with weights from {@code seed} and returns its version. */
  static String publish(Path root, long seed) throws IOException {
    SyntheticBundles.Spec spec = new SyntheticBundles.Spec(SPEC.users(), SPEC.items(), SPEC.categories(), SPEC.dim(),
        SPEC.indexFactory(), seed, SPEC.asOfMs());
    // Versions must increase: the same second with a growing sequence number sorts after the previous one.
    String version = BundleVersion.of(Instant.now(), String.format("t%04d", SEQ.incrementAndGet()));
    return SyntheticBundles.publish(root, version, spec, null);
  }

  /**
   * Publishes a copy of bundle {@code from} whose {@code ranker.onnx} is the bundle's file {@code rankerSource}
   * instead (a model with the wrong inputs), and returns its version.
   */
  static String publishWithRanker(Path root, String from, String rankerSource) throws IOException {
    Bundle source = Bundles.open(root, from, Verification.SIZES_ONLY);
    return publishCopy(root, source, Map.of(BundleLayout.RANKER, source.file(rankerSource)));
  }

  /** Publishes a copy of bundle {@code from} whose {@code ranker.onnx} is {@code ranker}; returns its version. */
  static String publishWithRankerFile(Path root, String from, Path ranker) throws IOException {
    return publishCopy(root, Bundles.open(root, from, Verification.SIZES_ONLY), Map.of(BundleLayout.RANKER, ranker));
  }

  /**
   * Publishes a copy of bundle {@code from} in which user {@code userId} has a {@code user_idx} beyond the user
   * tower's embedding table, so that scoring this user fails inside ONNX Runtime; returns its version.
   */
  static String publishWithBrokenUser(Path root, String from, String userId, Path scratch) throws IOException {
    Bundle source = Bundles.open(root, from, Verification.SIZES_ONLY);
    Path users = scratch.resolve(BundleLayout.USERS);
    try (Snapshot in = Snapshot.open(source.file(BundleLayout.USERS));
        SnapshotWriter out = SnapshotWriter.create(users, in.entity(), in.columns(), in.metadata())) {
      for (int row = 0; row < in.rows(); row++) {
        Object[] values = new Object[in.columns().size()];
        for (int c = 0; c < values.length; c++) {
          ColumnSpec col = in.columns().get(c);
          values[c] = switch (col.kind()) {
            case FLOAT -> in.getFloat(col.name(), row);
            case INT -> in.getInt(col.name(), row);
            case LONG -> in.getLong(col.name(), row);
            case FLOAT_VECTOR -> in.getVector(col.name(), row);
            case INT_LIST -> in.getIntList(col.name(), row);
            case STRING -> in.getString(col.name(), row);
          };
          if (col.name().equals(FeatureSnapshots.USER_IDX) && in.id(row).equals(userId)) {
            values[c] = 10_000_000;
          }
        }
        out.append(in.id(row), values);
      }
    }
    return publishCopy(root, source, Map.of(BundleLayout.USERS, users));
  }

  private static String publishCopy(Path root, Bundle source, Map<String, Path> replaced) throws IOException {
    String version = BundleVersion.of(Instant.now(), String.format("t%04d", SEQ.incrementAndGet()));
    try (BundleWriter w = BundleWriter.open(root, version, Clock.systemUTC())) {
      for (String file : source.manifest().files().keySet()) {
        w.copy(replaced.getOrDefault(file, source.file(file)), file);
      }
      Manifest m = source.manifest();
      w.publish(new BundleMetadata(m.sourceRun(), m.featureSets(), m.models(), m.metrics(), m.index()), 5);
    }
    return version;
  }

  /** Returns the category of an item id of these bundles. */
  static String category(String itemId) {
    return SyntheticBundles.category(SPEC, Integer.parseInt(itemId.substring(1)));
  }
}
