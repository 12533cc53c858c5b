package dev.recsys.features.snapshot;

import java.util.Objects;

/**
 * Reads one {@link ColumnKind#FLOAT_VECTOR} column of a {@link Snapshot}: {@link #dim()} floats per row, stored
 * row after row. Thread-safe; {@link #copyInto} fills a caller's array without allocating.
 */
public final class VectorColumn {

  private final MappedFile file;
  private final long base;
  private final int rows;
  private final int dim;

  VectorColumn(MappedFile file, long base, int rows, int dim) {
    this.file = file;
    this.base = base;
    this.rows = rows;
    this.dim = dim;
  }

  /** Returns the number of floats in every row. */
  public int dim() {
    return dim;
  }

  /** Returns a copy of row {@code row}. */
  public float[] get(int row) {
    float[] v = new float[dim];
    copyInto(row, v, 0);
    return v;
  }

  /** Copies row {@code row} into {@code dst[offset .. offset + dim())}. */
  public void copyInto(int row, float[] dst, int offset) {
    file.checkOpen();
    Objects.checkIndex(row, rows);
    Objects.checkFromIndexSize(offset, dim, dst.length);
    file.getFloats(base + 4L * dim * row, dst, offset, dim);
  }
}
