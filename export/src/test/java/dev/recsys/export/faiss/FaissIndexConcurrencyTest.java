package dev.recsys.export.faiss;

import static dev.recsys.export.faiss.TestVectors.gaussian;
import static dev.recsys.export.faiss.TestVectors.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Serving searches one index from many threads, one OpenMP thread per search. */
class FaissIndexConcurrencyTest {
  private static final int THREADS = 4;

  @ParameterizedTest
  @ValueSource(strings = {"Flat", "IVF32,Flat", "HNSW16"})
  void concurrentSearchesEqualSequentialOnes(String factory) throws Exception {
    int dim = 32;
    int nq = 200;
    int k = 10;
    float[] base = gaussian(5000, dim, 31);
    float[] queries = gaussian(nq, dim, 32);
    try (FaissIndex index = FaissIndex.create(dim, factory, Metric.INNER_PRODUCT)) {
      index.train(base);
      index.add(base);
      if (factory.startsWith("IVF")) {
        index.setNprobe(4);
      }
      SearchResult[] sequential = new SearchResult[nq];
      for (int q = 0; q < nq; q++) {
        sequential[q] = index.search(rows(queries, dim, q, 1), k);
      }

      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Callable<Void>> searchers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t * nq / THREADS; // each thread walks the queries from a different place
        searchers.add(() -> {
          start.await();
          for (int i = 0; i < nq; i++) {
            int q = (offset + i) % nq;
            SearchResult result = index.search(rows(queries, dim, q, 1), k);
            assertArrayEquals(sequential[q].ids(), result.ids(), "ids of query " + q);
            assertArrayEquals(sequential[q].scores(), result.scores(), "scores of query " + q);
          }
          return null;
        });
      }
      runAll(searchers);
    }
  }

  /**
   * A write issued while a search runs must wait for it (or, if it got the lock first, be seen by it); an
   * unlocked add would finish mid-search, long before the search returns, and not be seen.
   */
  @Test
  void addWaitsForRunningSearch() throws Exception {
    int dim = 32;
    float[] base = gaussian(20_000, dim, 33);
    float[] queries = gaussian(1000, dim, 34);
    long newId = 1_000_000;
    try (FaissIndex index = FaissIndex.create(dim, "IDMap,Flat", Metric.L2)) {
      index.addWithIds(base, ids(0, 20_000));
      long start = System.nanoTime();
      index.search(queries, 1);
      long searchNanos = System.nanoTime() - start;

      CountDownLatch searching = new CountDownLatch(1);
      long[] searchEnd = new long[1];
      long[] addEnd = new long[1];
      SearchResult[] result = new SearchResult[1];
      runAll(List.of(
          () -> {
            searching.countDown();
            result[0] = index.search(queries, 1);
            searchEnd[0] = System.nanoTime();
            return null;
          },
          () -> {
            searching.await();
            TimeUnit.NANOSECONDS.sleep(searchNanos / 4);
            index.addWithIds(rows(queries, dim, 0, 1), new long[] {newId});
            addEnd[0] = System.nanoTime();
            return null;
          }));

      boolean searchSawAdd = result[0].id(0, 0) == newId;
      assertTrue(searchSawAdd || addEnd[0] > searchEnd[0] - searchNanos / 2,
          "add returned " + (searchEnd[0] - addEnd[0]) / 1e6 + " ms before a search that did not see it");
    }
  }

  private static long[] ids(int from, int count) {
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      ids[i] = from + i;
    }
    return ids;
  }

  /** Runs the tasks on their own threads and rethrows the first failure. */
  private static void runAll(List<Callable<Void>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
