package dev.recsys.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import java.io.IOException;

/**
 * Trains the DLRM ranking model with binary cross-entropy on logits (click, plus purchase when that head is on)
 * and Adam. Plain Java over batches of arrays, so a Spark driver can stream batches from a table with
 * {@code toLocalIterator}. Needs the system property {@code ai.djl.offline=true}, so DJL uses the PyTorch native
 * library from the classpath instead of downloading one.
 */
public final class TrainDlrm {

  private TrainDlrm() {}

  /** Returns the model trained on {@code batches} in the same order every epoch; see the other overload. */
  public static TrainingResult<DlrmModel> train(DlrmConfig config, TrainConfig train, Iterable<RankingBatch> batches)
      throws IOException {
    return train(config, train, EpochBatches.of(batches));
  }

  /**
   * Returns the trained model and its losses. {@code batches} is asked for each epoch's batches in turn; every
   * batch has at most {@code train.batchSize()} rows and, when the purchase head is on, purchase labels. With
   * {@code train.checkpointDir()} the run resumes after the last epoch saved there.
   */
  public static TrainingResult<DlrmModel> train(DlrmConfig config, TrainConfig train,
      EpochBatches<RankingBatch> batches) throws IOException {
    Engine.getInstance().setRandomSeed(train.seed());
    DlrmModel model = new DlrmModel(config, train.device());
    try {
      TrainingLoop.Outcome outcome = TrainingLoop.run("dlrm", model.djlModel(), DlrmBlock.inputShapes(config),
          new ClickPurchaseLoss(), config.toString(), train, batches, RankingBatch::size, (manager, batch, random) -> {
            NDList labels = new NDList(manager.create(batch.click()));
            if (config.purchaseHead()) {
              if (batch.purchase() == null) {
                throw new IllegalArgumentException("the DLRM has the purchase head but a batch has no purchase labels");
              }
              labels.add(manager.create(batch.purchase()));
            }
            return new TrainingLoop.BatchArrays(model.inputs(manager, batch.features()), labels);
          });
      return new TrainingResult<>(model, outcome.epochLosses(), outcome.samplesPerSecond(), outcome.batches());
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
