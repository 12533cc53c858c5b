package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The backward passes of the graph code that uses scalars give the same gradients when the garbage collector runs
 * between forward and backward and the freed small buffers are written over, as happens in a long training run.
 * With DJL's number overloads they did not: gradients through the temperature came back scaled by 1e-30 (or 1e30),
 * and the maximums of the normalisation and the cross-entropy passed them to the wrong side.
 */
class GraphScalarsTest {

  private static final float[] X = {0.3f, -1.2f, 2.0f, 0.01f, -0.4f, 1.1f, 0.0f, -2.5f};
  private static final Shape SHAPE = new Shape(2, 4);

  @Test
  void inBatchSoftmaxTemperature() throws InterruptedException {
    InBatchSoftmaxLoss loss = new InBatchSoftmaxLoss(0.05f, 1f);
    Function<NDArray, NDArray> f = users -> loss.evaluate(
        new NDList(users.getManager().create(new float[] {-1f, -2f}), users.getManager().create(new long[] {5, 7})),
        new NDList(users, users.getManager().create(new float[] {1f, 0f, 0f, 1f, 0f, 1f, 1f, 0f}, SHAPE)));
    assertArrayEquals(gradient(f, false), gradient(f, true), 1e-6f);
  }

  @Test
  void l2NormalizationEpsilon() throws InterruptedException {
    Function<NDArray, NDArray> f = x -> TwoTowerBlock.l2Normalize(x).get(":, 0").sum();
    assertArrayEquals(gradient(f, false), gradient(f, true), 1e-6f);
  }

  @Test
  void binaryCrossEntropyOnLogits() throws InterruptedException {
    Function<NDArray, NDArray> f = logits -> ClickPurchaseLoss.bceWithLogits(
        logits.reshape(8), logits.getManager().create(new float[] {1f, 0f, 1f, 1f, 0f, 0f, 1f, 0f}));
    assertArrayEquals(gradient(f, false), gradient(f, true), 1e-6f);
  }

  /**
   * Returns the gradient of the scalar {@code f(x)} at {@link #X}; with {@code churn}, between forward and
   * backward the garbage collector runs and a thousand new 4-byte direct buffers are filled with 1e30.
   */
  private static float[] gradient(Function<NDArray, NDArray> f, boolean churn) throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(X, SHAPE);
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = f.apply(x);
        List<ByteBuffer> overwritten = new ArrayList<>(); // held until the backward, so nothing frees them again
        if (churn) {
          System.gc();
          Thread.sleep(200); // the cleaner frees collected direct buffers on its own thread
          for (int i = 0; i < 1000; i++) {
            overwritten.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, 1e30f));
          }
        }
        collector.backward(y);
        return x.getGradient().toFloatArray();
      }
    }
  }
}
