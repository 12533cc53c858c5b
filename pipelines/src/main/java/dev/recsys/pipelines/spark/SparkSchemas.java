package dev.recsys.pipelines.spark;

import dev.recsys.features.schema.Column;
import dev.recsys.features.schema.ColumnType;
import dev.recsys.features.schema.TableSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Derives Spark schemas from the Spark-free table definitions in {@code features}; the only place that maps types. */
public final class SparkSchemas {

  private SparkSchemas() {}

  public static StructType of(TableSchema table) {
    return new StructType(table.columns().stream().map(SparkSchemas::field).toArray(StructField[]::new));
  }

  /** The same columns, every one a nullable string: how landing rows look before validation coerces types. */
  public static StructType asStrings(TableSchema table) {
    return new StructType(table.columns().stream()
        .map(c -> DataTypes.createStructField(c.name(), DataTypes.StringType, true))
        .toArray(StructField[]::new));
  }

  public static StructField field(Column c) {
    return DataTypes.createStructField(c.name(), type(c.type()), c.nullable());
  }

  public static DataType type(ColumnType t) {
    return switch (t) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case BOOLEAN -> DataTypes.BooleanType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DATE -> DataTypes.DateType;
      case STRING_ARRAY -> DataTypes.createArrayType(DataTypes.StringType, false);
    };
  }
}
