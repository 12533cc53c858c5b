package dev.recsys.pipelines.train;

import ai.onnxruntime.OrtException;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.export.OnnxModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The exported models of one run, scored through ONNX Runtime in chunks ({@link OnnxModels} builds each feed):
 * what is evaluated is exactly what serving loads. Not thread-safe; close it to free the sessions.
 */
final class RunModels implements AutoCloseable {

  /** Rows per ONNX call, so a whole catalogue is scored in a few calls of bounded memory. */
  private static final int CHUNK = 4096;

  private final OnnxScorer userTower;
  private final OnnxScorer itemTower;
  private final OnnxScorer ranker;
  /** The XGBoost ranker, or null when the model folder has none. */
  private final OnnxScorer xgbRanker;

  private RunModels(OnnxScorer userTower, OnnxScorer itemTower, OnnxScorer ranker, OnnxScorer xgbRanker) {
    this.userTower = userTower;
    this.itemTower = itemTower;
    this.ranker = ranker;
    this.xgbRanker = xgbRanker;
  }

  /**
   * Opens {@code user_tower.onnx}, {@code item_tower.onnx}, {@code ranker.onnx} and, when there is one,
   * {@code ranker_xgb.onnx} of a model folder.
   */
  static RunModels open(Path dir) throws OrtException {
    OnnxScorer user = OnnxScorer.open(dir.resolve(TrainModelsJob.USER_TOWER_FILE), 1);
    OnnxScorer item = OnnxScorer.open(dir.resolve(TrainModelsJob.ITEM_TOWER_FILE), 1);
    OnnxScorer rank = OnnxScorer.open(dir.resolve(TrainModelsJob.RANKER_FILE), 1);
    Path xgb = dir.resolve(XgbRanker.ONNX_FILE);
    return new RunModels(user, item, rank, java.nio.file.Files.exists(xgb) ? OnnxScorer.open(xgb, 1) : null);
  }

  /** Returns whether the folder had an XGBoost ranker. */
  boolean hasXgbRanker() {
    return xgbRanker != null;
  }

  /** Returns the user vectors of {@code users}, one array per user. */
  float[][] userVectors(List<ModelInputs.UserTower> users) throws OrtException {
    return vectors(users, chunk -> OnnxModels.userVectors(userTower, chunk));
  }

  /** Returns the item vectors of {@code items}, one array per item. */
  float[][] itemVectors(List<ModelInputs.ItemTower> items) throws OrtException {
    return itemVectors(itemTower, items);
  }

  /** Returns the vectors {@code tower} (an ONNX item tower) gives {@code items}, one array per item. */
  static float[][] itemVectors(OnnxScorer tower, List<ModelInputs.ItemTower> items) throws OrtException {
    return vectors(items, chunk -> OnnxModels.itemVectors(tower, chunk));
  }

  /** One ONNX run on a chunk of rows, returning their vectors row-major. */
  private interface Tower<T> {
    float[] run(List<T> chunk) throws OrtException;
  }

  /** Returns {@code tower}'s vectors of {@code rows}, one array per row, {@link #CHUNK} rows per run. */
  private static <T> float[][] vectors(List<T> rows, Tower<T> tower) throws OrtException {
    float[][] out = new float[rows.size()][];
    for (int start = 0; start < rows.size(); start += CHUNK) {
      List<T> chunk = rows.subList(start, Math.min(rows.size(), start + CHUNK));
      float[] flat = tower.run(chunk);
      int d = flat.length / chunk.size();
      for (int i = 0; i < chunk.size(); i++) {
        out[start + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
      }
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
      System.arraycopy(OnnxModels.rank(ranker, chunk).get(TensorNames.CLICK_PROB), 0, out, start, chunk.size());
    }
    return out;
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
