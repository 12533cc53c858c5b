package dev.recsys.pipelines.export;

import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.faiss.FaissIndex;
import dev.recsys.export.faiss.Metric;
import dev.recsys.export.faiss.SearchResult;
import dev.recsys.features.config.ExportConfig;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Builds the bundle's FAISS index over the item vectors (ids = item rows) and measures its recall@K. */
public final class ItemIndex {

  /**
   * Threads for building the bundle's index: one, so the same vectors always give the same file. FAISS adds HNSW
   * nodes from its OpenMP threads in lock order, which makes a multi-threaded graph differ from run to run.
   */
  public static final int BUILD_THREADS = 1;

  private ItemIndex() {}

  /**
   * Returns a new inner-product index of type {@code c.indexFactory()} holding {@code vectors} (row-major
   * [n, dim], row i = item row i), trained if it is IVF, with the configured nprobe or efSearch set.
   */
  public static FaissIndex build(float[] vectors, int dim, ExportConfig c, int threads) {
    FaissIndex index = FaissIndex.create(dim, c.indexFactory(), Metric.INNER_PRODUCT);
    try {
      index.setThreads(threads);
      index.train(vectors);
      if (c.indexFactory().contains("IDMap")) {
        long[] ids = new long[vectors.length / dim];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = i;
        }
        index.addWithIds(vectors, ids);
      } else {
        index.add(vectors);
      }
      if (c.indexFactory().startsWith("IVF")) {
        index.setNprobe(c.nprobe());
      } else if (c.indexFactory().contains("HNSW")) {
        index.setEfSearch(c.efSearch());
      }
      return index;
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /**
   * Returns the mean recall@K of {@code index} on {@code queries} (row-major [q, dim]): the share of each
   * query's exact top K (brute-force inner product over {@code vectors}) that the index also returns in its top
   * K. K is {@code min(k, number of vectors)}.
   */
  public static double recall(FaissIndex index, float[] vectors, float[] queries, int dim, int k) {
    int kk = (int) Math.min(k, vectors.length / dim);
    int nq = queries.length / dim;
    try (FaissIndex exact = FaissIndex.create(dim, "Flat", Metric.INNER_PRODUCT)) {
      exact.add(vectors);
      SearchResult truth = exact.search(queries, kk);
      SearchResult found = index.search(queries, kk);
      double sum = 0;
      for (int q = 0; q < nq; q++) {
        Set<Long> want = new HashSet<>();
        for (int r = 0; r < kk; r++) {
          want.add(truth.id(q, r));
        }
        int hits = 0;
        for (int r = 0; r < kk; r++) {
          if (want.contains(found.id(q, r))) {
            hits++;
          }
        }
        sum += (double) hits / kk;
      }
      return sum / nq;
    }
  }

  /** Returns the manifest's {@code index} section. */
  public static Map<String, Object> describe(ExportConfig c, long size, int dim, int k, int queries, double recall) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", BundleLayout.INDEX);
    m.put("factory", c.indexFactory());
    m.put("metric", "inner_product");
    m.put("dim", dim);
    m.put("size", size);
    m.put("ids", "item rows of " + BundleLayout.ITEMS);
    if (c.indexFactory().startsWith("IVF")) {
      m.put("nprobe", c.nprobe());
    } else if (c.indexFactory().contains("HNSW")) {
      m.put("ef_search", c.efSearch());
    }
    m.put("recall_k", k);
    m.put("recall_queries", queries);
    m.put("recall_query_source", "user tower outputs of sampled features_users rows");
    m.put("recall", recall);
    m.put("recall_floor", c.recallFloor());
    return m;
  }
}
