package dev.recsys.export.onnx;

import static dev.recsys.export.onnx.GraphBuilder.BATCH;
import static dev.recsys.export.onnx.GraphBuilder.floatsAttr;
import static dev.recsys.export.onnx.GraphBuilder.intAttr;
import static dev.recsys.export.onnx.GraphBuilder.intsAttr;
import static dev.recsys.export.onnx.GraphBuilder.stringAttr;
import static dev.recsys.export.onnx.GraphBuilder.stringsAttr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an XGBoost ranker as an ONNX graph with the DLRM's inputs ({@code dense}, {@code sparse}), so serving
 * scores it the same way: the raw inputs are concatenated (sparse cast to float32) and fed to one
 * {@code ai.onnx.ml.TreeEnsembleRegressor}; {@code rank_score} is the margin and {@code click_prob} its sigmoid
 * (monotone, so it orders candidates the same; not a calibrated probability for a ranking objective).
 */
public final class TreeEnsembleGraph {

  private static final String LEAF = "LEAF";
  private static final String LT = "BRANCH_LT";
  private static final String NEQ = "BRANCH_NEQ";

  private TreeEnsembleGraph() {}

  /** Returns the serialised graph of {@code model}, trained on rows encoded by {@code features}. */
  public static byte[] xgbRanker(XgbTrees model, TreeFeatures features) {
    GraphBuilder g = new GraphBuilder("xgb_ranker");
    g.input(TensorNames.DENSE, ElementType.FLOAT32, BATCH, features.denseWidth());
    g.input(TensorNames.SPARSE, ElementType.INT64, BATCH, features.sparseWidth());
    // Raw column r of the concatenation: dense columns first, then the sparse columns as numbers.
    String sparse = g.op("Cast", List.of(TensorNames.SPARSE), intAttr("to", 1));
    String x = g.op("Concat", List.of(TensorNames.DENSE, sparse), intAttr("axis", 1));

    List<Long> treeIds = new ArrayList<>();
    List<Long> nodeIds = new ArrayList<>();
    List<Long> featureIds = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    List<String> modes = new ArrayList<>();
    List<Long> trueIds = new ArrayList<>();
    List<Long> falseIds = new ArrayList<>();
    List<Long> missingTrue = new ArrayList<>();
    List<Long> targetTrees = new ArrayList<>();
    List<Long> targetNodes = new ArrayList<>();
    List<Float> weights = new ArrayList<>();
    for (int t = 0; t < model.trees().size(); t++) {
      XgbTrees.Tree tree = model.trees().get(t);
      for (int n = 0; n < tree.left().length; n++) {
        treeIds.add((long) t);
        nodeIds.add((long) n);
        if (tree.isLeaf(n)) {
          featureIds.add(0L);
          values.add(0f);
          modes.add(LEAF);
          trueIds.add(0L);
          falseIds.add(0L);
          missingTrue.add(0L);
          targetTrees.add((long) t);
          targetNodes.add((long) n);
          weights.add(tree.threshold()[n]);
          continue;
        }
        int f = tree.feature()[n];
        if (f < 0 || f >= features.width()) {
          throw new IllegalArgumentException("tree " + t + " node " + n + " splits on feature " + f + " but the "
              + "model was trained on " + features.width() + " features");
        }
        TreeFeatures.Feature feature = features.features().get(f);
        float threshold = tree.threshold()[n];
        int raw = feature.kind() == TreeFeatures.Kind.DENSE ? feature.column()
            : features.denseWidth() + feature.column();
        featureIds.add((long) raw);
        if (feature.kind() == TreeFeatures.Kind.ONE_HOT) {
          // XGBoost goes left when onehot < threshold; onehot is 1 exactly when raw == value.
          if (threshold > 0 && threshold <= 1) {
            modes.add(NEQ); // left unless raw == value
            values.add((float) feature.value());
          } else {
            modes.add(LT); // the same side for every row: raw < -inf never holds, raw < +inf always does
            values.add(threshold <= 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
          }
        } else {
          modes.add(LT);
          values.add(threshold);
        }
        trueIds.add((long) tree.left()[n]);
        falseIds.add((long) tree.right()[n]);
        missingTrue.add(tree.defaultLeft()[n] ? 1L : 0L);
      }
    }
    String scores = g.fresh("tree_scores");
    g.mlOpTo(scores, "TreeEnsembleRegressor", List.of(x), List.of(
        intAttr("n_targets", 1),
        stringAttr("aggregate_function", "SUM"),
        stringAttr("post_transform", "NONE"),
        floatsAttr("base_values", model.baseMargin()),
        intsAttr("nodes_treeids", longs(treeIds)),
        intsAttr("nodes_nodeids", longs(nodeIds)),
        intsAttr("nodes_featureids", longs(featureIds)),
        floatsAttr("nodes_values", floats(values)),
        stringsAttr("nodes_modes", modes),
        intsAttr("nodes_truenodeids", longs(trueIds)),
        intsAttr("nodes_falsenodeids", longs(falseIds)),
        intsAttr("nodes_missing_value_tracks_true", longs(missingTrue)),
        intsAttr("target_treeids", longs(targetTrees)),
        intsAttr("target_nodeids", longs(targetNodes)),
        intsAttr("target_ids", new long[targetTrees.size()]),
        floatsAttr("target_weights", floats(weights))));
    g.opTo(TensorNames.RANK_SCORE, "Reshape", List.of(scores, g.vector("batch_shape", -1)));
    g.output(TensorNames.RANK_SCORE, ElementType.FLOAT32, BATCH);
    g.opTo(TensorNames.CLICK_PROB, "Sigmoid", List.of(TensorNames.RANK_SCORE));
    g.output(TensorNames.CLICK_PROB, ElementType.FLOAT32, BATCH);
    return g.toModelBytes();
  }

  /** Writes {@link #xgbRanker} to {@code file}. */
  public static void writeXgbRanker(XgbTrees model, TreeFeatures features, Path file) throws IOException {
    Files.write(file, xgbRanker(model, features));
  }

  private static long[] longs(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] floats(List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }
}
