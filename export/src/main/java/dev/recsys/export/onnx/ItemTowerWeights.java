package dev.recsys.export.onnx;

import java.util.List;

/**
 * The item tower of the two-tower model as plain arrays. The tower concatenates [item-id embedding, category
 * embedding, mean of the content-token embeddings (padding excluded), item dense features], applies
 * {@code hidden} (each followed by ReLU), then {@code projection}, and L2-normalises the result.
 *
 * @param itemIds item-id embedding table
 * @param categories category embedding table
 * @param tokens content-token embedding table
 * @param denseDim width of {@code item_dense}
 * @param hidden hidden layers, each followed by ReLU; may be empty
 * @param projection the last linear layer, to the output dimension
 */
public record ItemTowerWeights(
    EmbeddingTable itemIds,
    EmbeddingTable categories,
    EmbeddingTable tokens,
    int denseDim,
    List<DenseLayer> hidden,
    DenseLayer projection) {

  public ItemTowerWeights {
    if (denseDim <= 0) {
      throw new IllegalArgumentException("item dense width must be > 0, got " + denseDim);
    }
    hidden = List.copyOf(hidden);
    int width = Layers.chain("item tower", itemIds.dim() + categories.dim() + tokens.dim() + denseDim, hidden);
    Layers.chain("item tower projection", width, List.of(projection));
  }

  /** Returns the width of the item vector. */
  public int outputDim() {
    return projection.out();
  }
}
