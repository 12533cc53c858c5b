package dev.recsys.export.faiss;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Prints build time, single-query search latency (p50/p99) and recall against Flat for Flat, IVF and HNSW
 * indexes doing candidate retrieval: inner product, dim 64, k = 500, one OpenMP thread per search.
 *
 * <p>Usage: {@code java -cp export/target/classes dev.recsys.export.faiss.FaissBenchmark [n ...]} (default
 * 100000 1000000). Vectors are random Gaussian, the worst case for approximate recall, so the recall column
 * is a floor, not a forecast for real embeddings. Builds use every core. Nothing is written to disk.
 */
public final class FaissBenchmark {
  private static final int DIM = 64;
  private static final int K = 500;
  private static final int QUERIES = 500;
  private static final int WARMUP_QUERIES = 50;
  /** IVF k-means trains on this many vectors per list at most (faiss itself samples 256 per list). */
  private static final int TRAIN_VECTORS_PER_LIST = 64;

  private FaissBenchmark() {}

  /** One index under test: its factory string and the search setting applied after building. */
  private record Setup(String factory, String setting, Consumer<FaissIndex> tune) {}

  /** Runs the benchmark for each vector count given on the command line. */
  public static void main(String[] args) {
    int[] sizes;
    try {
      sizes = args.length == 0
          ? new int[] {100_000, 1_000_000}
          : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      System.err.println("Usage: FaissBenchmark [number-of-vectors ...]   (default: 100000 1000000)");
      System.exit(2);
      return;
    }
    for (int n : sizes) {
      run(n);
    }
  }

  private static void run(int n) {
    int nlist = Integer.highestOneBit((int) Math.sqrt(n)); // about sqrt(n), as faiss's guidelines suggest
    int nprobe = nlist / 8;
    List<Setup> setups = List.of(
        new Setup("Flat", "", index -> {}),
        new Setup("IVF" + nlist + ",Flat", "nprobe=" + nprobe, index -> index.setNprobe(nprobe)),
        new Setup("HNSW32", "efSearch=" + K, index -> index.setEfSearch(K)));
    int buildThreads = Runtime.getRuntime().availableProcessors();
    float[] base = gaussian(n, 1);
    float[] queries = gaussian(WARMUP_QUERIES + QUERIES, 2);

    System.out.printf("n=%d dim=%d k=%d metric=INNER_PRODUCT queries=%d (after %d warm-up), 1 thread per search,"
        + " %d build threads%n", n, DIM, K, QUERIES, WARMUP_QUERIES, buildThreads);
    System.out.printf("%-16s %-14s %9s %9s %9s %11s%n",
        "index", "setting", "build_s", "p50_ms", "p99_ms", "recall@" + K);
    long[][] exact = null;
    for (Setup setup : setups) {
      long start = System.nanoTime();
      try (FaissIndex index = FaissIndex.create(DIM, setup.factory(), Metric.INNER_PRODUCT)) {
        index.setThreads(buildThreads);
        if (!index.isTrained()) {
          index.train(Arrays.copyOf(base, Math.min(n, TRAIN_VECTORS_PER_LIST * nlist) * DIM));
        }
        index.add(base);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        setup.tune().accept(index);
        index.setThreads(1);

        long[][] ids = new long[QUERIES][];
        long[] nanos = new long[QUERIES];
        for (int q = 0; q < WARMUP_QUERIES + QUERIES; q++) {
          float[] query = Arrays.copyOfRange(queries, q * DIM, (q + 1) * DIM);
          long t0 = System.nanoTime();
          SearchResult result = index.search(query, K);
          long elapsed = System.nanoTime() - t0;
          if (q >= WARMUP_QUERIES) {
            nanos[q - WARMUP_QUERIES] = elapsed;
            ids[q - WARMUP_QUERIES] = result.ids();
          }
        }
        if (exact == null) {
          exact = ids; // Flat runs first and is exact
        }
        Arrays.sort(nanos);
        System.out.printf("%-16s %-14s %9.2f %9.3f %9.3f %11.3f%n", setup.factory(), setup.setting(), buildSeconds,
            percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6, recall(exact, ids));
      }
    }
  }

  private static float[] gaussian(int n, long seed) {
    Random random = new Random(seed);
    float[] out = new float[n * DIM];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  /** Returns the nearest-rank percentile of ascending {@code sorted}. */
  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** Returns the fraction of the exact neighbours that {@code found} contains, over all queries. */
  private static double recall(long[][] exact, long[][] found) {
    long hits = 0;
    for (int q = 0; q < exact.length; q++) {
      long[] sorted = found[q].clone();
      Arrays.sort(sorted);
      for (long id : exact[q]) {
        hits += Arrays.binarySearch(sorted, id) >= 0 ? 1 : 0;
      }
    }
    return (double) hits / ((long) exact.length * K);
  }
}
