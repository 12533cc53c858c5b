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
import dev.recsys.export.onnx.DlrmWeights;
import dev.recsys.export.onnx.EmbeddingTable;
import dev.recsys.export.onnx.OnnxGraphs;
import java.util.ArrayList;
import java.util.List;

/**
 * DLRM as one DJL block. Inputs dense [B, Dd] and sparse [B, S]; output the logits [B, heads] (click, then
 * purchase when that head is on). The bottom MLP maps dense to d; with the S embeddings that makes n = S + 1
 * vectors, whose pairwise dot products (i &lt; j) follow the bottom output into the top MLP.
 */
final class DlrmBlock extends AbstractBlock {

  private final DlrmConfig config;
  private final SequentialBlock bottom;
  private final List<IdEmbedding> tables = new ArrayList<>();
  private final SequentialBlock top;
  /** Flat indexes i * n + j of the pairs i &lt; j in an n x n matrix. */
  private final long[] pairIndexes;

  DlrmBlock(DlrmConfig config) {
    this.config = config;
    bottom = addChildBlock("bottom", Mlps.build(config.bottomHidden(), config.embeddingDim(), true));
    for (int s = 0; s < config.sparseDim(); s++) {
      tables.add(addChildBlock("table_" + s, new IdEmbedding(config.cardinalities().get(s), config.embeddingDim())));
    }
    top = addChildBlock("top", Mlps.build(config.topHidden(), config.heads(), false));
    pairIndexes = OnnxGraphs.upperTriangle(config.sparseDim() + 1);
  }

  /** Returns the logits [B, heads]. */
  NDArray logits(ParameterStore ps, NDArray dense, NDArray sparse, boolean training) {
    int n = tables.size() + 1;
    long batch = dense.getShape().get(0);
    NDList vectors = new NDList(n);
    NDArray x = bottom.forward(ps, new NDList(dense), training).singletonOrThrow(); // [B, d]
    vectors.add(x);
    for (int s = 0; s < tables.size(); s++) {
      vectors.add(tables.get(s).embed(ps, sparse.get(":, " + s), training)); // [B, d]
    }
    NDArray stacked = NDArrays.stack(vectors, 1); // [B, n, d]
    NDArray dots = stacked.batchMatMul(stacked.transpose(0, 2, 1)).reshape(batch, (long) n * n); // [B, n * n]
    // gather wants an index of the same rank: the pair indexes repeated for every row, [B, P].
    NDArray index = dense.getManager()
        .create(pairIndexes, new Shape(1, pairIndexes.length))
        .broadcast(batch, pairIndexes.length);
    NDArray pairs = dots.gather(index, 1); // [B, P]
    return top.forward(ps, new NDList(x.concat(pairs, 1)), training).singletonOrThrow();
  }

  /** Returns the trained weights as plain arrays. */
  DlrmWeights weights() {
    List<EmbeddingTable> plain = tables.stream().map(IdEmbedding::toTable).toList();
    List<DenseLayer> topLayers = Mlps.denseLayers(top);
    return new DlrmWeights(config.denseDim(), Mlps.denseLayers(bottom), plain,
        topLayers.subList(0, topLayers.size() - 1), topLayers.get(topLayers.size() - 1));
  }

  /** Returns the shapes to initialise the block with: one row of each input. */
  static Shape[] inputShapes(DlrmConfig c) {
    return new Shape[] {new Shape(1, c.denseDim()), new Shape(1, c.sparseDim())};
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(logits(ps, in.get(0), in.get(1), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    bottom.initialize(manager, dataType, new Shape(1, config.denseDim()));
    for (IdEmbedding table : tables) {
      table.initialize(manager, dataType, new Shape(1));
    }
    int n = tables.size() + 1;
    top.initialize(manager, dataType, new Shape(1, config.embeddingDim() + (long) n * (n - 1) / 2));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.heads())};
  }
}
