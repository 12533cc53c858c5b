package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
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

  @Test
  void clippingScalesEveryGradientToTheGlobalNormAndReportsTheNormBefore() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ParameterList parameters = new ParameterList();
      parameters.add("a", withGradient(manager, "a", 3, 0));
      parameters.add("b", withGradient(manager, "b", 0, 4));
      assertEquals(5.0, TrainingLoop.clipGradients(parameters, 0, manager), 1e-6, "0 never clips");
      assertEquals(5.0, TrainingLoop.clipGradients(parameters, 10, manager), 1e-6, "under the limit");
      assertArrayEquals(new float[] {3, 0}, gradient(parameters, "a"));

      assertEquals(5.0, TrainingLoop.clipGradients(parameters, 1, manager), 1e-6);
      assertArrayEquals(new float[] {0.6f, 0}, gradient(parameters, "a"), 1e-6f);
      assertArrayEquals(new float[] {0, 0.8f}, gradient(parameters, "b"), 1e-6f);
      assertEquals(1.0, TrainingLoop.clipGradients(parameters, 1, manager), 1e-6, "already at the limit");
    }
  }

  @Test
  void gradientsTooLargeToSquareInFloat32AreStillClippedAndNaNGradientsAreRefused() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ParameterList huge = new ParameterList();
      huge.add("a", withGradient(manager, "a", 3e20f, 0));
      huge.add("b", withGradient(manager, "b", 0, 4e20f));
      assertEquals(5e20, TrainingLoop.clipGradients(huge, 1, manager), 1e14);
      assertArrayEquals(new float[] {0.6f, 0}, gradient(huge, "a"), 1e-6f);
      assertArrayEquals(new float[] {0, 0.8f}, gradient(huge, "b"), 1e-6f);

      ParameterList broken = new ParameterList();
      broken.add("c", withGradient(manager, "c", Float.NaN, 1));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> TrainingLoop.clipGradients(broken, 1, manager));
      assertTrue(e.getMessage().contains("gradient of c has norm NaN"), e.getMessage());
    }
  }

  @Test
  void clippingIsAppliedInTrainingAndIsPartOfTheCheckpointIdentity() throws Exception {
    TrainConfig plain = TrainConfig.of(0.01f, 1, 32, 42);
    assertFalse(Arrays.equals(weights(plain), weights(plain.withClipNorm(1e-3f))),
        "a tiny limit scales each batch's gradients by a different factor");
    assertFalse(plain.trajectory().contains("clipNorm"), "runs without clipping keep their checkpoints");
    assertTrue(plain.withClipNorm(1).trajectory().contains("clipNorm=1.0"), plain.withClipNorm(1).trajectory());
    assertThrows(IllegalArgumentException.class, () -> plain.withClipNorm(-1));
  }

  /** A parameter holding {@code values} whose gradient is {@code values} too (the gradient of sum(x^2) / 2). */
  private static Parameter withGradient(NDManager manager, String name, float... values) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    NDArray x = manager.create(values);
    x.setRequiresGradient(true);
    p.setArray(x);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(x.square().sum().div(2));
    }
    return p;
  }

  private static float[] gradient(ParameterList parameters, String name) {
    return parameters.get(name).getArray().getGradient().toFloatArray();
  }

  private float[] weights(TrainConfig train) throws Exception {
    try (TwoTowerModel model = TrainTwoTower.train(config, train, world.batches(32, 3, 5)).model()) {
      return model.weights().item().projection().weight();
    }
  }
}
