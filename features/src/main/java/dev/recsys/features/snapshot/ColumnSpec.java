package dev.recsys.features.snapshot;

import java.util.Objects;

/**
 * One column of a snapshot: a snake_case name, its kind, and the vector dimension ({@code dim > 0} for
 * {@link ColumnKind#FLOAT_VECTOR}, 0 for every other kind).
 */
public record ColumnSpec(String name, ColumnKind kind, int dim) {

  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("snapshot column names are snake_case, got '" + name + "'");
    }
    if (kind == ColumnKind.FLOAT_VECTOR ? dim <= 0 : dim != 0) {
      throw new IllegalArgumentException("column '" + name + "' (" + kind + ") needs dim "
          + (kind == ColumnKind.FLOAT_VECTOR ? "> 0" : "0") + ", got " + dim);
    }
  }

  /** Returns the spec of FLOAT column {@code name}. */
  public static ColumnSpec floats(String name) {
    return new ColumnSpec(name, ColumnKind.FLOAT, 0);
  }

  /** Returns the spec of INT column {@code name}. */
  public static ColumnSpec ints(String name) {
    return new ColumnSpec(name, ColumnKind.INT, 0);
  }

  /** Returns the spec of LONG column {@code name}. */
  public static ColumnSpec longs(String name) {
    return new ColumnSpec(name, ColumnKind.LONG, 0);
  }

  /** Returns the spec of FLOAT_VECTOR column {@code name} holding {@code dim} floats per row. */
  public static ColumnSpec vector(String name, int dim) {
    return new ColumnSpec(name, ColumnKind.FLOAT_VECTOR, dim);
  }

  /** Returns the spec of INT_LIST column {@code name}. */
  public static ColumnSpec intLists(String name) {
    return new ColumnSpec(name, ColumnKind.INT_LIST, 0);
  }

  /** Returns the spec of STRING column {@code name}. */
  public static ColumnSpec strings(String name) {
    return new ColumnSpec(name, ColumnKind.STRING, 0);
  }

  /** Returns the name with its kind, as error messages list columns: {@code emb (FLOAT_VECTOR[16])}. */
  @Override
  public String toString() {
    return name + " (" + kind + (kind == ColumnKind.FLOAT_VECTOR ? "[" + dim + "]" : "") + ")";
  }
}
