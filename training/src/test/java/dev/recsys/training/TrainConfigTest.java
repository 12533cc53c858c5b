package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.TrainingConfig.LearningRateSchedule;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {

  private final SyntheticTwoTowerData world = Fixtures.smallWorld();
  private final TwoTowerConfig config = Fixtures.smallTwoTower(world);

  @Test
  void cosineStartsAtTheRateAndHalvesItHalfway() {
    TrainConfig constant = TrainConfig.of(0.01f, 4, 32, 1);
    TrainConfig cosine = constant.withSchedule(LearningRateSchedule.COSINE);
    for (int epoch = 1; epoch <= 4; epoch++) {
      assertEquals(0.01f, constant.learningRate(epoch));
    }
    assertEquals(0.01f, cosine.learningRate(1), 1e-9);
    assertEquals(0.005f, cosine.learningRate(3), 1e-9);
    assertTrue(cosine.learningRate(4) > 0 && cosine.learningRate(4) < 0.002f, "last " + cosine.learningRate(4));
    assertThrows(IllegalArgumentException.class, () -> cosine.learningRate(5));
    assertThrows(IllegalArgumentException.class, () -> cosine.learningRate(0));
  }

  @Test
  void theScheduleIsAppliedFromTheSecondEpoch() throws Exception {
    TrainConfig constant = TrainConfig.of(0.01f, 2, 32, 42).withMaxBatches(3);
    TrainConfig cosine = constant.withSchedule(LearningRateSchedule.COSINE);
    assertArrayEquals(weights(constant.withEpochs(1)), weights(cosine.withEpochs(1)),
        "the first epoch runs at the full rate either way");
    assertFalse(Arrays.equals(weights(constant), weights(cosine)), "the second epoch runs at half the rate");
  }

  @Test
  void aCheckpointOfAnotherScheduleOrLengthIsRefused(@TempDir Path dir) throws Exception {
    TrainConfig cosine = TrainConfig.of(0.01f, 2, 32, 3).withMaxBatches(1).withCheckpointDir(dir)
        .withSchedule(LearningRateSchedule.COSINE);
    TrainTwoTower.train(config, cosine, world.batches(32, 1, 5)).model().close();
    IllegalStateException constant = assertThrows(IllegalStateException.class, () -> TrainTwoTower.train(config,
        cosine.withSchedule(LearningRateSchedule.CONSTANT), world.batches(32, 1, 5)));
    assertTrue(constant.getMessage().contains("cosine over 2 epochs"), constant.getMessage());
    IllegalStateException longer = assertThrows(IllegalStateException.class,
        () -> TrainTwoTower.train(config, cosine.withEpochs(3), world.batches(32, 1, 5)));
    assertTrue(longer.getMessage().contains("cosine over 3 epochs"), longer.getMessage());
  }

  private float[] weights(TrainConfig train) throws Exception {
    try (TwoTowerModel model = TrainTwoTower.train(config, train, world.batches(32, 3, 5)).model()) {
      return model.weights().item().projection().weight();
    }
  }
}
