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
    float[] offsets = InBatchSoftmaxLoss.offsets(new long[] {5, 1, 5, 1, 7}, q, 1f, 5);

    assertArrayEquals(new float[] {
      -1f, -2f, -3f + M, -4f, -5f,
      -1f, -2f, -3f, -4f, -5f,
      -1f + M, -2f, -3f, -4f, -5f,
      -1f, -2f, -3f, -4f, -5f,
      -1f, -2f, -3f, -4f, -5f}, offsets);
  }

  @Test
  void extraNegativeColumnsAreMaskedWhereTheyHoldTheRowsItemAndTheWeightScalesTheCorrection() {
    // Two rows (items 5 and 7), then three drawn negatives: item 7, item 9 and the oov id; log-q weight 2.
    float[] offsets = InBatchSoftmaxLoss.offsets(new long[] {5, 7, 7, 9, 1}, new float[] {-1f, -2f, -3f, -4f, -5f},
        2f, 2);

    assertArrayEquals(new float[] {
      -2f, -4f, -6f, -8f, -10f,
      -2f, -4f, -6f + M, -8f, -10f}, offsets);
  }

  @Test
  void expectedCountsAreTheLogQCorrectionUpToAConstantWithoutUniformNegatives() {
    float[] logQ = {(float) Math.log(0.5), (float) Math.log(0.01)};

    float[] inBatch = InBatchSoftmaxLoss.logExpectedCounts(logQ, 100, 0, 1000);
    float[] mixed = InBatchSoftmaxLoss.logExpectedCounts(logQ, 100, 500, 1000);

    assertEquals(logQ[0] - logQ[1], inBatch[0] - inBatch[1], 1e-5f);
    // 100 * 0.5 + 0.5 and 100 * 0.01 + 0.5 expected copies: the rare item's lift shrinks from log 50 to log 33.7.
    assertEquals((float) Math.log(50.5), mixed[0], 1e-5f);
    assertEquals((float) Math.log(1.5), mixed[1], 1e-5f);
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
      float logqWeight = 1.5f;

      float loss = new InBatchSoftmaxLoss(temperature, logqWeight)
          .evaluate(new NDList(logQ, ids), new NDList(users, items)).getFloat();

      NDArray diagonal = m.eye(64);
      NDArray logits = users.matMul(items.transpose()).div(temperature).sub(logQ.mul(logqWeight).expandDims(0));
      NDArray duplicate = ids.expandDims(1).eq(ids.expandDims(0)).logicalAnd(diagonal.eq(0))
          .logicalAnd(ids.gt(1).expandDims(1));
      logits = logits.sub(duplicate.toType(DataType.FLOAT32, false).mul(M));
      float expected = logits.logSoftmax(1).mul(diagonal).sum(new int[] {1}).neg().mean().getFloat();
      assertEquals(expected, loss, 1e-5f);
    }
  }
}
