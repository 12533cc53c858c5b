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
 * Sampled softmax over in-batch negatives, optionally mixed with uniformly sampled ones, with temperature and a
 * weighted sampling-bias (log-q) correction. Predictions: user_vec [B, D] and item_vec [C, D], whose first B rows
 * are the batch's positives (row i's is row i) and whose other C - B rows are the extra negatives. Labels: the log
 * of each column's expected count among the sampled items [C], and the item ids [C]. Row i scores user i against
 * every column, {@code logits[i][j] = (u_i . v_j) / τ - w log E[count_j]}, and the target is column i. Weight
 * w = 1 is the exact correction (the model learns the user's preference, not how often the sampling shows the
 * item); above 1 popular items are pushed down further, 0 leaves the in-batch popularity bias in. Another column
 * holding row i's item is not a negative: it is masked out (oov ids, which may stand for different items, are not).
 */
final class InBatchSoftmaxLoss extends Loss {

  /** Subtracted from masked logits; exp of it is 0 in float32. */
  private static final float MASKED = 1e9f;

  private final float temperature;
  private final float logqWeight;

  InBatchSoftmaxLoss(float temperature, float logqWeight) {
    super("in_batch_softmax");
    this.temperature = temperature;
    this.logqWeight = logqWeight;
  }

  /** Returns the mean over rows of -log softmax(logits[i])[i]. */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray users = predictions.get(0);
    NDArray items = predictions.get(1);
    NDManager manager = users.getManager();
    int rows = Math.toIntExact(users.getShape().get(0));
    long[] ids = labels.get(1).toLongArray();
    NDArray offsets = manager.create(offsets(ids, labels.get(0).toFloatArray(), logqWeight, rows),
        new Shape(rows, ids.length));
    // The temperature divides the users [B, D] rather than the scores [B, C]: the same logits in fewer operations.
    NDArray logits = users.div(GraphScalars.of(users, temperature)).matMul(items.transpose()).sub(offsets); // [B, C]
    NDArray own = manager.arange(0, rows, 1, DataType.INT64).expandDims(1); // [B, 1]: row i's column i
    return logits.logSoftmax(1).gather(own, 1).neg().mean();
  }

  /**
   * Returns what the logits of the first {@code rows} rows subtract, row-major [rows, C] for C columns:
   * {@code weight * logCount[j]} in column j, which removes the popularity bias of the sampling, plus
   * {@link #MASKED} where column j is not row i's own column but holds row i's item (a known id). Built on the JVM
   * (duplicates are few) rather than from [B, C] comparisons on the engine; it needs no gradient.
   */
  static float[] offsets(long[] ids, float[] logCount, float weight, int rows) {
    int c = ids.length;
    float[] weighted = new float[c];
    for (int j = 0; j < c; j++) {
      weighted[j] = weight * logCount[j];
    }
    float[] out = new float[rows * c];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(weighted, 0, out, i * c, c);
    }
    Map<Long, List<Integer>> columnsOf = new HashMap<>();
    for (int j = 0; j < c; j++) {
      if (ids[j] > 1) {
        columnsOf.computeIfAbsent(ids[j], id -> new ArrayList<>()).add(j);
      }
    }
    for (List<Integer> same : columnsOf.values()) {
      for (int i : same) {
        if (i >= rows) {
          break; // columns are listed in order: the rest are extra negatives, not rows
        }
        for (int j : same) {
          if (i != j) {
            out[i * c + j] += MASKED;
          }
        }
      }
    }
    return out;
  }

  /**
   * Returns the log of the expected number of copies of each item among a batch's columns: {@code batch} positives
   * drawn with the items' shares of positives ({@code logQ}, log-shares) and {@code uniform} negatives drawn
   * uniformly from {@code catalogSize} items. With no uniform negatives this is log q plus a constant, the plain
   * log-q correction; the uniform term bounds how far it lifts a rare item.
   */
  static float[] logExpectedCounts(float[] logQ, int batch, int uniform, int catalogSize) {
    double perItem = uniform == 0 ? 0 : (double) uniform / catalogSize;
    float[] out = new float[logQ.length];
    for (int j = 0; j < logQ.length; j++) {
      out[j] = (float) Math.log(batch * Math.exp(logQ[j]) + perItem);
    }
    return out;
  }
}
