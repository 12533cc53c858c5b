package dev.recsys.features.schema;

import java.util.Objects;

/** One column of a table: a stable snake_case name, its type, whether it may be null, and what it means. */
public record Column(String name, ColumnType type, boolean nullable, String description) {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("column names are snake_case, got '" + name + "'");
    }
  }

  public static Column required(String name, ColumnType type, String description) {
    return new Column(name, type, false, description);
  }

  public static Column optional(String name, ColumnType type, String description) {
    return new Column(name, type, true, description);
  }
}
