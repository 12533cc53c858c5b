package dev.recsys.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.recsys.features.config.TrainingConfig;

/** Picks the DJL device the trainers run on, refusing a GPU that DJL's PyTorch build cannot see. */
public final class Devices {

  private Devices() {}

  /**
   * Returns {@link Device#cpu()} for {@code cpu}; for {@code gpu} the first CUDA device, or throws
   * {@link IllegalStateException} saying what is missing when the engine has no CUDA support or sees no GPU (the
   * CPU libtorch from {@code pytorch-native-cpu} never does).
   */
  public static Device select(TrainingConfig.Device wanted) {
    if (wanted == TrainingConfig.Device.CPU) {
      return Device.cpu();
    }
    Engine engine = Engine.getInstance();
    boolean cuda = engine.hasCapability("CUDA");
    int gpus = engine.getGpuCount();
    if (!cuda || gpus == 0) {
      throw new IllegalStateException("training.device is gpu but DJL's " + engine.getEngineName() + " "
          + engine.getVersion() + " engine " + (cuda ? "finds no GPU" : "was loaded without CUDA support")
          + ". Point DJL at a CUDA libtorch " + engine.getVersion() + " (PYTORCH_LIBRARY_PATH=<its lib folder>, "
          + "PYTORCH_FLAVOR=cu<version>, see README \"GPU\") on a machine with a GPU, or set training.device: cpu.");
    }
    return Device.gpu();
  }
}
