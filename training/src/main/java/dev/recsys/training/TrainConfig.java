package dev.recsys.training;

import ai.djl.Device;
import dev.recsys.features.config.TrainingConfig.LearningRateSchedule;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Optimisation settings shared by the trainers (Adam).
 *
 * @param learningRate Adam learning rate of the first epoch
 * @param epochs passes over the batches; a resumed run trains only the epochs its checkpoint lacks
 * @param batchSize the batch size callers cut batches to; a larger batch fails, the last one may be smaller
 * @param seed seeds parameter initialisation (DJL engine seed) and id dropout
 * @param logEvery log loss and throughput every this many batches
 * @param maxBatches stop each epoch after this many batches (smoke tests); 0 means no limit
 * @param checkpointDir where parameters are saved after each epoch and resumed from; null for no checkpoints
 * @param device where the parameters live and training runs ({@link Devices#select} checks a GPU is there)
 * @param schedule how the learning rate changes from epoch to epoch ({@link #learningRate(int)})
 * @param clipNorm largest global L2 norm of a batch's gradients (over every parameter): a larger one is scaled
 *     down to it before Adam sees it, so one outlying batch cannot throw the model and Adam's moment estimates
 *     off course; 0 never clips
 */
public record TrainConfig(
    float learningRate, int epochs, int batchSize, int seed, int logEvery, int maxBatches, Path checkpointDir,
    Device device, LearningRateSchedule schedule, float clipNorm) {

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
    Objects.requireNonNull(schedule, "train.schedule");
    if (!(clipNorm >= 0 && Float.isFinite(clipNorm))) {
      throw new IllegalArgumentException("train.clip_norm must be a finite number >= 0, got " + clipNorm);
    }
  }

  /** Returns settings that train on the CPU at a constant learning rate, without clipping gradients. */
  public TrainConfig(
      float learningRate, int epochs, int batchSize, int seed, int logEvery, int maxBatches, Path checkpointDir) {
    this(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, Device.cpu(),
        LearningRateSchedule.CONSTANT, 0);
  }

  /** Returns settings that log every 100 batches, run every batch and keep no checkpoints. */
  public static TrainConfig of(float learningRate, int epochs, int batchSize, int seed) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, 100, 0, null);
  }

  /** Returns a copy that trains {@code epochs} epochs (a cosine schedule then spans those). */
  public TrainConfig withEpochs(int epochs) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }

  /** Returns a copy that stops each epoch after {@code maxBatches} batches. */
  public TrainConfig withMaxBatches(int maxBatches) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }

  /** Returns a copy with another seed (another member of an ensemble). */
  public TrainConfig withSeed(int seed) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }

  /** Returns a copy that saves a checkpoint to {@code dir} after each epoch and resumes from it. */
  public TrainConfig withCheckpointDir(Path dir) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, dir, device, schedule,
        clipNorm);
  }

  /**
   * Returns the learning rate of {@code epoch} (1-based): {@link #learningRate} throughout with a constant schedule;
   * with a cosine one {@code learningRate * (1 + cos(pi * (epoch - 1) / epochs)) / 2}, from the full rate at the
   * first epoch down to a small fraction of it at the last.
   */
  public float learningRate(int epoch) {
    if (epoch < 1 || epoch > epochs) {
      throw new IllegalArgumentException("epoch " + epoch + " is outside 1.." + epochs);
    }
    return switch (schedule) {
      case CONSTANT -> learningRate;
      case COSINE -> (float) (learningRate * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)) / 2);
    };
  }

  /**
   * Returns the settings besides the model that shape what an epoch trains (learning rate and its schedule, batch
   * size, seed, batch limit, gradient clipping): a checkpoint written under other ones would be resumed into a
   * different run. A cosine schedule depends on the number of epochs too, so a longer run cannot resume a shorter
   * one's checkpoint.
   */
  public String trajectory() {
    String rate = schedule == LearningRateSchedule.CONSTANT
        ? "learningRate=" + learningRate
        : "learningRate=" + learningRate + " cosine over " + epochs + " epochs";
    return rate + ", batchSize=" + batchSize + ", seed=" + seed + ", maxBatches=" + maxBatches
        + (clipNorm == 0 ? "" : ", clipNorm=" + clipNorm);
  }

  /** Returns a copy that logs every {@code logEvery} batches. */
  public TrainConfig withLogEvery(int logEvery) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }

  /** Returns a copy whose learning rate follows {@code schedule}. */
  public TrainConfig withSchedule(LearningRateSchedule schedule) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }

  /** Returns a copy that clips each batch's gradients to global L2 norm {@code clipNorm} (0: never). */
  public TrainConfig withClipNorm(float clipNorm) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }

  /** Returns a copy that trains on {@code device}. */
  public TrainConfig withDevice(Device device) {
    return new TrainConfig(learningRate, epochs, batchSize, seed, logEvery, maxBatches, checkpointDir, device,
        schedule, clipNorm);
  }
}
