package dev.recsys.pipelines.export;

import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.training.DlrmModel;
import dev.recsys.training.ItemFeatures;
import dev.recsys.training.RankingScores;
import dev.recsys.training.SavedModels;
import dev.recsys.training.TwoTowerModel;
import dev.recsys.training.UserFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trained DJL models as the export's parity reference: the model inputs batched into the training module's
 * feature records and run through the DJL blocks. A two-tower ensemble's vectors are its members' vectors side by
 * side, each scaled by 1 / sqrt(members), as the exported towers give them ({@code OnnxGraphs.userTower(List)}).
 * Models handed to the constructor stay owned by the caller; models {@link #load}ed from a training run are closed
 * by {@link #close}.
 */
public final class DjlReference implements ReferenceModels, AutoCloseable {

  private final List<TwoTowerModel> twoTowers;
  private final DlrmModel ranker;
  private final boolean owned;

  /** Returns a reference over the trained models: the two-tower ensemble's members (one for a single model). */
  public DjlReference(List<TwoTowerModel> twoTowers, DlrmModel ranker) {
    this(twoTowers, ranker, false);
  }

  private DjlReference(List<TwoTowerModel> twoTowers, DlrmModel ranker, boolean owned) {
    if (twoTowers.isEmpty()) {
      throw new IllegalArgumentException("a reference needs at least one two-tower model");
    }
    this.twoTowers = List.copyOf(twoTowers);
    this.ranker = ranker;
    this.owned = owned;
  }

  /**
   * Returns the reference over the DJL models training saved under {@code modelsDir/djl}, or empty when the run
   * saved none there (models trained elsewhere, ONNX files only).
   */
  public static Optional<DjlReference> load(Path modelsDir) throws IOException {
    Path dir = modelsDir.resolve(TrainModelsJob.DJL_DIR);
    if (!SavedModels.exist(dir)) {
      return Optional.empty();
    }
    List<TwoTowerModel> twoTowers = SavedModels.loadTwoTowers(dir);
    try {
      return Optional.of(new DjlReference(twoTowers, SavedModels.loadDlrm(dir), true));
    } catch (IOException | RuntimeException e) {
      twoTowers.forEach(TwoTowerModel::close);
      throw e;
    }
  }

  /** Closes the models when this reference loaded them. */
  @Override
  public void close() {
    if (owned) {
      twoTowers.forEach(TwoTowerModel::close);
      ranker.close();
    }
  }

  @Override
  public String name() {
    return "djl";
  }

  @Override
  public float[] userVectors(List<ModelInputs.UserTower> users) {
    UserFeatures batch = OnnxModels.userBatch(users);
    return sideBySide(twoTowers.stream().map(m -> m.userVectors(batch)).toList(), users.size());
  }

  @Override
  public float[] itemVectors(List<ModelInputs.ItemTower> items) {
    ItemFeatures batch = OnnxModels.itemBatch(items);
    return sideBySide(twoTowers.stream().map(m -> m.itemVectors(batch)).toList(), items.size());
  }

  /** Returns the rows of each member's vectors [rows, D] side by side [rows, K * D], times 1 / sqrt(K). */
  static float[] sideBySide(List<float[]> members, int rows) {
    if (members.size() == 1) {
      return members.get(0);
    }
    int dim = members.get(0).length / Math.max(1, rows);
    int width = dim * members.size();
    float scale = (float) (1 / Math.sqrt(members.size()));
    float[] out = new float[rows * width];
    for (int m = 0; m < members.size(); m++) {
      float[] v = members.get(m);
      for (int r = 0; r < rows; r++) {
        for (int d = 0; d < dim; d++) {
          out[r * width + m * dim + d] = v[r * dim + d] * scale;
        }
      }
    }
    return out;
  }

  @Override
  public Map<String, float[]> rank(List<ModelInputs.Ranking> rows) {
    RankingScores scores = ranker.predict(OnnxModels.rankingBatch(rows));
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put(TensorNames.CLICK_PROB, scores.clickProb());
    if (scores.purchaseProb() != null) {
      out.put(TensorNames.PURCHASE_PROB, scores.purchaseProb());
    }
    return out;
  }
}
