package dev.recsys.export.onnx;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the ranking inputs ({@code dense} float32 [B, Dd], {@code sparse} int64 [B, S]) become the flat feature
 * vector a tree ensemble is trained on: dense columns as they are, ordered categoricals (price bucket) as their
 * index, small categoricals one-hot (one 0/1 feature per vocabulary index), and high-cardinality ids (the item
 * index) left out. The exported graph reads the raw inputs, so it needs no one-hot tensor: a split on a one-hot
 * feature becomes an equality test on the categorical column.
 *
 * @param denseWidth width of the dense input
 * @param sparseWidth width of the sparse input
 * @param features the features in training order
 */
public record TreeFeatures(int denseWidth, int sparseWidth, List<Feature> features) implements Serializable {

  /** What one flat feature reads. */
  public enum Kind {
    /** {@code dense[column]}. */
    DENSE,
    /** {@code sparse[column]} as a number. */
    ORDINAL,
    /** 1 when {@code sparse[column] == value}, else 0. */
    ONE_HOT
  }

  /** One feature of the flat vector. */
  public record Feature(String name, Kind kind, int column, long value) implements Serializable {}

  /** How one sparse column is encoded by {@link #of}. */
  public record Sparse(String name, Kind kind, int cardinality) implements Serializable {

    /** A column left out of the trees. */
    public static Sparse dropped(String name) {
      return new Sparse(name, null, 0);
    }
  }

  public TreeFeatures {
    features = List.copyOf(features);
    for (Feature f : features) {
      int width = f.kind() == Kind.DENSE ? denseWidth : sparseWidth;
      if (f.column() < 0 || f.column() >= width) {
        throw new IllegalArgumentException("feature " + f.name() + " reads column " + f.column() + " of a "
            + (f.kind() == Kind.DENSE ? "dense" : "sparse") + " input of width " + width);
      }
    }
  }

  /** Returns the encoding of {@code denseWidth} dense columns followed by {@code sparse}, one entry per column. */
  public static TreeFeatures of(int denseWidth, List<Sparse> sparse) {
    List<Feature> out = new ArrayList<>();
    for (int j = 0; j < denseWidth; j++) {
      out.add(new Feature("dense_" + j, Kind.DENSE, j, 0));
    }
    for (int s = 0; s < sparse.size(); s++) {
      Sparse c = sparse.get(s);
      if (c.kind() == null) {
        continue;
      }
      switch (Objects.requireNonNull(c.kind())) {
        case ORDINAL -> out.add(new Feature(c.name(), Kind.ORDINAL, s, 0));
        case ONE_HOT -> {
          for (int v = 0; v < c.cardinality(); v++) {
            out.add(new Feature(c.name() + "=" + v, Kind.ONE_HOT, s, v));
          }
        }
        default -> throw new IllegalArgumentException("sparse column " + c.name() + " cannot be " + c.kind());
      }
    }
    return new TreeFeatures(denseWidth, sparse.size(), out);
  }

  /** Returns the number of flat features. */
  public int width() {
    return features.size();
  }

  /** Returns the flat feature vector of one row. */
  public float[] encode(float[] dense, long[] sparse) {
    if (dense.length != denseWidth || sparse.length != sparseWidth) {
      throw new IllegalArgumentException("tree features expect " + denseWidth + " dense and " + sparseWidth
          + " sparse values but received " + dense.length + " and " + sparse.length);
    }
    float[] out = new float[features.size()];
    for (int f = 0; f < out.length; f++) {
      Feature x = features.get(f);
      out[f] = switch (x.kind()) {
        case DENSE -> dense[x.column()];
        case ORDINAL -> sparse[x.column()];
        case ONE_HOT -> sparse[x.column()] == x.value() ? 1f : 0f;
      };
    }
    return out;
  }
}
