package dev.recsys.training;

import java.util.List;

/** Checks on flat arrays and index ranges; each failure names the tensor and both sizes. */
final class Shapes {

  private Shapes() {}

  /** Checks that a flat array of {@code length} values holds {@code rows} rows of {@code width}. */
  static void checkRows(String name, int length, int rows, int width) {
    if (width <= 0) {
      throw new IllegalArgumentException(name + " width must be > 0, got " + width);
    }
    if (length != (long) rows * width) {
      throw new IllegalArgumentException(
          name + " has " + length + " values but the batch needs " + rows + " x " + width + " = " + rows * width);
    }
  }

  /** Checks that every index is in [0, rows): a vocabulary of {@code rows} rows including padding and oov. */
  static void checkIndexes(String name, long[] indexes, int rows) {
    for (long v : indexes) {
      if (v < 0 || v >= rows) {
        throw new IllegalArgumentException(
            name + " holds index " + v + " but its vocabulary has " + rows + " rows (0 padding, 1 oov)");
      }
    }
  }

  /** Checks that column s of the row-major [B, S] {@code indexes} is in [0, cardinalities[s]). */
  static void checkColumnIndexes(String name, long[] indexes, List<Integer> cardinalities) {
    int columns = cardinalities.size();
    for (int k = 0; k < indexes.length; k++) {
      int column = k % columns;
      long v = indexes[k];
      if (v < 0 || v >= cardinalities.get(column)) {
        throw new IllegalArgumentException(name + " column " + column + " holds index " + v + " but its table has "
            + cardinalities.get(column) + " rows (0 padding, 1 oov)");
      }
    }
  }

  /** Checks that an input's width matches the model's. */
  static void checkWidth(String name, int given, int expected) {
    if (given != expected) {
      throw new IllegalArgumentException("model expects " + name + " of width " + expected + " but received " + given);
    }
  }
}
