package dev.recsys.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    NDManager manager = users.getManager();
    int batch = Math.toIntExact(users.getShape().get(0));
    NDArray offsets = manager.create(offsets(labels.get(1).toLongArray(), labels.get(0).toFloatArray()),
        new Shape(batch, batch));
    // The temperature divides the users [B, D] rather than the scores [B, B]: the same logits in fewer operations.
    NDArray logits = users.div(temperature).matMul(items.transpose()).sub(offsets); // [B, B]
    NDArray own = manager.arange(0, batch, 1, DataType.INT64).expandDims(1); // [B, 1]: row i's column i
    return logits.logSoftmax(1).gather(own, 1).neg().mean();
  }

  /**
   * Returns what the logits subtract, row-major [B, B]: log q_j in column j, which removes the popularity bias of
   * in-batch sampling, plus {@link #MASKED} where column j is another row's copy of row i's item (a known id).
   * Built on the JVM (duplicates are few) rather than from [B, B] comparisons on the engine; it needs no gradient.
   */
  static float[] offsets(long[] ids, float[] logQ) {
    int b = ids.length;
    float[] out = new float[b * b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(logQ, 0, out, i * b, b);
    }
    Map<Long, List<Integer>> rowsOf = new HashMap<>();
    for (int j = 0; j < b; j++) {
      if (ids[j] > 1) {
        rowsOf.computeIfAbsent(ids[j], id -> new ArrayList<>()).add(j);
      }
    }
    for (List<Integer> same : rowsOf.values()) {
      for (int i : same) {
        for (int j : same) {
          if (i != j) {
            out[i * b + j] += MASKED;
          }
        }
      }
    }
    return out;
  }
}
