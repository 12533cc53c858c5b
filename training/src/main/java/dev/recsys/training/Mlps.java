package dev.recsys.training;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.recsys.export.onnx.DenseLayer;
import java.util.ArrayList;
import java.util.List;

/** Builds multi-layer perceptrons from DJL {@code Linear} layers and reads their weights back as plain arrays. */
final class Mlps {

  private Mlps() {}

  /** Returns Linear layers of widths {@code hidden} then {@code out}, with ReLU after each hidden layer. */
  static SequentialBlock build(List<Integer> hidden, int out, boolean reluAfterLast) {
    SequentialBlock mlp = new SequentialBlock();
    for (int width : hidden) {
      mlp.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
    }
    mlp.add(Linear.builder().setUnits(out).build());
    if (reluAfterLast) {
      mlp.add(Activation.reluBlock());
    }
    return mlp;
  }

  /** Returns the Linear layers of {@code mlp} in order, weights row-major [out, in] as DJL stores them. */
  static List<DenseLayer> denseLayers(SequentialBlock mlp) {
    List<DenseLayer> layers = new ArrayList<>();
    for (Block child : mlp.getChildren().values()) {
      if (child instanceof Linear) {
        float[] weight = child.getParameters().get("weight").getArray().toFloatArray();
        float[] bias = child.getParameters().get("bias").getArray().toFloatArray();
        long[] shape = child.getParameters().get("weight").getArray().getShape().getShape(); // [out, in]
        layers.add(new DenseLayer(weight, bias, (int) shape[1], (int) shape[0]));
      }
    }
    return layers;
  }
}
