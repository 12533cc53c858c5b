package dev.recsys.export.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.recsys.export.bundle.Manifest.ModelEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Bundles built in code for the tests: file contents are derived from the version, so mixing shows. */
final class Fixtures {

  static final Instant T0 = Instant.parse("2026-11-22T03:15:00Z");
  static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  static final String RANKER = "models/ranker.onnx";
  static final String INDEX = "index.faiss";

  private Fixtures() {}

  /** Returns the version made {@code second} seconds after {@link #T0}. */
  static String version(long second) {
    return BundleVersion.of(T0.plusSeconds(second), "run" + second);
  }

  /** Returns metadata with one ONNX ranker stored as {@link #RANKER}. */
  static BundleMetadata metadata() {
    return new BundleMetadata(
        Map.of("run_date", "2026-11-22", "run_id", "manual_1"),
        Map.of("ranking_v1", "3"),
        Map.of("ranker", new ModelEntry(RANKER, "onnx", Map.of("user_dense", List.of(-1, 12)),
            Map.of("score", List.of(-1)))),
        Map.of("ndcg_at_10", 0.31),
        Map.of("kind", "flat_ip", "recall_at_100", 0.97));
  }

  /**
   * Publishes {@code version} with the ranker, the index and {@code extraFiles} feature files, each of
   * {@code bytes} bytes, keeping {@code keep} bundles; returns the manifest.
   */
  static Manifest publish(Path root, String version, int extraFiles, int bytes, int keep) throws IOException {
    try (BundleWriter w = BundleWriter.open(root, version, CLOCK)) {
      w.write(RANKER, content(version, RANKER, bytes));
      w.write(INDEX, content(version, INDEX, bytes));
      for (int i = 0; i < extraFiles; i++) {
        String name = "features/part-" + i + ".bin";
        w.write(name, content(version, name, bytes));
      }
      return w.publish(metadata(), keep);
    }
  }

  /** Publishes a small bundle {@code version}, keeping 10 bundles. */
  static Manifest publish(Path root, String version) throws IOException {
    return publish(root, version, 2, 100, 10);
  }

  /** Returns the content of file {@code name} in bundle {@code version}: its names repeated to {@code bytes}. */
  static byte[] content(String version, String name, int bytes) {
    byte[] unit = (version + " " + name + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      out[i] = unit[i % unit.length];
    }
    return out;
  }

  /** Asserts every file of {@code bundle} holds the content {@link #publish} wrote for its version. */
  static void assertContentOfOwnVersion(Bundle bundle) throws IOException {
    for (Map.Entry<String, Manifest.FileEntry> f : bundle.manifest().files().entrySet()) {
      assertArrayEquals(content(bundle.version(), f.getKey(), (int) f.getValue().bytes()),
          Files.readAllBytes(bundle.file(f.getKey())), "content of " + f.getKey() + " in " + bundle.version());
    }
  }
}
