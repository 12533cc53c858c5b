package dev.recsys.pipelines.export;

import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.training.DlrmModel;
import dev.recsys.training.RankingScores;
import dev.recsys.training.SavedModels;
import dev.recsys.training.TwoTowerModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trained DJL models as the export's parity reference: the model inputs batched into the training module's
 * feature records and run through the DJL blocks. Models handed to the constructor stay owned by the caller;
 * models {@link #load}ed from a training run are closed by {@link #close}.
 */
public final class DjlReference implements ReferenceModels, AutoCloseable {

  private final TwoTowerModel twoTower;
  private final DlrmModel ranker;
  private final boolean owned;

  /** Returns a reference over the trained models. */
  public DjlReference(TwoTowerModel twoTower, DlrmModel ranker) {
    this(twoTower, ranker, false);
  }

  private DjlReference(TwoTowerModel twoTower, DlrmModel ranker, boolean owned) {
    this.twoTower = twoTower;
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
    TwoTowerModel twoTower = SavedModels.loadTwoTower(dir);
    try {
      return Optional.of(new DjlReference(twoTower, SavedModels.loadDlrm(dir), true));
    } catch (IOException | RuntimeException e) {
      twoTower.close();
      throw e;
    }
  }

  /** Closes the models when this reference loaded them. */
  @Override
  public void close() {
    if (owned) {
      twoTower.close();
      ranker.close();
    }
  }

  @Override
  public String name() {
    return "djl";
  }

  @Override
  public float[] userVectors(List<ModelInputs.UserTower> users) {
    return twoTower.userVectors(OnnxModels.userBatch(users));
  }

  @Override
  public float[] itemVectors(List<ModelInputs.ItemTower> items) {
    return twoTower.itemVectors(OnnxModels.itemBatch(items));
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
