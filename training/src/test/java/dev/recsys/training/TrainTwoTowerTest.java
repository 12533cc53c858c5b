package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.onnx.TwoTowerWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainTwoTowerTest {

  private final SyntheticTwoTowerData world = Fixtures.smallWorld();
  private final TwoTowerConfig config = Fixtures.smallTwoTower(world);

  @Test
  void smokeTrainsTwoBatchesAndReturnsAUsableModel() throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 1, 32, 1).withMaxBatches(2);
    TrainingResult<TwoTowerModel> result = TrainTwoTower.train(config, train, world.batches(32, 50, 5));
    try (TwoTowerModel model = result.model()) {
      assertEquals(2, result.batchesTrained());
      assertEquals(1, result.epochLosses().size());
      assertTrue(Float.isFinite(result.finalLoss()) && result.finalLoss() > 0, "loss " + result.finalLoss());
      assertTrue(result.samplesPerSecond() > 0);
      float[] vectors = model.itemVectors(world.allItems());
      assertEquals(world.sizes().items() * config.outputDim(), vectors.length);
    }
  }

  @Test
  void sameSeedGivesTheSameModel() throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 1, 32, 42).withMaxBatches(3);
    float[] first;
    try (TwoTowerModel model = TrainTwoTower.train(config, train, world.batches(32, 3, 5)).model()) {
      first = model.weights().item().projection().weight();
    }
    try (TwoTowerModel model = TrainTwoTower.train(config, train, world.batches(32, 3, 5)).model()) {
      assertArrayEquals(first, model.weights().item().projection().weight());
    }
  }

  @Test
  void uniformNegativesTrainReproduciblyAndArePartOfTheCheckpointIdentity(@TempDir Path dir) throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 1, 32, 42).withMaxBatches(3).withCheckpointDir(dir);
    float[] first;
    TrainingResult<TwoTowerModel> mixed =
        TrainTwoTower.train(config, train, e -> world.batches(32, 3, 5).iterator(), world.uniformNegatives(16));
    try (TwoTowerModel model = mixed.model()) {
      assertEquals(3, mixed.batchesTrained());
      assertTrue(Float.isFinite(mixed.finalLoss()) && mixed.finalLoss() > 0, "loss " + mixed.finalLoss());
      first = model.weights().item().projection().weight();
    }
    TrainConfig again = train.withCheckpointDir(dir.resolve("again"));
    try (TwoTowerModel model = TrainTwoTower.train(config, again, e -> world.batches(32, 3, 5).iterator(),
        world.uniformNegatives(16)).model()) {
      assertArrayEquals(first, model.weights().item().projection().weight());
    }
    IllegalStateException other = assertThrows(IllegalStateException.class, () -> TrainTwoTower.train(config,
        train.withMaxBatches(3), e -> world.batches(32, 3, 5).iterator(), world.uniformNegatives(8)));
    assertTrue(other.getMessage().contains("uniformNegatives=16 of " + world.sizes().items())
        && other.getMessage().contains("uniformNegatives=8 of"), other.getMessage());
  }

  @Test
  void aRunResumesAfterTheLastSavedEpoch(@TempDir Path dir) throws Exception {
    Iterable<TwoTowerBatch> data = world.batches(32, 3, 5);
    TrainConfig twoEpochs = TrainConfig.of(0.01f, 2, 32, 3).withCheckpointDir(dir);
    List<Float> firstLosses;
    TwoTowerWeights saved;
    try (TwoTowerModel model = TrainTwoTower.train(config, twoEpochs, data).model()) {
      saved = model.weights();
    }
    TrainingResult<TwoTowerModel> again = TrainTwoTower.train(config, twoEpochs, data);
    try (TwoTowerModel model = again.model()) {
      assertEquals(0, again.batchesTrained(), "both epochs were saved; nothing is left to train");
      firstLosses = again.epochLosses();
      assertEquals(2, firstLosses.size());
      assertArrayEquals(saved.user().userIds().data(), model.weights().user().userIds().data());
      assertArrayEquals(saved.item().projection().weight(), model.weights().item().projection().weight());
    }
    TrainingResult<TwoTowerModel> third = TrainTwoTower.train(config, TrainConfig.of(0.01f, 3, 32, 3)
        .withCheckpointDir(dir), data);
    third.model().close();
    assertEquals(3, third.batchesTrained(), "only epoch 3 runs");
    assertEquals(firstLosses, third.epochLosses().subList(0, 2));
    assertEquals(3, third.epochLosses().size());
  }

  @Test
  void aCheckpointOfAnotherArchitectureIsRefused(@TempDir Path dir) throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 1, 32, 3).withMaxBatches(1).withCheckpointDir(dir);
    TrainTwoTower.train(config, train, world.batches(32, 1, 5)).model().close();
    TwoTowerConfig wider = world.config(8, List.of(24), 8, 0.1f, 0.1f);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TrainTwoTower.train(wider, train, world.batches(32, 1, 5)));
    assertTrue(e.getMessage().contains("hiddenSizes=[16]") && e.getMessage().contains("hiddenSizes=[24]"),
        e.getMessage());
  }

  @Test
  void aCheckpointOfOtherSettingsOrMoreEpochsIsRefused(@TempDir Path dir) throws Exception {
    TrainConfig train = TrainConfig.of(0.01f, 2, 32, 3).withMaxBatches(1).withCheckpointDir(dir);
    TrainTwoTower.train(config, train, world.batches(32, 1, 5)).model().close();
    IllegalStateException rate = assertThrows(IllegalStateException.class, () -> TrainTwoTower.train(config,
        TrainConfig.of(0.02f, 2, 32, 3).withMaxBatches(1).withCheckpointDir(dir), world.batches(32, 1, 5)));
    assertTrue(rate.getMessage().contains("learningRate=0.01") && rate.getMessage().contains("learningRate=0.02"),
        rate.getMessage());
    IllegalStateException fewer = assertThrows(IllegalStateException.class, () -> TrainTwoTower.train(config,
        TrainConfig.of(0.01f, 1, 32, 3).withMaxBatches(1).withCheckpointDir(dir), world.batches(32, 1, 5)));
    assertTrue(fewer.getMessage().contains("holds 2 epochs") && fewer.getMessage().contains("asks for 1"),
        fewer.getMessage());
  }

  @Test
  void badBatchesFailNamingBothSides() {
    TrainConfig train = TrainConfig.of(0.01f, 1, 16, 3);
    IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
        () -> TrainTwoTower.train(config, train, world.batches(32, 1, 5)));
    assertEquals("two_tower batch 1 has 32 rows but batch_size is 16", tooBig.getMessage());

    TwoTowerBatch good = world.sample(4, new Random(1));
    long[] items = good.items().itemIdx().clone();
    items[2] = config.itemVocab();
    ItemFeatures badItems = new ItemFeatures(items, good.items().category(), good.items().dense(),
        good.items().denseDim(), good.items().tokens(), good.items().tokenLength());
    TwoTowerBatch bad = new TwoTowerBatch(good.users(), badItems, good.itemLogQ());
    IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
        () -> TrainTwoTower.train(config, train, List.of(bad)));
    assertEquals("item_idx holds index 122 but its vocabulary has 122 rows (0 padding, 1 oov)",
        outOfRange.getMessage());
  }

  @Test
  void idDropoutReplacesTheGivenShareWithOov() {
    long[] ids = new long[10_000];
    java.util.Arrays.fill(ids, 7);
    long[] dropped = TrainTwoTower.dropIds(ids, 0.2f, new Random(4));
    long oov = java.util.Arrays.stream(dropped).filter(v -> v == 1).count();
    assertEquals(2000, oov, 150);
    assertEquals(7, ids[0], "the input is not modified");
  }
}
