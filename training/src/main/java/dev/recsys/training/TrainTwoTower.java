package dev.recsys.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.util.Random;

/**
 * Trains the two-tower retrieval model with a sampled softmax over in-batch negatives, optionally mixed with
 * uniformly drawn catalogue items ({@link UniformNegatives}), with temperature, log-q correction and the positive's
 * other copies masked, and Adam. Plain Java over batches of arrays, so a Spark driver can stream
 * batches from a table with {@code toLocalIterator}. Needs the system property {@code ai.djl.offline=true}, so DJL
 * uses the PyTorch native library from the classpath instead of downloading one.
 */
public final class TrainTwoTower {

  private TrainTwoTower() {}

  /** Returns the model trained on {@code batches} in the same order every epoch; see the other overload. */
  public static TrainingResult<TwoTowerModel> train(
      TwoTowerConfig config, TrainConfig train, Iterable<TwoTowerBatch> batches) throws IOException {
    return train(config, train, EpochBatches.of(batches), UniformNegatives.NONE);
  }

  /**
   * Returns the trained model and its losses. {@code batches} is asked for each epoch's batches in turn; every
   * batch has at most {@code train.batchSize()} rows. Parameters are seeded from {@code train.seed()}; with
   * {@code train.checkpointDir()} the run resumes after the last epoch saved there. Each batch's negatives are
   * the other rows' items plus {@code negatives.perBatch()} drawn from {@code negatives.catalog()}.
   */
  public static TrainingResult<TwoTowerModel> train(TwoTowerConfig config, TrainConfig train,
      EpochBatches<TwoTowerBatch> batches, UniformNegatives negatives) throws IOException {
    Engine.getInstance().setRandomSeed(train.seed());
    TwoTowerModel model = new TwoTowerModel(config, train.device());
    try {
      TrainingLoop.Outcome outcome = TrainingLoop.run("two_tower", model.djlModel(),
          TwoTowerBlock.inputShapes(config), new InBatchSoftmaxLoss(config.temperature(), config.logqWeight()),
          config + "; " + negatives.describe(), train, batches, TwoTowerBatch::size, (manager, batch, random) -> {
            long[] userIdx = dropIds(batch.users().userIdx(), config.idDropout(), random);
            UniformNegatives.Columns columns = negatives.columns(batch, random);
            ItemFeatures items = columns.items();
            long[] itemIdx = dropIds(items.itemIdx(), config.idDropout(), random);
            NDList inputs = model.inputs(manager, batch.users(), userIdx, items, itemIdx);
            NDList labels = new NDList(
                manager.create(InBatchSoftmaxLoss.logExpectedCounts(columns.logQ(), batch.size(),
                    negatives.perBatch(), negatives.catalog().size())),
                // The true ids, not the dropped ones: duplicates are masked by what the item really is.
                TwoTowerModel.ids(manager, items.itemIdx()));
            return new TrainingLoop.BatchArrays(inputs, labels);
          });
      return new TrainingResult<>(model, outcome.epochLosses(), outcome.samplesPerSecond(), outcome.batches());
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Returns {@code ids} with each entry replaced by the oov index 1 with probability {@code rate}. */
  static long[] dropIds(long[] ids, float rate, Random random) {
    if (rate == 0) {
      return ids;
    }
    long[] dropped = ids.clone();
    for (int i = 0; i < dropped.length; i++) {
      if (random.nextFloat() < rate) {
        dropped[i] = 1;
      }
    }
    return dropped;
  }
}
