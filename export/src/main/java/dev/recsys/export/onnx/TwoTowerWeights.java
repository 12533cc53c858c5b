package dev.recsys.export.onnx;

import java.util.Arrays;

/** Both towers of a two-tower retrieval model; the user tower's {@code itemIds} is the item tower's table. */
public record TwoTowerWeights(UserTowerWeights user, ItemTowerWeights item) {

  public TwoTowerWeights {
    if (user.outputDim() != item.outputDim()) {
      throw new IllegalArgumentException(
          "user vectors have " + user.outputDim() + " dims but item vectors have " + item.outputDim());
    }
    EmbeddingTable pooled = user.itemIds();
    EmbeddingTable ids = item.itemIds();
    if (pooled.rows() != ids.rows() || pooled.dim() != ids.dim() || !Arrays.equals(pooled.data(), ids.data())) {
      throw new IllegalArgumentException("the user tower must pool its history with the item tower's item-id table");
    }
  }
}
