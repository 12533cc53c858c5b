package dev.recsys.training;

import java.util.List;

/**
 * What a training run returns. The caller owns {@code model} and must close it.
 *
 * @param model the trained model
 * @param epochLosses mean training loss of every completed epoch, including epochs restored from a checkpoint
 * @param samplesPerSecond training throughput of this run (batch conversion, forward, backward, update); 0 when
 *     the checkpoint already had every epoch
 * @param batchesTrained batches trained in this run
 */
public record TrainingResult<M>(M model, List<Float> epochLosses, double samplesPerSecond, long batchesTrained) {

  public TrainingResult {
    epochLosses = List.copyOf(epochLosses);
  }

  /** Returns the mean loss of the last epoch. */
  public float finalLoss() {
    return epochLosses.get(epochLosses.size() - 1);
  }
}
