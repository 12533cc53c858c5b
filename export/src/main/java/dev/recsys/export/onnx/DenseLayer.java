package dev.recsys.export.onnx;

/**
 * A fully connected layer {@code y = x W^T + b} as plain arrays.
 *
 * @param weight row-major [out, in] (PyTorch / DJL {@code Linear} layout: row o holds the weights of output o)
 * @param bias length {@code out}
 * @param in input width
 * @param out output width
 */
public record DenseLayer(float[] weight, float[] bias, int in, int out) {

  public DenseLayer {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("dense layer needs in > 0 and out > 0, got in=" + in + ", out=" + out);
    }
    if (weight.length != (long) in * out) {
      throw new IllegalArgumentException(
          "dense layer weight has " + weight.length + " values but [out=" + out + ", in=" + in + "] needs " + in * out);
    }
    if (bias.length != out) {
      throw new IllegalArgumentException("dense layer bias has " + bias.length + " values but out=" + out);
    }
  }
}
