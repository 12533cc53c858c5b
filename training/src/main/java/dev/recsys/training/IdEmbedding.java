package dev.recsys.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.recsys.export.onnx.EmbeddingTable;

/**
 * An embedding table over integer indexes (0 padding, 1 oov, ids from 2): int64 indexes of any shape [..] map to
 * float32 rows [.., dim]. Unlike DJL's {@code Embedding} it needs no vocabulary object, only the row count.
 */
final class IdEmbedding extends AbstractBlock {

  private static final float INIT_SIGMA = 0.05f;

  private final int rows;
  private final int dim;
  private final Parameter weight;

  IdEmbedding(int rows, int dim) {
    this.rows = rows;
    this.dim = dim;
    weight = addParameter(Parameter.builder()
        .setName("weight")
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, dim))
        .optInitializer(new NormalInitializer(INIT_SIGMA))
        .build());
  }

  /** Returns the rows picked by {@code indexes}. */
  NDArray embed(ParameterStore ps, NDArray indexes, boolean training) {
    return forward(ps, new NDList(indexes), training).singletonOrThrow();
  }

  /** Returns the mean of the rows of the non-padding (index &gt; 0) positions of indexes [B, L]: [B, dim]. */
  NDArray meanPool(ParameterStore ps, NDArray indexes, boolean training) {
    NDArray embedded = embed(ps, indexes, training); // [B, L, dim]
    NDArray mask = indexes.gt(0).toType(DataType.FLOAT32, false); // [B, L]
    NDArray sum = embedded.mul(mask.expandDims(2)).sum(new int[] {1}); // [B, dim]
    // An all-padding row has count 0; dividing by 1 leaves its zero sum as the pooled vector.
    NDArray count = mask.sum(new int[] {1}, true); // [B, 1]
    count = count.maximum(GraphScalars.of(count, 1f));
    return sum.div(count);
  }

  /** Returns the table as plain arrays. */
  EmbeddingTable toTable() {
    return new EmbeddingTable(weight.getArray().toFloatArray(), rows, dim);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray indexes = inputs.singletonOrThrow();
    return Embedding.embedding(indexes, ps.getValue(weight, indexes.getDevice(), training), SparseFormat.DENSE);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(dim)};
  }
}
