package dev.recsys.export.faiss;

import static dev.recsys.export.faiss.TestVectors.gaussian;
import static dev.recsys.export.faiss.TestVectors.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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

  @Test
  void writesWaitForRunningSearches() throws Exception {
    int dim = 16;
    int initial = 1000;
    int batches = 20;
    int batch = 500;
    float[] vectors = gaussian(initial + batches * batch, dim, 33);
    try (FaissIndex index = FaissIndex.create(dim, "IDMap,Flat", Metric.L2)) {
      index.addWithIds(rows(vectors, dim, 0, initial), ids(0, initial));

      List<Callable<Void>> tasks = new ArrayList<>();
      tasks.add(() -> {
        for (int b = 0; b < batches; b++) {
          int from = initial + b * batch;
          index.addWithIds(rows(vectors, dim, from, batch), ids(from, batch));
          if (b == batches / 2) {
            index.removeIds(ids(0, 100));
          }
        }
        return null;
      });
      for (int t = 1; t < THREADS; t++) {
        int seed = t;
        tasks.add(() -> {
          float[] queries = gaussian(300, dim, seed);
          for (int q = 0; q < 300; q++) {
            for (long id : index.search(rows(queries, dim, q, 1), 10).ids()) {
              assertTrue(id >= 0 && id < vectors.length / dim, "search returned id " + id + " during writes");
            }
          }
          return null;
        });
      }
      runAll(tasks);

      assertEquals(initial + batches * batch - 100, index.ntotal());
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
