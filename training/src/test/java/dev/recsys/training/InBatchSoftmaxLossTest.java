package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The in-batch softmax against the loss written out with [B, B] masks on the engine. */
class InBatchSoftmaxLossTest {

  private static final float M = 1e9f;

  @Test
  void offsetsMaskOtherCopiesOfAKnownItemOnly() {
    // Rows 0 and 2 hold item 5, rows 1 and 3 the oov id 1 (not the same item), row 4 item 7.
    float[] q = {-1f, -2f, -3f, -4f, -5f};
    float[] offsets = InBatchSoftmaxLoss.offsets(new long[] {5, 1, 5, 1, 7}, q);

    assertArrayEquals(new float[] {
      -1f, -2f, -3f + M, -4f, -5f,
      -1f, -2f, -3f, -4f, -5f,
      -1f + M, -2f, -3f, -4f, -5f,
      -1f, -2f, -3f, -4f, -5f,
      -1f, -2f, -3f, -4f, -5f}, offsets);
  }

  @Test
  void equalsTheMaskedLogSoftmaxOfTheScores() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      NDArray users = m.randomNormal(new Shape(64, 8));
      NDArray items = m.randomNormal(new Shape(64, 8));
      NDArray logQ = m.randomNormal(new Shape(64)).sub(3);
      NDArray ids = m.randomInteger(0, 20, new Shape(64), DataType.INT64);
      float temperature = 0.5f;

      float loss = new InBatchSoftmaxLoss(temperature)
          .evaluate(new NDList(logQ, ids), new NDList(users, items)).getFloat();

      NDArray diagonal = m.eye(64);
      NDArray logits = users.matMul(items.transpose()).div(temperature).sub(logQ.expandDims(0));
      NDArray duplicate = ids.expandDims(1).eq(ids.expandDims(0)).logicalAnd(diagonal.eq(0))
          .logicalAnd(ids.gt(1).expandDims(1));
      logits = logits.sub(duplicate.toType(DataType.FLOAT32, false).mul(M));
      float expected = logits.logSoftmax(1).mul(diagonal).sum(new int[] {1}).neg().mean().getFloat();
      assertEquals(expected, loss, 1e-5f);
    }
  }
}
