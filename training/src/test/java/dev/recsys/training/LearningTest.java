package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.training.eval.RankerMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both models learn real structure from synthetic data, judged on held-out samples. */
class LearningTest {

  @Test
  void twoTowerLowersTheLossAndRetrievesFarBetterThanRandom() throws Exception {
    SyntheticTwoTowerData world = new SyntheticTwoTowerData(
        new SyntheticTwoTowerData.Sizes(500, 200, 10, 20, 100, 10, 5, 8, 8, 0.8f), 21);
    TwoTowerConfig config = world.config(16, List.of(32), 16, 0.1f, 0.1f);
    TrainConfig train = TrainConfig.of(0.005f, 4, 128, 7).withLogEvery(50);
    Iterable<TwoTowerBatch> data = world.batches(128, 75, 3);
    TrainConfig oneBatch = TrainConfig.of(0.005f, 1, 128, 7).withMaxBatches(1);
    float untrained = firstBatchLoss(TrainTwoTower.train(config, oneBatch, data));
    TrainingResult<TwoTowerModel> result = TrainTwoTower.train(config, train, data);
    try (TwoTowerModel model = result.model()) {
      List<Float> losses = result.epochLosses();
      assertTrue(losses.get(3) < 0.75 * untrained, "loss " + losses + " vs untrained " + untrained);

      TwoTowerBatch heldOut = world.sample(1000, new Random(99));
      float[] users = model.userVectors(heldOut.users());
      int[] positives = Arrays.stream(heldOut.items().itemIdx()).mapToInt(i -> (int) i - 2).toArray();
      double random = 10.0 / world.sizes().items();
      double recall = Metrics.recallAtK(users, model.itemVectors(world.allItems()), config.outputDim(), positives, 10);
      assertTrue(recall > 4 * random, "recall@10 " + recall + " vs random " + random);

      // New items: every item id replaced by oov, so only category, tokens and dense features place them.
      ItemFeatures all = world.allItems();
      long[] oov = new long[all.size()];
      Arrays.fill(oov, 1L);
      ItemFeatures cold = new ItemFeatures(oov, all.category(), all.dense(), all.denseDim(), all.tokens(),
          all.tokenLength());
      double coldRecall = Metrics.recallAtK(users, model.itemVectors(cold), config.outputDim(), positives, 10);
      assertTrue(coldRecall > 3 * random, "cold-start recall@10 " + coldRecall + " vs random " + random);
      System.out.printf("two-tower untrained loss %.3f, losses %s, recall@10 %.3f, cold-start %.3f, random %.3f%n",
          untrained, losses, recall, coldRecall, random);
    }
  }

  @Test
  void uniformNegativesKeepRetrievalFarBetterThanRandom() throws Exception {
    SyntheticTwoTowerData world = new SyntheticTwoTowerData(
        new SyntheticTwoTowerData.Sizes(500, 200, 10, 20, 100, 10, 5, 8, 8, 0.8f), 21);
    TwoTowerConfig config = world.config(16, List.of(32), 16, 0.1f, 0.1f);
    TrainConfig train = TrainConfig.of(0.005f, 4, 128, 7);
    Iterable<TwoTowerBatch> data = world.batches(128, 75, 3);
    TrainingResult<TwoTowerModel> result =
        TrainTwoTower.train(config, train, e -> data.iterator(), world.uniformNegatives(64));
    try (TwoTowerModel model = result.model()) {
      TwoTowerBatch heldOut = world.sample(1000, new Random(99));
      int[] positives = Arrays.stream(heldOut.items().itemIdx()).mapToInt(i -> (int) i - 2).toArray();
      double random = 10.0 / world.sizes().items();
      double recall = Metrics.recallAtK(model.userVectors(heldOut.users()), model.itemVectors(world.allItems()),
          config.outputDim(), positives, 10);
      assertTrue(recall > 4 * random, "recall@10 " + recall + " vs random " + random);
      System.out.printf("two-tower with 64 uniform negatives: losses %s, recall@10 %.3f, random %.3f%n",
          result.epochLosses(), recall, random);
    }
  }

  @Test
  void dlrmRanksHeldOutClicksAndPurchasesAboveChance() throws Exception {
    SyntheticRankingData data = new SyntheticRankingData(8, List.of(50, 40, 10, 5), 17);
    DlrmConfig config = new DlrmConfig(8, data.cardinalities(), 8, List.of(16), List.of(32, 16), true);
    TrainConfig train = TrainConfig.of(0.005f, 3, 256, 7).withLogEvery(50);
    Iterable<RankingBatch> batches = data.batches(256, 100, 3);
    TrainConfig oneBatch = TrainConfig.of(0.005f, 1, 256, 7).withMaxBatches(1);
    float untrained = firstBatchLoss(TrainDlrm.train(config, oneBatch, batches));
    TrainingResult<DlrmModel> result = TrainDlrm.train(config, train, batches);
    try (DlrmModel model = result.model()) {
      List<Float> losses = result.epochLosses();
      assertTrue(losses.get(2) < 0.75 * untrained, "loss " + losses + " vs untrained " + untrained);
      RankingBatch heldOut = data.sample(5000, new Random(98));
      RankingScores scores = model.predict(heldOut.features());
      double clickAuc = RankerMetrics.auc(scores.clickProb(), heldOut.click());
      double purchaseAuc = RankerMetrics.auc(scores.purchaseProb(), heldOut.purchase());
      assertTrue(clickAuc > 0.7, "click AUC " + clickAuc);
      assertTrue(purchaseAuc > 0.7, "purchase AUC " + purchaseAuc);
      System.out.printf("DLRM untrained loss %.3f, losses %s, click AUC %.3f, purchase AUC %.3f%n",
          untrained, losses, clickAuc, purchaseAuc);
    }
  }

  /** Returns the loss of a run that trained one batch: the untrained model's loss on that batch. */
  private static float firstBatchLoss(TrainingResult<? extends AutoCloseable> oneBatch) throws Exception {
    oneBatch.model().close();
    return oneBatch.finalLoss();
  }
}
