package dev.recsys.pipelines.train;

import dev.recsys.training.EpochBatches;
import dev.recsys.training.ItemFeatures;
import dev.recsys.training.RankingBatch;
import dev.recsys.training.RankingFeatures;
import dev.recsys.training.TwoTowerBatch;
import dev.recsys.training.UserFeatures;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;

/**
 * Streams featurised rows ({@link TrainingRows#TWO_TOWER}, {@link TrainingRows#RANKING}) into the trainers' flat
 * batches. Each epoch asks the supplier for a fresh row iterator (a new {@code toLocalIterator} pass over the
 * cached rows) and reorders it through a shuffle buffer of {@link #SHUFFLE_BATCHES} batches seeded by the seed and
 * the epoch, so every epoch sees its own order, a rerun (or a run resumed at that epoch) the same one, and the
 * driver holds the buffer, never the table.
 */
final class Batches<B> implements EpochBatches<B> {

  /** Rows the shuffle buffer holds, in batches: rows move up to about this many batches from their place. */
  static final int SHUFFLE_BATCHES = 16;

  private final Supplier<Iterator<Row>> rows;
  private final int batchSize;
  private final int seed;
  private final Function<List<Row>, B> toBatch;

  private Batches(Supplier<Iterator<Row>> rows, int batchSize, int seed, Function<List<Row>, B> toBatch) {
    this.rows = rows;
    this.batchSize = batchSize;
    this.seed = seed;
    this.toBatch = toBatch;
  }

  /** Returns two-tower batches of {@code rows} in {@link TrainingRows#TWO_TOWER} layout. */
  static Batches<TwoTowerBatch> twoTower(Supplier<Iterator<Row>> rows, int batchSize, int seed) {
    return new Batches<>(rows, batchSize, seed, Batches::twoTowerBatch);
  }

  /** Returns DLRM batches of {@code rows} in {@link TrainingRows#RANKING} layout; purchase labels when asked. */
  static Batches<RankingBatch> ranking(Supplier<Iterator<Row>> rows, int batchSize, int seed, boolean purchase) {
    return new Batches<>(rows, batchSize, seed, batch -> rankingBatch(batch, purchase));
  }

  @Override
  public Iterator<B> epoch(int epoch) {
    Iterator<Row> source = shuffled(rows.get(), SHUFFLE_BATCHES * batchSize, new Random(seed * 1_000_003L + epoch));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public B next() {
        if (!source.hasNext()) {
          throw new NoSuchElementException();
        }
        List<Row> batch = new ArrayList<>(batchSize);
        while (source.hasNext() && batch.size() < batchSize) {
          batch.add(source.next());
        }
        return toBatch.apply(batch);
      }
    };
  }

  /**
   * Returns the elements of {@code source} reordered by a buffer of {@code capacity}: once it is full, each
   * element read replaces a random one of the buffer, which is emitted; the rest leave in random order at the end.
   */
  static <T> Iterator<T> shuffled(Iterator<T> source, int capacity, Random random) {
    List<T> buffer = new ArrayList<>(capacity);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext() || !buffer.isEmpty();
      }

      @Override
      public T next() {
        while (buffer.size() < capacity && source.hasNext()) {
          buffer.add(source.next());
        }
        if (buffer.isEmpty()) {
          throw new NoSuchElementException();
        }
        int pick = random.nextInt(buffer.size());
        T out = buffer.get(pick);
        T last = buffer.remove(buffer.size() - 1);
        if (pick < buffer.size()) {
          buffer.set(pick, last);
        }
        return out;
      }
    };
  }

  static TwoTowerBatch twoTowerBatch(List<Row> rows) {
    int b = rows.size();
    int du = rows.get(0).getList(1).size();
    int h = rows.get(0).getList(2).size();
    long[] userIdx = new long[b];
    float[] userDense = new float[b * du];
    long[] history = new long[b * h];
    float[] logQ = new float[b];
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      userIdx[i] = r.getLong(0);
      copyFloats(r.getList(1), userDense, i * du);
      copyLongs(r.getList(2), history, i * h);
      logQ[i] = r.getFloat(7);
    }
    return new TwoTowerBatch(new UserFeatures(userIdx, userDense, du, history, h), items(rows, 3), logQ);
  }

  /** Returns the item-tower inputs of {@link TrainingRows#ITEM_TOWER} rows, in their order. */
  static ItemFeatures items(List<Row> rows) {
    return items(rows, 0);
  }

  /**
   * Returns the item-tower inputs held in columns {@code first} (item index), {@code first + 1} (category),
   * {@code first + 2} (dense) and {@code first + 3} (tokens) of {@code rows}: {@link TrainingRows#ITEM_TOWER} from
   * 0, the item part of {@link TrainingRows#TWO_TOWER} from 3.
   */
  private static ItemFeatures items(List<Row> rows, int first) {
    int b = rows.size();
    int di = b == 0 ? 1 : rows.get(0).getList(first + 2).size();
    int t = b == 0 ? 1 : rows.get(0).getList(first + 3).size();
    long[] itemIdx = new long[b];
    long[] category = new long[b];
    float[] itemDense = new float[b * di];
    long[] tokens = new long[b * t];
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      itemIdx[i] = r.getLong(first);
      category[i] = r.getLong(first + 1);
      copyFloats(r.getList(first + 2), itemDense, i * di);
      copyLongs(r.getList(first + 3), tokens, i * t);
    }
    return new ItemFeatures(itemIdx, category, itemDense, di, tokens, t);
  }

  static RankingBatch rankingBatch(List<Row> rows, boolean withPurchase) {
    int b = rows.size();
    int dd = rows.get(0).getList(0).size();
    int ds = rows.get(0).getList(1).size();
    float[] dense = new float[b * dd];
    long[] sparse = new long[b * ds];
    float[] click = new float[b];
    float[] purchase = new float[b];
    for (int i = 0; i < b; i++) {
      Row r = rows.get(i);
      copyFloats(r.getList(0), dense, i * dd);
      copyLongs(r.getList(1), sparse, i * ds);
      click[i] = r.getFloat(2);
      purchase[i] = r.getFloat(3);
    }
    return new RankingBatch(new RankingFeatures(dense, dd, sparse, ds), click, withPurchase ? purchase : null);
  }

  private static void copyFloats(List<Float> values, float[] into, int offset) {
    for (int j = 0; j < values.size(); j++) {
      into[offset + j] = values.get(j);
    }
  }

  private static void copyLongs(List<Long> values, long[] into, int offset) {
    for (int j = 0; j < values.size(); j++) {
      into[offset + j] = values.get(j);
    }
  }
}
