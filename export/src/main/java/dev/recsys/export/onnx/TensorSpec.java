package dev.recsys.export.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The name, element type and shape of one model input or output; a dimension of {@link #DYNAMIC} (printed
 * {@code ?}) accepts any size, as the batch dimension does.
 */
public record TensorSpec(String name, ElementType type, List<Long> shape) {

  /** The size of a dimension that may take any value. */
  public static final long DYNAMIC = -1;

  public TensorSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tensor spec needs a name");
    }
    shape = List.copyOf(shape);
    for (long d : shape) {
      if (d < DYNAMIC) {
        throw new IllegalArgumentException(name + ": dimension sizes must be >= 0 or DYNAMIC, got " + shape);
      }
    }
  }

  /** Returns a spec with the given dimensions; pass {@link #DYNAMIC} for the batch dimension. */
  public static TensorSpec of(String name, ElementType type, long... shape) {
    List<Long> dims = new ArrayList<>(shape.length);
    for (long d : shape) {
      dims.add(d);
    }
    return new TensorSpec(name, type, dims);
  }

  /** Returns whether a tensor described by {@code other} can be fed where this spec is declared. */
  public boolean accepts(TensorSpec other) {
    if (!name.equals(other.name) || type != other.type || shape.size() != other.shape.size()) {
      return false;
    }
    for (int i = 0; i < shape.size(); i++) {
      long mine = shape.get(i);
      if (mine != DYNAMIC && mine != other.shape.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Returns the shape as printed in messages, for example {@code [?, 12]}. */
  public String shapeString() {
    return shape.stream().map(d -> d == DYNAMIC ? "?" : Long.toString(d)).collect(Collectors.joining(", ", "[", "]"));
  }

  /** Returns {@code name type [dims]}, for example {@code user_dense float32 [?, 12]}. */
  @Override
  public String toString() {
    return name + " " + type + " " + shapeString();
  }
}
