package dev.recsys.features.schema;

import java.util.List;
import java.util.stream.Collectors;

/** A named, versioned list of columns: the one definition a table has, from which the Spark schema is derived. */
public record TableSchema(String name, int version, List<Column> columns) {

  public TableSchema {
    columns = List.copyOf(columns);
    long distinct = columns.stream().map(Column::name).distinct().count();
    if (distinct != columns.size()) {
      throw new IllegalArgumentException("table " + name + " declares a column twice: " + names());
    }
  }

  public List<String> names() {
    return columns.stream().map(Column::name).collect(Collectors.toList());
  }

  /** Returns the column with this name, or fails naming the columns the table has. */
  public Column column(String name) {
    return columns.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "table " + this.name + " has no column '" + name + "'. Columns: " + names()));
  }
}
