package dev.recsys.export.onnx;

/**
 * An embedding table as a plain array. Row 0 is padding and row 1 out-of-vocabulary, as in every recsys
 * vocabulary; real ids start at row 2.
 *
 * @param data row-major [rows, dim]
 * @param rows vocabulary size including the padding and out-of-vocabulary rows
 * @param dim embedding width
 */
public record EmbeddingTable(float[] data, int rows, int dim) {

  public EmbeddingTable {
    if (rows < 2 || dim <= 0) {
      throw new IllegalArgumentException("embedding table needs rows >= 2 (padding, oov) and dim > 0, got rows="
          + rows + ", dim=" + dim);
    }
    if (data.length != (long) rows * dim) {
      throw new IllegalArgumentException("embedding table has " + data.length + " values but [rows=" + rows
          + ", dim=" + dim + "] needs " + rows * dim);
    }
  }
}
