package dev.recsys.export.onnx;

import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/** One named input tensor for {@link OnnxScorer}: a flat row-major array and its shape (1st axis is batch). */
public final class TensorInput {

  private final String name;
  private final ElementType type;
  private final Buffer data;
  private final long[] shape;

  private TensorInput(String name, ElementType type, Buffer data, int length, long[] shape) {
    long size = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      size *= d;
    }
    if (size != length) {
      throw new IllegalArgumentException(
          name + " has " + length + " values but shape " + Arrays.toString(shape) + " needs " + size);
    }
    this.name = name;
    this.type = type;
    this.data = data;
    this.shape = shape.clone();
  }

  /** Returns a float32 input over {@code data} (not copied). */
  public static TensorInput floats(String name, float[] data, long... shape) {
    return new TensorInput(name, ElementType.FLOAT32, FloatBuffer.wrap(data), data.length, shape);
  }

  /** Returns an int64 input over {@code data} (not copied). */
  public static TensorInput longs(String name, long[] data, long... shape) {
    return new TensorInput(name, ElementType.INT64, LongBuffer.wrap(data), data.length, shape);
  }

  /** Returns the input name. */
  public String name() {
    return name;
  }

  /** Returns the element type. */
  public ElementType type() {
    return type;
  }

  /** Returns a copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** Returns a view over the values, positioned at the start. */
  Buffer buffer() {
    return type == ElementType.FLOAT32 ? ((FloatBuffer) data).duplicate() : ((LongBuffer) data).duplicate();
  }
}
