package dev.recsys.pipelines.export;

import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.TreeFeatures;
import dev.recsys.export.onnx.XgbTrees;
import dev.recsys.features.spec.ModelInputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference of a bundle whose ranker is the XGBoost graph: the towers from another reference (the DJL
 * models), the ranker by walking the booster's own trees ({@code ranker_xgb.json}) in plain Java.
 */
final class XgbReference implements ReferenceModels {

  private final ReferenceModels towers;
  private final XgbTrees trees;
  private final TreeFeatures features;

  XgbReference(ReferenceModels towers, XgbTrees trees, TreeFeatures features) {
    this.towers = towers;
    this.trees = trees;
    this.features = features;
  }

  @Override
  public String name() {
    return towers.name() + " towers, xgboost trees";
  }

  @Override
  public float[] userVectors(List<ModelInputs.UserTower> users) {
    return towers.userVectors(users);
  }

  @Override
  public float[] itemVectors(List<ModelInputs.ItemTower> items) {
    return towers.itemVectors(items);
  }

  @Override
  public Map<String, float[]> rank(List<ModelInputs.Ranking> rows) {
    float[] score = new float[rows.size()];
    float[] prob = new float[rows.size()];
    for (int i = 0; i < score.length; i++) {
      score[i] = trees.margin(features.encode(rows.get(i).dense(), rows.get(i).sparse()));
      prob[i] = (float) (1 / (1 + Math.exp(-score[i])));
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put(TensorNames.RANK_SCORE, score);
    out.put(TensorNames.CLICK_PROB, prob);
    return out;
  }
}
