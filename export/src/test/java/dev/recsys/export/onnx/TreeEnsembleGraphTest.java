package dev.recsys.export.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeEnsembleGraphTest {

  /** Two dense columns; sparse: an id (left out), a category (one-hot, 3 values), a bucket (ordinal). */
  private static final TreeFeatures FEATURES = TreeFeatures.of(2, List.of(TreeFeatures.Sparse.dropped("item_idx"),
      new TreeFeatures.Sparse("item_cat", TreeFeatures.Kind.ONE_HOT, 3),
      new TreeFeatures.Sparse("price_bucket", TreeFeatures.Kind.ORDINAL, 0)));

  /**
   * XGBoost's JSON layout: tree 0 splits on dense_0 < 0.5, then on item_cat=2 (feature 4, one-hot) < 1;
   * tree 1 splits on price_bucket (feature 5) < 3.
   */
  private static final String MODEL = """
      {"learner": {
        "learner_model_param": {"base_score": "[2.5E-1]", "num_class": "0", "num_target": "1"},
        "objective": {"name": "rank:ndcg"},
        "gradient_booster": {"name": "gbtree", "model": {"trees": [
          {"left_children": [1, -1, 3, -1, -1], "right_children": [2, -1, 4, -1, -1],
           "split_indices": [0, 0, 4, 0, 0], "split_conditions": [0.5, -0.125, 1.0, 0.25, 0.75],
           "default_left": [1, 0, 0, 0, 0], "categories_nodes": []},
          {"left_children": [1, -1, -1], "right_children": [2, -1, -1],
           "split_indices": [5, 0, 0], "split_conditions": [3.0, 0.0625, -0.5],
           "default_left": [0, 0, 0], "categories_nodes": []}]}}}}
      """;

  @Test
  void encodingOneHotsSmallCategoricalsAndDropsIds() {
    assertEquals(List.of("dense_0", "dense_1", "item_cat=0", "item_cat=1", "item_cat=2", "price_bucket"),
        FEATURES.features().stream().map(TreeFeatures.Feature::name).toList());
    float[] x = FEATURES.encode(new float[] {0.1f, 0.2f}, new long[] {99, 2, 4});
    assertEquals(List.of(0.1f, 0.2f, 0f, 0f, 1f, 4f), toList(x));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FEATURES.encode(new float[] {1}, new long[] {1, 2, 3}));
    assertTrue(e.getMessage().contains("expect 2 dense and 3 sparse values but received 1 and 3"), e.getMessage());
  }

  @Test
  void graphMatchesTheTreesOnEveryPath() throws Exception {
    XgbTrees model = XgbTrees.parse(MODEL.getBytes(StandardCharsets.UTF_8));
    assertEquals(0.25f, model.baseMargin());
    assertEquals("rank:ndcg", model.objective());
    // Rows reach every leaf, including values equal to a threshold (dense 0.5, bucket 3 go right).
    float[] dense = {0.1f, 0, 0.5f, 0, 0.9f, 0, 0.9f, 0};
    long[] sparse = {7, 0, 2, 7, 1, 3, 7, 2, 0, 7, 0, 9};
    float[] expected = {0.25f - 0.125f + 0.0625f, 0.25f + 0.25f - 0.5f, 0.25f + 0.75f + 0.0625f,
        0.25f + 0.25f - 0.5f};
    try (OnnxScorer scorer = OnnxScorer.open(TreeEnsembleGraph.xgbRanker(model, FEATURES), 1)) {
      Map<String, float[]> out = scorer.run(List.of(TensorInput.floats(TensorNames.DENSE, dense, 4, 2),
          TensorInput.longs(TensorNames.SPARSE, sparse, 4, 3)));
      for (int i = 0; i < 4; i++) {
        float[] d = {dense[2 * i], dense[2 * i + 1]};
        long[] s = {sparse[3 * i], sparse[3 * i + 1], sparse[3 * i + 2]};
        float java = model.margin(FEATURES.encode(d, s));
        assertEquals(expected[i], java, 1e-7, "plain-Java walk, row " + i);
        assertEquals(expected[i], out.get(TensorNames.RANK_SCORE)[i], 1e-6, "ONNX, row " + i);
        assertEquals(1 / (1 + Math.exp(-expected[i])), out.get(TensorNames.CLICK_PROB)[i], 1e-6);
      }
    }
  }

  @Test
  void splitsOnUnknownFeaturesAreRefused() {
    TreeFeatures narrow = TreeFeatures.of(2, List.of());
    XgbTrees model = XgbTrees.parse(MODEL.getBytes(StandardCharsets.UTF_8));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TreeEnsembleGraph.xgbRanker(model, narrow));
    assertTrue(e.getMessage().contains("splits on feature 4 but the model was trained on 2 features"),
        e.getMessage());
  }

  private static List<Float> toList(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return List.of(out);
  }
}
