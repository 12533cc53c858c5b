package dev.recsys.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.recsys.export.onnx.DenseLayer;
import dev.recsys.export.onnx.EmbeddingTable;
import dev.recsys.export.onnx.ItemTowerWeights;
import dev.recsys.export.onnx.OnnxGraphs;
import dev.recsys.export.onnx.TwoTowerWeights;
import dev.recsys.export.onnx.UserTowerWeights;
import java.util.List;

/**
 * The two towers as one DJL block. Inputs, in order: user_idx [B], user_dense [B, Du], hist_items [B, H],
 * item_idx [B], item_cat [B], item_dense [B, Di], item_tokens [B, T]; outputs user_vec [B, D], item_vec [B, D].
 * The user's history is pooled with the item tower's item-id table.
 */
final class TwoTowerBlock extends AbstractBlock {

  private final TwoTowerConfig config;
  private final IdEmbedding userIds;
  private final IdEmbedding itemIds;
  private final IdEmbedding categories;
  private final IdEmbedding tokens;
  private final SequentialBlock userMlp;
  private final SequentialBlock itemMlp;

  TwoTowerBlock(TwoTowerConfig config) {
    this.config = config;
    int e = config.embeddingDim();
    userIds = addChildBlock("user_ids", new IdEmbedding(config.userVocab(), e));
    itemIds = addChildBlock("item_ids", new IdEmbedding(config.itemVocab(), e));
    categories = addChildBlock("categories", new IdEmbedding(config.categoryVocab(), e));
    tokens = addChildBlock("tokens", new IdEmbedding(config.tokenVocab(), e));
    userMlp = addChildBlock("user_mlp", Mlps.build(config.hiddenSizes(), config.outputDim(), false));
    itemMlp = addChildBlock("item_mlp", Mlps.build(config.hiddenSizes(), config.outputDim(), false));
  }

  /** Returns the L2-normalised user vectors [B, D]. */
  NDArray userVectors(ParameterStore ps, NDArray userIdx, NDArray dense, NDArray history, boolean training) {
    // [B, E], [B, E], [B, Du] -> [B, 2E + Du]
    NDArray x = NDArrays.concat(new NDList(
        userIds.embed(ps, userIdx, training), itemIds.meanPool(ps, history, training), dense), 1);
    return l2Normalize(userMlp.forward(ps, new NDList(x), training).singletonOrThrow());
  }

  /** Returns the L2-normalised item vectors [B, D]. */
  NDArray itemVectors(
      ParameterStore ps, NDArray itemIdx, NDArray category, NDArray dense, NDArray tokenIdx, boolean training) {
    // [B, E], [B, E], [B, E], [B, Di] -> [B, 3E + Di]
    NDArray x = NDArrays.concat(new NDList(
        itemIds.embed(ps, itemIdx, training),
        categories.embed(ps, category, training),
        tokens.meanPool(ps, tokenIdx, training),
        dense), 1);
    return l2Normalize(itemMlp.forward(ps, new NDList(x), training).singletonOrThrow());
  }

  /** Returns the trained weights as plain arrays. */
  TwoTowerWeights weights() {
    List<DenseLayer> user = Mlps.denseLayers(userMlp);
    List<DenseLayer> item = Mlps.denseLayers(itemMlp);
    EmbeddingTable itemTable = itemIds.toTable();
    return new TwoTowerWeights(
        new UserTowerWeights(userIds.toTable(), itemTable, config.userDenseDim(),
            user.subList(0, user.size() - 1), user.get(user.size() - 1)),
        new ItemTowerWeights(itemTable, categories.toTable(), tokens.toTable(), config.itemDenseDim(),
            item.subList(0, item.size() - 1), item.get(item.size() - 1)));
  }

  /** Returns the shapes to initialise the block with: one row of each input. */
  static Shape[] inputShapes(TwoTowerConfig c) {
    return new Shape[] {
      new Shape(1), new Shape(1, c.userDenseDim()), new Shape(1, 1),
      new Shape(1), new Shape(1), new Shape(1, c.itemDenseDim()), new Shape(1, 1)
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(
        userVectors(ps, in.get(0), in.get(1), in.get(2), training),
        itemVectors(ps, in.get(3), in.get(4), in.get(5), in.get(6), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (IdEmbedding table : List.of(userIds, itemIds, categories, tokens)) {
      table.initialize(manager, dataType, new Shape(1));
    }
    int e = config.embeddingDim();
    userMlp.initialize(manager, dataType, new Shape(1, 2L * e + config.userDenseDim()));
    itemMlp.initialize(manager, dataType, new Shape(1, 3L * e + config.itemDenseDim()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {new Shape(batch, config.outputDim()), new Shape(batch, config.outputDim())};
  }

  /** Returns x [B, D] divided by max(its L2 norm, epsilon), as the exported graph computes it. */
  static NDArray l2Normalize(NDArray x) {
    NDArray norm = x.norm(new int[] {1}, true);
    return x.div(norm.maximum(GraphScalars.of(norm, OnnxGraphs.NORM_EPSILON)));
  }
}
