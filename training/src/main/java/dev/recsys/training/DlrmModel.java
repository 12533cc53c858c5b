package dev.recsys.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import dev.recsys.export.onnx.DlrmWeights;

/**
 * A trained DLRM ranking model: click (and purchase) probabilities from plain arrays, and its weights for ONNX
 * export. Not thread-safe; close it to free the native memory.
 */
public final class DlrmModel implements AutoCloseable {

  private final DlrmConfig config;
  private final DlrmBlock block;
  private final Model model;

  DlrmModel(DlrmConfig config, Device device) {
    this.config = config;
    this.block = new DlrmBlock(config);
    this.model = Model.newInstance("dlrm", device);
    model.setBlock(block);
  }

  /** Returns the architecture. */
  public DlrmConfig config() {
    return config;
  }

  /** Returns the click probabilities [B] and, with the purchase head, the purchase probabilities [B]. */
  public RankingScores predict(RankingFeatures features) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList in = inputs(m, features);
      NDArray probs = Activation.sigmoid(block.logits(new ParameterStore(m, false), in.get(0), in.get(1), false));
      float[] click = probs.get(":, 0").toFloatArray();
      return new RankingScores(click, config.purchaseHead() ? probs.get(":, 1").toFloatArray() : null);
    }
  }

  /** Returns the weights as plain arrays, for {@code OnnxGraphs}. */
  public DlrmWeights weights() {
    return block.weights();
  }

  /** Frees the parameters' native memory. */
  @Override
  public void close() {
    model.close();
  }

  Model djlModel() {
    return model;
  }

  /** Returns the block inputs dense [B, Dd] and sparse [B, S]. */
  NDList inputs(NDManager m, RankingFeatures f) {
    Shapes.checkWidth("dense", f.denseDim(), config.denseDim());
    Shapes.checkWidth("sparse", f.sparseDim(), config.sparseDim());
    Shapes.checkColumnIndexes("sparse", f.sparse(), config.cardinalities());
    return new NDList(
        m.create(f.dense(), new Shape(f.size(), f.denseDim())),
        m.create(f.sparse(), new Shape(f.size(), f.sparseDim())));
  }
}
