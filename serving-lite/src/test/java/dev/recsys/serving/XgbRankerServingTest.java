package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.onnx.TreeEnsembleGraph;
import dev.recsys.export.onnx.TreeFeatures;
import dev.recsys.export.onnx.XgbTrees;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle whose ranker is an XGBoost tree ensemble (training.ranker: xgboost) loads and serves like the DLRM. */
class XgbRankerServingTest {

  @TempDir
  Path dir;

  @Test
  void aTreeEnsembleRankerIsLoadedAndRanks() throws Exception {
    FeatureArtifacts a = SyntheticBundles.artifacts(TestBundles.SPEC);
    int dense = FeatureSets.RANKING_V1.inputs().get(0).width();
    TreeFeatures features = TreeFeatures.of(dense, List.of(TreeFeatures.Sparse.dropped("item_idx"),
        new TreeFeatures.Sparse("item_cat", TreeFeatures.Kind.ONE_HOT, a.categories().size()),
        new TreeFeatures.Sparse("price_bucket", TreeFeatures.Kind.ORDINAL, 0),
        new TreeFeatures.Sparse("device", TreeFeatures.Kind.ONE_HOT, a.devices().size()),
        new TreeFeatures.Sparse("placement", TreeFeatures.Kind.ONE_HOT, a.placements().size())));
    int category2 = dense + 2;
    // Items of category index 2 first, then by the first dense feature.
    String model = """
        {"learner": {"learner_model_param": {"base_score": "[0E0]", "num_target": "1"},
          "objective": {"name": "rank:ndcg"},
          "gradient_booster": {"name": "gbtree", "model": {"trees": [
            {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [%d, 0, 0],
             "split_conditions": [1.0, -1.0, 1.0], "default_left": [0, 0, 0]},
            {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
             "split_conditions": [0.0, -0.25, 0.25], "default_left": [0, 0, 0]}]}}}}
        """.formatted(category2);
    Path ranker = dir.resolve("ranker_xgb.onnx");
    TreeEnsembleGraph.writeXgbRanker(XgbTrees.parse(model.getBytes(StandardCharsets.UTF_8)), features, ranker);

    String dlrm = TestBundles.publish(dir.resolve("bundles"), 1);
    try (TestServer server = new TestServer(dir, null, true)) {
      String xgb = TestBundles.publishWithRankerFile(server.bundles, dlrm, ranker);
      TestServer.Response reload = server.post("/admin/reload", "", TestServer.API_KEY);
      assertEquals(200, reload.status(), reload.text());
      int ranked = 0;
      for (int u = 1; u <= 10; u++) {
        TestServer.Response r = server.post("/recommend", "{\"user_id\":\"" + SyntheticBundles.userId(u)
            + "\",\"k\":10}");
        assertEquals(200, r.status(), r.text());
        assertEquals(xgb, r.body().get("metadata").get("model_version").asText());
        assertEquals(10, r.body().get("items").size(), r.text());
        assertTrue(r.body().get("items").get(0).get("reason").asText().startsWith("personalized"), r.text());
        if (r.body().get("metadata").get("variant").asText().equals("dlrm")) {
          ranked++;
        }
      }
      // The variant named dlrm ranks with the bundle's ranker.onnx, here the tree ensemble.
      assertTrue(ranked > 0, "no user of the first ten fell in the ranked variant");
    }
  }
}
