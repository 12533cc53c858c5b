package dev.recsys.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * In-batch sampled softmax with temperature and log-q correction. Predictions: user_vec [B, D], item_vec [B, D];
 * labels: item_log_q [B], item ids [B]. Row i scores user i against every item in the batch,
 * {@code logits[i][j] = (u_i . v_j) / τ - log q_j}, and the target is its own item j = i. Another row's copy of
 * the same item is not a negative: it is masked out (oov ids, which may stand for different items, are not).
 */
final class InBatchSoftmaxLoss extends Loss {

  /** Subtracted from masked logits; exp of it is 0 in float32. */
  private static final float MASKED = 1e9f;

  private final float temperature;

  InBatchSoftmaxLoss(float temperature) {
    super("in_batch_softmax");
    this.temperature = temperature;
  }

  /** Returns the mean over rows of -log softmax(logits[i])[i]. */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray users = predictions.get(0);
    NDArray items = predictions.get(1);
    NDArray logQ = labels.get(0);
    NDArray ids = labels.get(1);
    long batch = users.getShape().get(0);
    NDArray diagonal = users.getManager().eye((int) batch); // [B, B]
    // [B, B]: column j is item j; subtracting log q_j removes the popularity bias of in-batch sampling.
    NDArray logits = users.matMul(items.transpose()).div(temperature).sub(logQ.expandDims(0));
    NDArray duplicate = ids.expandDims(1).eq(ids.expandDims(0)) // same item as row i's positive
        .logicalAnd(diagonal.eq(0)) // but in another column
        .logicalAnd(ids.gt(1).expandDims(1)); // and a known id
    logits = logits.sub(duplicate.toType(DataType.FLOAT32, false).mul(MASKED));
    return logits.logSoftmax(1).mul(diagonal).sum(new int[] {1}).neg().mean();
  }
}
