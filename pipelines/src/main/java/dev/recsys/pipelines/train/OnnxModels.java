package dev.recsys.pipelines.train;

import ai.onnxruntime.OrtException;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorInput;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.spec.ModelInputs;
import java.nio.file.Path;
import java.util.List;

/**
 * The exported models of one run, scored through ONNX Runtime: what is evaluated is exactly what serving loads.
 * Not thread-safe; close it to free the sessions.
 */
final class OnnxModels implements AutoCloseable {

  /** Rows per ONNX call, so a whole catalogue is scored in a few calls of bounded memory. */
  private static final int CHUNK = 4096;

  private final OnnxScorer userTower;
  private final OnnxScorer itemTower;
  private final OnnxScorer ranker;
  /** The XGBoost ranker, or null when the model folder has none. */
  private final OnnxScorer xgbRanker;

  private OnnxModels(OnnxScorer userTower, OnnxScorer itemTower, OnnxScorer ranker, OnnxScorer xgbRanker) {
    this.userTower = userTower;
    this.itemTower = itemTower;
    this.ranker = ranker;
    this.xgbRanker = xgbRanker;
  }

  /**
   * Opens {@code user_tower.onnx}, {@code item_tower.onnx}, {@code ranker.onnx} and, when there is one,
   * {@code ranker_xgb.onnx} of a model folder.
   */
  static OnnxModels open(Path dir) throws OrtException {
    OnnxScorer user = OnnxScorer.open(dir.resolve(TrainModelsJob.USER_TOWER_FILE), 1);
    OnnxScorer item = OnnxScorer.open(dir.resolve(TrainModelsJob.ITEM_TOWER_FILE), 1);
    OnnxScorer rank = OnnxScorer.open(dir.resolve(TrainModelsJob.RANKER_FILE), 1);
    Path xgb = dir.resolve(XgbRanker.ONNX_FILE);
    return new OnnxModels(user, item, rank, java.nio.file.Files.exists(xgb) ? OnnxScorer.open(xgb, 1) : null);
  }

  /** Returns whether the folder had an XGBoost ranker. */
  boolean hasXgbRanker() {
    return xgbRanker != null;
  }

  /** Returns the user vectors of {@code users}, row-major [B, D]. */
  float[][] userVectors(List<ModelInputs.UserTower> users) throws OrtException {
    float[][] out = new float[users.size()][];
    for (int start = 0; start < users.size(); start += CHUNK) {
      List<ModelInputs.UserTower> chunk = users.subList(start, Math.min(users.size(), start + CHUNK));
      int b = chunk.size();
      int du = chunk.get(0).dense().length;
      int h = chunk.get(0).history().length;
      long[] idx = new long[b];
      float[] dense = new float[b * du];
      long[] hist = new long[b * h];
      for (int i = 0; i < b; i++) {
        idx[i] = chunk.get(i).userIdx();
        System.arraycopy(chunk.get(i).dense(), 0, dense, i * du, du);
        System.arraycopy(chunk.get(i).history(), 0, hist, i * h, h);
      }
      float[] v = userTower.run(List.of(TensorInput.longs(TensorNames.USER_IDX, idx, b),
          TensorInput.floats(TensorNames.USER_DENSE, dense, b, du),
          TensorInput.longs(TensorNames.HIST_ITEMS, hist, b, h))).get(TensorNames.USER_VEC);
      split(v, b, out, start);
    }
    return out;
  }

  /** Returns the item vectors of {@code items}, one array per item. */
  float[][] itemVectors(List<ModelInputs.ItemTower> items) throws OrtException {
    float[][] out = new float[items.size()][];
    for (int start = 0; start < items.size(); start += CHUNK) {
      List<ModelInputs.ItemTower> chunk = items.subList(start, Math.min(items.size(), start + CHUNK));
      int b = chunk.size();
      int di = chunk.get(0).dense().length;
      int t = chunk.get(0).tokens().length;
      long[] idx = new long[b];
      long[] cat = new long[b];
      float[] dense = new float[b * di];
      long[] tokens = new long[b * t];
      for (int i = 0; i < b; i++) {
        idx[i] = chunk.get(i).itemIdx();
        cat[i] = chunk.get(i).category();
        System.arraycopy(chunk.get(i).dense(), 0, dense, i * di, di);
        System.arraycopy(chunk.get(i).tokens(), 0, tokens, i * t, t);
      }
      float[] v = itemTower.run(List.of(TensorInput.longs(TensorNames.ITEM_IDX, idx, b),
          TensorInput.longs(TensorNames.ITEM_CAT, cat, b),
          TensorInput.floats(TensorNames.ITEM_DENSE, dense, b, di),
          TensorInput.longs(TensorNames.ITEM_TOKENS, tokens, b, t))).get(TensorNames.ITEM_VEC);
      split(v, b, out, start);
    }
    return out;
  }

  /** Returns the ranker's click probability of each candidate. */
  float[] clickProbabilities(List<ModelInputs.Ranking> candidates) throws OrtException {
    return clickProbabilities(ranker, candidates);
  }

  /** Returns the XGBoost ranker's {@code click_prob} (sigmoid of its ranking score) of each candidate. */
  float[] xgbProbabilities(List<ModelInputs.Ranking> candidates) throws OrtException {
    if (xgbRanker == null) {
      throw new IllegalStateException("the model folder has no " + XgbRanker.ONNX_FILE);
    }
    return clickProbabilities(xgbRanker, candidates);
  }

  private static float[] clickProbabilities(OnnxScorer ranker, List<ModelInputs.Ranking> candidates)
      throws OrtException {
    float[] out = new float[candidates.size()];
    for (int start = 0; start < candidates.size(); start += CHUNK) {
      List<ModelInputs.Ranking> chunk = candidates.subList(start, Math.min(candidates.size(), start + CHUNK));
      int b = chunk.size();
      int dd = chunk.get(0).dense().length;
      int ds = chunk.get(0).sparse().length;
      float[] dense = new float[b * dd];
      long[] sparse = new long[b * ds];
      for (int i = 0; i < b; i++) {
        System.arraycopy(chunk.get(i).dense(), 0, dense, i * dd, dd);
        System.arraycopy(chunk.get(i).sparse(), 0, sparse, i * ds, ds);
      }
      float[] p = ranker.run(List.of(TensorInput.floats(TensorNames.DENSE, dense, b, dd),
          TensorInput.longs(TensorNames.SPARSE, sparse, b, ds))).get(TensorNames.CLICK_PROB);
      System.arraycopy(p, 0, out, start, b);
    }
    return out;
  }

  private static void split(float[] flat, int rows, float[][] out, int offset) {
    int d = flat.length / rows;
    for (int i = 0; i < rows; i++) {
      float[] row = new float[d];
      System.arraycopy(flat, i * d, row, 0, d);
      out[offset + i] = row;
    }
  }

  @Override
  public void close() throws OrtException {
    userTower.close();
    itemTower.close();
    ranker.close();
    if (xgbRanker != null) {
      xgbRanker.close();
    }
  }
}
