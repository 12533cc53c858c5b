package dev.recsys.export.onnx;

import java.util.List;

/**
 * The user tower of the two-tower model as plain arrays. The tower concatenates [user-id embedding, mean of
 * the history's item-id embeddings (padding excluded), user dense features], applies {@code hidden} (each
 * followed by ReLU), then {@code projection}, and L2-normalises the result.
 *
 * @param userIds user-id embedding table
 * @param itemIds the item tower's item-id table, shared for pooling the history
 * @param denseDim width of {@code user_dense}
 * @param hidden hidden layers, each followed by ReLU; may be empty
 * @param projection the last linear layer, to the output dimension
 */
public record UserTowerWeights(
    EmbeddingTable userIds, EmbeddingTable itemIds, int denseDim, List<DenseLayer> hidden, DenseLayer projection) {

  public UserTowerWeights {
    if (denseDim <= 0) {
      throw new IllegalArgumentException("user dense width must be > 0, got " + denseDim);
    }
    hidden = List.copyOf(hidden);
    int width = Layers.chain("user tower", userIds.dim() + itemIds.dim() + denseDim, hidden);
    Layers.chain("user tower projection", width, List.of(projection));
  }

  /** Returns the width of the user vector. */
  public int outputDim() {
    return projection.out();
  }
}
