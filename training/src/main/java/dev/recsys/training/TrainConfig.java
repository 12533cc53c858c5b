package dev.recsys.training;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Optimisation settings shared by the trainers (Adam).
 *
 * @param learningRate Adam learning rate
 * @param epochs passes over the batches; a resumed run trains only the epochs its checkpoint lacks
 * @param batchSize the batch size callers cut batches to; a larger batch fails, the last one may be smaller
 * @param seed seeds parameter initialisation (DJL engine seed) and id dropout
 * @param logEvery log loss and throughput every this many batches
 * @param maxBatches stop each epoch after this many batches (smoke tests); 0 means no limit
 * @param checkpointDir where parameters are saved after each epoch and resumed from; null for no checkpoints
 * @param device where the parameters live and training runs ({@link Devices#select} checks a GPU is there)
 */
public record TrainConfig(
    float learningRate, int epochs, int batchSize, int seed, int logEvery, int maxBatches, Path checkpointDir,
    Device device) {

  public TrainConfig {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("train.learning_rate must be > 0, got " + learningRate);
    }
    Check.positive("train.epochs", epochs);
    Check.positive("train.batch_size", batchSize);
    Check.positive("train.log_every", logEvery);
    if (maxBatches < 0) {
      throw new IllegalArgumentException("train.max_batches must not be negative, got " + maxBatches);
    }
    Objects.requireNonNull(device, "train.device");
  }

  /** Returns settings that train on the CPU. */
  public TrainConfig(
      float learningRate, int epochs, int batchSize, int seed, int logEvery, int maxBatches, Path checkpointDir) {
    this(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, Device.cpu());
  }

  /** Returns settings that log every 100 batches, run every batch and keep no checkpoints. */
  public static TrainConfig of(float learningRate, int epochs, int batchSize, int seed) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, 100, 0, null);
  }

  /** Returns a copy that stops each epoch after {@code maxBatches} batches. */
  public TrainConfig withMaxBatches(int maxBatches) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device);
  }

  /** Returns a copy that saves a checkpoint to {@code dir} after each epoch and resumes from it. */
  public TrainConfig withCheckpointDir(Path dir) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, dir, device);
  }

  /**
   * Returns the settings besides the model that shape what an epoch trains (learning rate, batch size, seed,
   * batch limit): a checkpoint written under other ones would be resumed into a different run.
   */
  public String trajectory() {
    return "learningRate=" + learningRate + ", batchSize=" + batchSize + ", seed=" + seed + ", maxBatches="
        + maxBatches;
  }

  /** Returns a copy that logs every {@code logEvery} batches. */
  public TrainConfig withLogEvery(int logEvery) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device);
  }

  /** Returns a copy that trains on {@code device}. */
  public TrainConfig withDevice(Device device) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device);
  }
}
