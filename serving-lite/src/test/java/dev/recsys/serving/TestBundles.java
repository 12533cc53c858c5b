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
import java.time.Clock;
import java.time.Instant;
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
    String version = BundleVersion.of(Instant.now(), String.format("t%04d", SEQ.incrementAndGet()));
    Bundle source = Bundles.open(root, from, Verification.SIZES_ONLY);
    try (BundleWriter w = BundleWriter.open(root, version, Clock.systemUTC())) {
      for (String file : source.manifest().files().keySet()) {
        w.copy(source.file(file.equals(BundleLayout.RANKER) ? rankerSource : file), file);
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
