package dev.recsys.pipelines.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.Test;

class NumberingTest extends SparkTestBase {

  @Test
  void numbersLikeAGlobalRowNumberAcrossPartitions() {
    // Ids of uneven length in shuffled partitions, so string order differs from the generating order.
    Dataset<Row> ids = spark.range(0, 5_000, 1, 7).select(concat(lit("u"), col("id").multiply(7919).mod(100_003)
        .cast("string")).as("user_id")).repartition(5);
    Dataset<Row> expected = ids.withColumn("user_idx", row_number().over(Window.orderBy("user_id")).plus(1));
    Dataset<Row> actual = Numbering.inOrder(ids, "user_id", "user_idx", 2);

    assertEquals(List.of("user_id", "user_idx"), List.of(actual.columns()));
    assertEquals("IntegerType", actual.schema().apply("user_idx").dataType().toString());
    assertEquals(5_000, actual.count());
    assertEquals(0, expected.exceptAll(actual).count() + actual.exceptAll(expected).count(),
        "same (id, number) pairs as row_number over a global window");
  }
}
