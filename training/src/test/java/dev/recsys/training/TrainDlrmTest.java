package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainDlrmTest {

  private final SyntheticRankingData data = Fixtures.smallRanking();

  @Test
  void smokeTrainsTwoBatchesWithBothHeads() throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 1).withMaxBatches(2);
    TrainingResult<DlrmModel> result = TrainDlrm.train(Fixtures.smallDlrm(data, true), train, data.batches(64, 9, 2));
    try (DlrmModel model = result.model()) {
      assertEquals(2, result.batchesTrained());
      // Two BCE terms, each about log 2 for an untrained model.
      assertTrue(result.finalLoss() > 0.5 && result.finalLoss() < 3, "loss " + result.finalLoss());
      RankingScores scores = model.predict(data.sample(10, new Random(3)).features());
      assertEquals(10, scores.clickProb().length);
      assertEquals(10, scores.purchaseProb().length);
      for (float p : scores.clickProb()) {
        assertTrue(p > 0 && p < 1, "probability " + p);
      }
    }
  }

  @Test
  void withoutThePurchaseHeadThereAreNoPurchaseScores() throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 1).withMaxBatches(2);
    try (DlrmModel model = TrainDlrm.train(Fixtures.smallDlrm(data, false), train, data.batches(64, 2, 2)).model()) {
      assertNull(model.predict(data.sample(3, new Random(3)).features()).purchaseProb());
    }
  }

  @Test
  void thePurchaseHeadNeedsPurchaseLabels() {
    RankingBatch withLabels = data.sample(8, new Random(1));
    RankingBatch clicksOnly = new RankingBatch(withLabels.features(), withLabels.click(), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainDlrm.train(
        Fixtures.smallDlrm(data, true), TrainConfig.of(0.01f, 1, 8, 1), List.of(clicksOnly)));
    assertEquals("the DLRM has the purchase head but a batch has no purchase labels", e.getMessage());
  }

  @Test
  void aSparseIndexBeyondItsTableFailsNamingTheColumn() {
    RankingBatch good = data.sample(2, new Random(1));
    long[] sparse = good.features().sparse().clone();
    sparse[4] = 22; // row 1, column 1, whose table has 20 + 2 rows
    RankingBatch bad = new RankingBatch(new RankingFeatures(good.features().dense(), 5, sparse, 3), good.click(),
        good.purchase());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainDlrm.train(
        Fixtures.smallDlrm(data, false), TrainConfig.of(0.01f, 1, 8, 1), List.of(bad)));
    assertEquals("sparse column 1 holds index 22 but its table has 22 rows (0 padding, 1 oov)", e.getMessage());
  }

  @Test
  void bceOnLogitsIsStableForLargeLogits() throws Exception {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      float[] loss = ClickPurchaseLoss.bceWithLogits(
          m.create(new float[] {100f, -100f, 0f}), m.create(new float[] {1f, 1f, 0f})).toFloatArray();
      // (0 + 100 + log 2) / 3: the confident wrong row costs 100, not infinity.
      assertEquals((100 + Math.log(2)) / 3, loss[0], 1e-4);
    }
  }
}
