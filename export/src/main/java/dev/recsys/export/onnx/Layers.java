package dev.recsys.export.onnx;

import java.util.List;

/** Shape checks shared by the weight records; each failure names both widths. */
final class Layers {

  private Layers() {}

  /** Returns the output width of {@code layers} fed {@code inputWidth} values, checking each layer's input width. */
  static int chain(String what, int inputWidth, List<DenseLayer> layers) {
    int width = inputWidth;
    for (int i = 0; i < layers.size(); i++) {
      DenseLayer layer = layers.get(i);
      if (layer.in() != width) {
        throw new IllegalArgumentException(
            what + " layer " + i + " expects " + layer.in() + " inputs but receives " + width);
      }
      width = layer.out();
    }
    return width;
  }
}
