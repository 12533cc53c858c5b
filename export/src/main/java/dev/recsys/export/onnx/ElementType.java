package dev.recsys.export.onnx;

/** The tensor element types the recsys models use. */
public enum ElementType {
  FLOAT32("float32"),
  INT64("int64");

  private final String label;

  ElementType(String label) {
    this.label = label;
  }

  /** Returns the numpy-style name, as printed in spec mismatch messages. */
  @Override
  public String toString() {
    return label;
  }
}
