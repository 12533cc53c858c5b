package dev.recsys.features.snapshot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints how fast a snapshot of realistic shape writes, opens and serves lookups: {@code rows} users (default
 * 1,000,000) with two float columns, an int list of 0 to 50 item indices and a float vector of {@code dim}
 * (default 16). Figures: write time and file size; open time (first open, then best of five); single-thread
 * {@code find} and full-row reads per second, with CPU time per operation, the steadier figure on a shared
 * machine; {@code find} per second on all cores; and the time {@link Snapshot#verify()} takes. It spot-checks
 * rows against the generator, so a run on a file above 2 GiB ({@code 5000000 100}) also proves chunked mapping.
 * Arguments: {@code [rows [dim [folder]]]}; the file goes to a temp folder by default and is deleted at the end.
 * Run with a small heap ({@code -Xmx64m}) to see that writing streams.
 */
public final class SnapshotBenchmark {

  private static final int QUERIES = 1 << 17;
  private static final int TIMED_LOOKUPS = 2_000_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SnapshotBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("snapshot-bench");
    Path file = dir.resolve("users.snap");
    try {
      run(file, rows, dim);
    } finally {
      Files.deleteIfExists(file);
      if (args.length <= 2) {
        Files.deleteIfExists(dir);
      }
    }
  }

  private static void run(Path file, int rows, int dim) throws Exception {
    long t0 = System.nanoTime();
    try (SnapshotWriter w = SnapshotWriter.create(file, "users", List.of(ColumnSpec.floats("ctr"),
        ColumnSpec.floats("avg_rating"), ColumnSpec.intLists("history"), ColumnSpec.vector("emb", dim)),
        Map.of("feature_set", "benchmark_v1"))) {
      for (int i = 0; i < rows; i++) {
        w.append(id(i), ctr(i), rating(i), history(i), vector(i, dim));
      }
    }
    double writeSeconds = seconds(t0);
    Runtime rt = Runtime.getRuntime();
    System.out.printf("%,d rows, vector dim %d, %d cores, max heap %,d MiB%n", rows, dim, rt.availableProcessors(),
        rt.maxMemory() >> 20);
    System.out.printf("write: %.2f s, file %,.1f MiB%n", writeSeconds, Files.size(file) / 1048576.0);

    long first = System.nanoTime();
    Snapshot.open(file).close();
    double firstOpenMs = seconds(first) * 1e3;
    double bestOpenMs = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      Snapshot.open(file).close();
      bestOpenMs = Math.min(bestOpenMs, seconds(t) * 1e3);
    }
    System.out.printf("open: first %.2f ms, best of 5 %.2f ms%n", firstOpenMs, bestOpenMs);

    try (Snapshot s = Snapshot.open(file)) {
      SplittableRandom random = new SplittableRandom(42);
      int[] queryRows = new int[QUERIES];
      String[] queries = new String[QUERIES];
      for (int q = 0; q < QUERIES; q++) {
        queryRows[q] = random.nextInt(rows);
        queries[q] = id(queryRows[q]);
      }
      spotCheck(s, queryRows, dim);
      find(s, queries, TIMED_LOOKUPS / 4);
      System.out.println("find, 1 thread: " + find(s, queries, TIMED_LOOKUPS));
      readRows(s, queries, TIMED_LOOKUPS / 4, dim);
      System.out.println("find + read all 4 columns, 1 thread: " + readRows(s, queries, TIMED_LOOKUPS, dim));
      System.out.printf("find, %d threads: %,.0f lookups/s%n", rt.availableProcessors(),
          parallelFindPerSecond(s, queries, rt.availableProcessors()));
      long v = System.nanoTime();
      s.verify();
      System.out.printf("verify (CRC32C of every section): %.2f s%n", seconds(v));
    }
  }

  private static String id(int i) {
    return "user_" + (1_000_000_000 + i);
  }

  private static float ctr(int i) {
    return (i % 1000) / 1000f;
  }

  private static float rating(int i) {
    return 1 + i % 5;
  }

  private static int[] history(int i) {
    int[] h = new int[i % 51];
    for (int k = 0; k < h.length; k++) {
      h[k] = (i * 31 + k) % 100_000;
    }
    return h;
  }

  private static float[] vector(int i, int dim) {
    float[] v = new float[dim];
    for (int k = 0; k < dim; k++) {
      v[k] = ((i * 17 + k) % 1000) / 1000f;
    }
    return v;
  }

  /** Fails unless every queried row reads back what the generator wrote. */
  private static void spotCheck(Snapshot s, int[] queryRows, int dim) {
    for (int i : queryRows) {
      int row = s.find(id(i));
      if (row != i || s.getFloat("ctr", row) != ctr(i) || s.getFloat("avg_rating", row) != rating(i)
          || !Arrays.equals(s.getIntList("history", row), history(i))
          || !Arrays.equals(s.getVector("emb", row), vector(i, dim))) {
        throw new IllegalStateException("row of " + id(i) + " does not read back as written");
      }
    }
    System.out.printf("spot check: %,d random rows read back as written%n", queryRows.length);
  }

  private static Timing find(Snapshot s, String[] queries, int lookups) {
    Timing.Start t = Timing.start();
    long sum = 0;
    for (int n = 0; n < lookups; n++) {
      sum += s.find(queries[n & (QUERIES - 1)]);
    }
    return t.stop(lookups, sum);
  }

  private static Timing readRows(Snapshot s, String[] queries, int lookups, int dim) {
    FloatColumn ctr = s.floatColumn("ctr");
    FloatColumn rating = s.floatColumn("avg_rating");
    IntListColumn history = s.intListColumn("history");
    VectorColumn emb = s.vectorColumn("emb");
    int[] h = new int[50];
    float[] v = new float[dim];
    Timing.Start t = Timing.start();
    double sum = 0;
    for (int n = 0; n < lookups; n++) {
      int row = s.find(queries[n & (QUERIES - 1)]);
      int len = history.copyInto(row, h, 0);
      emb.copyInto(row, v, 0);
      sum += ctr.get(row) + rating.get(row) + len + v[dim - 1];
    }
    return t.stop(lookups, (long) sum);
  }

  private static double parallelFindPerSecond(Snapshot s, String[] queries, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> sums = new ArrayList<>();
      long t = System.nanoTime();
      for (int p = 0; p < threads; p++) {
        int offset = p * 7919;
        sums.add(pool.submit(() -> {
          long sum = 0;
          for (int n = 0; n < TIMED_LOOKUPS; n++) {
            sum += s.find(queries[(n + offset) & (QUERIES - 1)]);
          }
          return sum;
        }));
      }
      long sum = 0;
      for (Future<Long> f : sums) {
        sum += f.get();
      }
      return rate((long) TIMED_LOOKUPS * threads, t, sum);
    } finally {
      pool.shutdown();
    }
  }

  /** Returns operations per second since {@code startNanos}; {@code sink} keeps the work from being optimised away. */
  private static double rate(long operations, long startNanos, long sink) {
    double perSecond = operations / seconds(startNanos);
    return sink == Long.MIN_VALUE ? -perSecond : perSecond;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * Operations per second of wall time, and CPU time per operation: on a machine shared with other work the
   * second figure is the steadier one.
   */
  private record Timing(double perSecond, double cpuMicrosPerOp) {

    static Start start() {
      return new Start(System.nanoTime(), THREADS.getCurrentThreadCpuTime());
    }

    @Override
    public String toString() {
      return String.format("%,.0f/s (%.2f us CPU each)", perSecond, cpuMicrosPerOp);
    }

    record Start(long wallNanos, long cpuNanos) {
      /** Returns the timing of {@code operations} since this start; {@code sink} keeps the work from being dropped. */
      Timing stop(long operations, long sink) {
        double cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpuNanos) / 1e3 / operations;
        return new Timing(rate(operations, wallNanos, sink), cpuMicros);
      }
    }
  }
}
