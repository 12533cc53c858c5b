package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.recsys.features.config.TrainingConfig;
import org.junit.jupiter.api.Test;

/** Device selection on the test classpath's CPU libtorch (pytorch-native-cpu), which never sees a GPU. */
class DevicesTest {

  @Test
  void gpuOnTheCpuLibtorchFailsWithWhatToDo() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Devices.select(TrainingConfig.Device.GPU));
    assertTrue(e.getMessage().startsWith("training.device is gpu but DJL's PyTorch"), e.getMessage());
    assertTrue(e.getMessage().contains("without CUDA support"), e.getMessage());
    assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH") && e.getMessage().contains("training.device: cpu"),
        e.getMessage());
  }

  @Test
  void theSelectedDeviceHoldsTheTrainedParameters() throws Exception {
    Device cpu = Devices.select(TrainingConfig.Device.CPU);
    assertEquals(Device.cpu(), cpu);
    SyntheticRankingData data = Fixtures.smallRanking();
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 1).withMaxBatches(1).withDevice(cpu);
    try (DlrmModel model = TrainDlrm.train(Fixtures.smallDlrm(data, false), train, data.batches(64, 1, 2)).model()) {
      assertEquals(cpu, model.djlModel().getNDManager().getDevice());
      model.djlModel().getBlock().getParameters().values()
          .forEach(p -> assertEquals(cpu, p.getArray().getDevice(), p.getName()));
    }
  }
}
