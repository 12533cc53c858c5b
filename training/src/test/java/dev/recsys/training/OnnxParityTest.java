package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.onnx.DlrmWeights;
import dev.recsys.export.onnx.OnnxGraphs;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorInput;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.TwoTowerWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported ONNX graphs, run by ONNX Runtime, must give what the DJL models give on the same inputs. */
class OnnxParityTest {

  private static final double TOLERANCE = 1e-5;

  @Test
  void towersMatchDjl(@TempDir Path dir) throws Exception {
    SyntheticTwoTowerData world = Fixtures.smallWorld();
    TwoTowerConfig config = world.config(8, List.of(16, 12), 6, 0.1f, 0.1f);
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 5).withMaxBatches(5);
    try (TwoTowerModel model = TrainTwoTower.train(config, train, world.batches(64, 5, 1)).model()) {
      TwoTowerWeights w = model.weights();
      TwoTowerBatch batch = world.sample(16, new Random(9));
      UserFeatures users = withEdgeCases(batch.users());
      ItemFeatures items = withEdgeCases(batch.items());

      Path userFile = dir.resolve("user_tower.onnx");
      OnnxGraphs.writeUserTower(List.of(w.user()), userFile);
      try (OnnxScorer scorer = OnnxScorer.open(userFile, 1)) {
        scorer.checkInputs(OnnxGraphs.userTowerInputs(w.user()));
        float[] onnx = scorer.run(List.of(
            TensorInput.longs(TensorNames.USER_IDX, users.userIdx(), users.size()),
            TensorInput.floats(TensorNames.USER_DENSE, users.dense(), users.size(), users.denseDim()),
            TensorInput.longs(TensorNames.HIST_ITEMS, users.history(), users.size(), users.historyLength())))
            .get(TensorNames.USER_VEC);
        assertClose(model.userVectors(users), onnx, "user_vec");
      }

      Path itemFile = dir.resolve("item_tower.onnx");
      OnnxGraphs.writeItemTower(List.of(w.item()), itemFile);
      try (OnnxScorer scorer = OnnxScorer.open(itemFile, 1)) {
        scorer.checkInputs(OnnxGraphs.itemTowerInputs(w.item()));
        float[] onnx = scorer.run(List.of(
            TensorInput.longs(TensorNames.ITEM_IDX, items.itemIdx(), items.size()),
            TensorInput.longs(TensorNames.ITEM_CAT, items.category(), items.size()),
            TensorInput.floats(TensorNames.ITEM_DENSE, items.dense(), items.size(), items.denseDim()),
            TensorInput.longs(TensorNames.ITEM_TOKENS, items.tokens(), items.size(), items.tokenLength())))
            .get(TensorNames.ITEM_VEC);
        assertClose(model.itemVectors(items), onnx, "item_vec");
      }
    }
  }

  @Test
  void dlrmMatchesDjlWithAndWithoutThePurchaseHead() throws Exception {
    SyntheticRankingData data = Fixtures.smallRanking();
    for (boolean purchaseHead : new boolean[] {false, true}) {
      DlrmConfig config = new DlrmConfig(5, data.cardinalities(), 4, List.of(8, 6), List.of(12, 7), purchaseHead);
      TrainConfig train = TrainConfig.of(0.01f, 1, 64, 5).withMaxBatches(5);
      try (DlrmModel model = TrainDlrm.train(config, train, data.batches(64, 5, 1)).model()) {
        DlrmWeights w = model.weights();
        assertEquals(purchaseHead, w.hasPurchaseHead());
        RankingFeatures f = data.sample(32, new Random(4)).features();
        f.sparse()[0] = 1; // an oov value
        RankingScores djl = model.predict(f);
        try (OnnxScorer scorer = OnnxScorer.open(OnnxGraphs.dlrm(w), 1)) {
          scorer.checkInputs(OnnxGraphs.dlrmInputs(w));
          Map<String, float[]> onnx = scorer.run(List.of(
              TensorInput.floats(TensorNames.DENSE, f.dense(), f.size(), f.denseDim()),
              TensorInput.longs(TensorNames.SPARSE, f.sparse(), f.size(), f.sparseDim())));
          assertClose(djl.clickProb(), onnx.get(TensorNames.CLICK_PROB), "click_prob");
          if (purchaseHead) {
            assertClose(djl.purchaseProb(), onnx.get(TensorNames.PURCHASE_PROB), "purchase_prob");
          } else {
            assertEquals(List.of(TensorNames.CLICK_PROB), scorer.outputNames());
          }
        }
      }
    }
  }

  /** Row 0 becomes an oov user with an all-padding history; row 1 gets an oov item in its history. */
  private static UserFeatures withEdgeCases(UserFeatures u) {
    long[] idx = u.userIdx().clone();
    long[] hist = u.history().clone();
    idx[0] = 1;
    java.util.Arrays.fill(hist, 0, u.historyLength(), 0L);
    hist[u.historyLength()] = 1;
    return new UserFeatures(idx, u.dense(), u.denseDim(), hist, u.historyLength());
  }

  /** Row 0 becomes a new (oov) item; row 1 loses all its tokens. */
  private static ItemFeatures withEdgeCases(ItemFeatures i) {
    long[] idx = i.itemIdx().clone();
    long[] tokens = i.tokens().clone();
    idx[0] = 1;
    java.util.Arrays.fill(tokens, i.tokenLength(), 2 * i.tokenLength(), 0L);
    return new ItemFeatures(idx, i.category(), i.dense(), i.denseDim(), tokens, i.tokenLength());
  }

  private static void assertClose(float[] djl, float[] onnx, String name) {
    assertEquals(djl.length, onnx.length, name + " length");
    double max = 0;
    for (int k = 0; k < djl.length; k++) {
      max = Math.max(max, Math.abs(djl[k] - onnx[k]));
    }
    assertTrue(max <= TOLERANCE, name + ": max |DJL - ONNX| = " + max + " > " + TOLERANCE);
  }
}
