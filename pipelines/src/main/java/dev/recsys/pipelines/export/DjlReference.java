package dev.recsys.pipelines.export;

import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.training.DlrmModel;
import dev.recsys.training.ItemFeatures;
import dev.recsys.training.RankingFeatures;
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
    int n = users.size();
    int dd = users.get(0).dense().length;
    int hl = users.get(0).history().length;
    long[] idx = new long[n];
    float[] dense = new float[n * dd];
    long[] history = new long[n * hl];
    for (int r = 0; r < n; r++) {
      idx[r] = users.get(r).userIdx();
      System.arraycopy(users.get(r).dense(), 0, dense, r * dd, dd);
      System.arraycopy(users.get(r).history(), 0, history, r * hl, hl);
    }
    return twoTower.userVectors(new UserFeatures(idx, dense, dd, history, hl));
  }

  @Override
  public float[] itemVectors(List<ModelInputs.ItemTower> items) {
    int n = items.size();
    int dd = items.get(0).dense().length;
    int tl = items.get(0).tokens().length;
    long[] idx = new long[n];
    long[] cat = new long[n];
    float[] dense = new float[n * dd];
    long[] tokens = new long[n * tl];
    for (int r = 0; r < n; r++) {
      idx[r] = items.get(r).itemIdx();
      cat[r] = items.get(r).category();
      System.arraycopy(items.get(r).dense(), 0, dense, r * dd, dd);
      System.arraycopy(items.get(r).tokens(), 0, tokens, r * tl, tl);
    }
    return twoTower.itemVectors(new ItemFeatures(idx, cat, dense, dd, tokens, tl));
  }

  @Override
  public Map<String, float[]> rank(List<ModelInputs.Ranking> rows) {
    int n = rows.size();
    int dd = rows.get(0).dense().length;
    int sd = rows.get(0).sparse().length;
    float[] dense = new float[n * dd];
    long[] sparse = new long[n * sd];
    for (int r = 0; r < n; r++) {
      System.arraycopy(rows.get(r).dense(), 0, dense, r * dd, dd);
      System.arraycopy(rows.get(r).sparse(), 0, sparse, r * sd, sd);
    }
    RankingScores scores = ranker.predict(new RankingFeatures(dense, dd, sparse, sd));
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put(TensorNames.CLICK_PROB, scores.clickProb());
    if (scores.purchaseProb() != null) {
      out.put(TensorNames.PURCHASE_PROB, scores.purchaseProb());
    }
    return out;
  }
}
