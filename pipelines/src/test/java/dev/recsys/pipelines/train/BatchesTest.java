package dev.recsys.pipelines.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.recsys.training.RankingBatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** The shuffle buffer and the per-epoch order of {@link Batches}, without Spark. */
class BatchesTest {

  @Test
  void theShuffleBufferEmitsEveryElementOnceInAnotherOrder() {
    List<Integer> in = IntStream.range(0, 1000).boxed().toList();
    List<Integer> out = new ArrayList<>();
    Batches.shuffled(in.iterator(), 64, new Random(1)).forEachRemaining(out::add);

    assertEquals(in, out.stream().sorted().toList(), "a permutation");
    assertNotEquals(in, out);
  }

  @Test
  void eachEpochHasItsOwnOrderAndARerunTheSameOne() {
    List<Row> rows = IntStream.range(0, 5000)
        .mapToObj(i -> RowFactory.create(seq((float) i), seq(2L), (float) (i % 2), 0f)).toList();
    Batches<RankingBatch> batches = Batches.ranking(rows::iterator, 100, 7, false);

    List<Float> epoch1 = firstColumn(batches.epoch(1));
    assertEquals(5000, epoch1.size());
    assertEquals(epoch1, firstColumn(batches.epoch(1)), "the same epoch gives the same order");
    assertEquals(epoch1, firstColumn(Batches.ranking(rows::iterator, 100, 7, false).epoch(1)),
        "a resumed run at epoch 1 sees the first run's order");
    assertNotEquals(epoch1, firstColumn(batches.epoch(2)));
    assertNotEquals(epoch1, firstColumn(Batches.ranking(rows::iterator, 100, 8, false).epoch(1)), "seeded");
  }

  /** Returns an array column's value as Spark's rows hold it. */
  private static Seq<Object> seq(Object value) {
    return JavaConverters.asScalaBuffer(List.of(value)).toSeq();
  }

  private static List<Float> firstColumn(Iterator<RankingBatch> batches) {
    List<Float> out = new ArrayList<>();
    batches.forEachRemaining(b -> {
      for (float v : b.features().dense()) {
        out.add(v);
      }
    });
    return out;
  }
}
