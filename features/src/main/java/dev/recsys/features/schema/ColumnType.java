package dev.recsys.features.schema;

/** The storage types a recsys table column can have; Spark and the server each map them to their own types. */
public enum ColumnType {
  STRING,
  INT,
  LONG,
  DOUBLE,
  BOOLEAN,
  TIMESTAMP,
  DATE,
  STRING_ARRAY
}
