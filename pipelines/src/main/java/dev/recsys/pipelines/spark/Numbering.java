package dev.recsys.pipelines.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Dense row numbers without a global window: {@code row_number().over(Window.orderBy(...))} moves every row into
 * one partition, which a catalog or user base of 10^7 ids does not fit; a range-partitioned sort numbered with
 * {@code zipWithIndex} keeps the rows spread over the executors and gives the same numbers.
 */
public final class Numbering {

  private Numbering() {}

  /**
   * Returns {@code rows} with an int column {@code column} = {@code first} + the row's position in ascending
   * {@code orderBy} order. {@code orderBy} must be unique, or rows that tie are numbered in no fixed order.
   */
  public static Dataset<Row> inOrder(Dataset<Row> rows, String orderBy, String column, int first) {
    Dataset<Row> sorted = rows.orderBy(orderBy);
    StructType schema = sorted.schema().add(column, DataTypes.IntegerType, false);
    JavaRDD<Row> numbered = sorted.javaRDD().zipWithIndex().map(t -> {
      Row r = t._1();
      Object[] values = new Object[r.length() + 1];
      for (int i = 0; i < r.length(); i++) {
        values[i] = r.get(i);
      }
      values[r.length()] = Math.toIntExact(first + t._2());
      return RowFactory.create(values);
    });
    return rows.sparkSession().createDataFrame(numbered, schema);
  }
}
