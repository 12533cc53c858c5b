package dev.recsys.export.bundle;

import static dev.recsys.export.bundle.Fixtures.CLOCK;
import static dev.recsys.export.bundle.Fixtures.INDEX;
import static dev.recsys.export.bundle.Fixtures.RANKER;
import static dev.recsys.export.bundle.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.bundle.Manifest.ModelEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bundles are the same when every file is byte-equal and the manifests agree, except the run's storage paths,
 * throughput metrics, and metrics within 1e-9 relative; everything else that differs is reported.
 */
class BundleDiffTest {

  @TempDir
  Path dir;

  /** The same run published under {@code root}: its storage paths and throughput name the run, not the model. */
  private static final class Run {
    String storage = "/lake-a";
    double samplesPerSecond = 2102.4;
    double ndcg = 0.31;
    double recall = 0.9931;
    byte[] index = "hnsw graph".getBytes(StandardCharsets.UTF_8);
    Map<String, String> extra = new LinkedHashMap<>();

    Path publish(Path root) throws IOException {
      try (BundleWriter w = BundleWriter.open(root, version(1), CLOCK)) {
        w.write(RANKER, "ranker weights".getBytes(StandardCharsets.UTF_8));
        w.write(INDEX, index);
        for (Map.Entry<String, String> e : extra.entrySet()) {
          w.write(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> sourceRun = new LinkedHashMap<>();
        sourceRun.put("run_date", "2026-11-22");
        sourceRun.put("models_dir", storage + "/models/2026-11-22");
        sourceRun.put("feature_dir", storage + "/features/retrieval_v1/2026-11-22");
        sourceRun.put("ranker", "dlrm (ranker.onnx)");
        w.publish(new BundleMetadata(sourceRun, Map.of("ranking_v1", "3"),
            Map.of("ranker", new ModelEntry(RANKER, "onnx", Map.of("dense", "float32 [?, 23]"), Map.of())),
            Map.of("evaluation.ndcg_at_10.value", ndcg, "training.ranker.samplesPerSecond", samplesPerSecond),
            Map.of("factory", "HNSW32", "recall", recall)), 10);
      }
      return root;
    }
  }

  private String out;
  private String err;

  private int cli(Path a, Path b) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = BundleCli.run(List.of("diff", a.toString(), b.toString()),
        new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  @Test
  void sameRunOnOtherStorageIsEqualWhetherGivenRootsOrBundleDirectories() throws Exception {
    Run local = new Run();
    Run cluster = new Run();
    cluster.storage = "hdfs:///recsys";
    cluster.samplesPerSecond = 11851.9;
    cluster.ndcg = 0.31 + 1e-15;
    Path a = local.publish(dir.resolve("local"));
    Path b = cluster.publish(dir.resolve("cluster"));

    BundleDiff.Result r = BundleDiff.diff(a, b);
    assertEquals(List.of(), r.differences());
    assertEquals(2, r.files());
    assertTrue(BundleDiff.diff(a.resolve(version(1)), b.resolve(version(1))).same());
    assertEquals(0, cli(a, b));
    assertTrue(out.startsWith("bundles equal: 2 files byte-equal, manifests equal except source_run [feature_dir,"
        + " models_dir] and *samplesPerSecond metrics"), out);
  }

  @Test
  void reportsEveryFileAndManifestDifference() throws Exception {
    Run local = new Run();
    local.extra.put("only_local.json", "{}");
    Run cluster = new Run();
    cluster.index = "hnsw grAph".getBytes(StandardCharsets.UTF_8);
    cluster.ndcg = 0.32;
    cluster.recall = 0.9932;
    Path a = local.publish(dir.resolve("local"));
    Path b = cluster.publish(dir.resolve("cluster"));

    List<String> d = BundleDiff.diff(a, b).differences();
    assertEquals(4, d.size(), d.toString());
    assertEquals("index.recall: 0.9931 vs 0.9932", d.get(0));
    assertTrue(d.get(1).startsWith("metric evaluation.ndcg_at_10.value: 0.31 vs 0.32 (relative difference 0.031"),
        d.get(1));
    assertTrue(d.get(2).startsWith("file index.faiss: differs from byte 7 (10 vs 10 bytes, sha256 "), d.get(2));
    assertEquals("file only_local.json: only in the first bundle", d.get(3));
    assertEquals(1, cli(a, b));
    assertTrue(out.startsWith("bundles differ (4):\n  index.recall: 0.9931 vs 0.9932\n"), out);
  }

  @Test
  void aTamperedFileFailsVerificationBeforeAnyComparison() throws Exception {
    Path a = new Run().publish(dir.resolve("local"));
    Path b = new Run().publish(dir.resolve("cluster"));
    Files.writeString(b.resolve(version(1)).resolve(RANKER), "ranker weightz");
    assertThrows(BundleException.class, () -> BundleDiff.diff(a, b));
    assertEquals(1, cli(a, b));
    assertTrue(err.startsWith("bundle diff: bundle " + version(1) + ": file " + RANKER + " has sha256 "), err);
    assertEquals(1, cli(a, dir.resolve("missing")));
    assertEquals(1, err.split("\n").length, err);
  }
}
