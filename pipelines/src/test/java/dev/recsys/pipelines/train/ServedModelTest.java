package dev.recsys.pipelines.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.bundle.BundleMetadata;
import dev.recsys.export.bundle.BundleVersion;
import dev.recsys.export.bundle.BundleWriter;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.pipelines.train.EvaluateModelsJob.PublishedMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality gate's reference follows the bundle {@code CURRENT} points at. */
class ServedModelTest {

  private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

  @TempDir Path root;

  @Test
  void theReferenceIsTheServedBundlesModelAndFollowsARollback() throws Exception {
    assertEquals("no bundle is served from " + root.resolve("none"), ServedModel.read(root.resolve("none")).none());
    Files.createDirectories(root);
    assertTrue(ServedModel.read(root).metrics().isEmpty(), "nothing published");

    String first = publish(1, run("2026-10-31", EvaluateModelsJob.TWO_TOWER_DLRM),
        metrics(EvaluateModelsJob.TWO_TOWER_DLRM, 0.20, EvaluateModelsJob.TWO_TOWER_XGB, 0.90));
    String second = publish(2, run("2026-11-01", EvaluateModelsJob.TWO_TOWER_XGB),
        metrics(EvaluateModelsJob.TWO_TOWER_DLRM, 0.10, EvaluateModelsJob.TWO_TOWER_XGB, 0.30));

    PublishedMetrics served = ServedModel.read(root).metrics().orElseThrow();
    assertEquals(new PublishedMetrics(second, "2026-11-01", EvaluateModelsJob.TWO_TOWER_XGB,
        Map.of("ndcg_at_10", 0.30, "recall_at_50", 0.60)), served, "the served model's values, not another's");

    Bundles.rollback(root);
    assertEquals(new PublishedMetrics(first, "2026-10-31", EvaluateModelsJob.TWO_TOWER_DLRM,
        Map.of("ndcg_at_10", 0.20, "recall_at_50", 0.40)), ServedModel.read(root).metrics().orElseThrow());
  }

  @Test
  void aRefreshedBundleServesItsParentsRunAndABundleWithoutEvaluationHasNoReference() throws Exception {
    Map<String, Object> refresh = new LinkedHashMap<>();
    refresh.put("slice_end", "2026-11-01T09:15:00Z");
    refresh.put("parent", "nightly");
    refresh.put(ServedModel.PARENT_SOURCE_RUN, run("2026-11-01", EvaluateModelsJob.TWO_TOWER_DLRM));
    String refreshed = publish(1, refresh, metrics(EvaluateModelsJob.TWO_TOWER_DLRM, 0.25,
        EvaluateModelsJob.TWO_TOWER_XGB, 0.5));
    assertEquals(new PublishedMetrics(refreshed, "2026-11-01", EvaluateModelsJob.TWO_TOWER_DLRM,
        Map.of("ndcg_at_10", 0.25, "recall_at_50", 0.50)), ServedModel.read(root).metrics().orElseThrow());

    String skipped = publish(2, run("2026-11-02", EvaluateModelsJob.TWO_TOWER_DLRM),
        Map.of("training.two_tower.samples_per_s", 1000.0));
    ServedModel.Reference none = ServedModel.read(root);
    assertTrue(none.metrics().isEmpty());
    assertEquals("the served bundle " + skipped + " records no evaluated model (exported without an evaluation)",
        none.none());
  }

  private static Map<String, Object> run(String runDate, String model) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put(ServedModel.RUN_DATE, runDate);
    run.put(ServedModel.EVALUATED_MODEL, model);
    return run;
  }

  /**
   * Evaluation entries as the export flattens them, for two models ({@code recall_at_50} twice the NDCG), with
   * their intervals and a slice's entry of the first model that must not be read as its own.
   */
  private static Map<String, Double> metrics(String a, double ndcgA, String b, double ndcgB) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> m : Map.of(a, ndcgA, b, ndcgB).entrySet()) {
      String prefix = "evaluation.models." + m.getKey() + ".";
      out.put(prefix + "ndcg_at_10.value", m.getValue());
      out.put(prefix + "ndcg_at_10.ci_low", m.getValue() - 0.01);
      out.put(prefix + "ndcg_at_10.n", 100.0);
      out.put(prefix + "recall_at_50.value", 2 * m.getValue());
    }
    out.put("evaluation.slices.cold_users.models." + a + ".ndcg_at_10.value", 0.01);
    return out;
  }

  private String publish(int second, Map<String, Object> sourceRun, Map<String, Double> metrics) throws Exception {
    String version = BundleVersion.of(T0.plusSeconds(second), "run" + second);
    try (BundleWriter w = BundleWriter.open(root, version, Clock.fixed(T0.plusSeconds(second), ZoneOffset.UTC))) {
      w.write("models/ranker.onnx", "not a model".getBytes(StandardCharsets.UTF_8));
      w.publish(new BundleMetadata(sourceRun, Map.of(), Map.of(), metrics, Map.of()), 5);
    }
    return version;
  }
}
