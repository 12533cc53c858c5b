package dev.recsys.features.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 100k-row snapshot of the benchmark's shape, mapped in 1 MiB chunks so rows and ids straddle chunk edges. */
class SnapshotScaleTest {

  private static final int ROWS = 100_000;
  private static final int DIM = 16;

  @TempDir
  static Path dir;

  private static Snapshot snapshot;

  static String id(int i) {
    return "user_" + Integer.toString(i * 7 + 3, 36);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static float[] vector(int i) {
    float[] v = new float[DIM];
    for (int k = 0; k < DIM; k++) {
      v[k] = i * 0.001f - k;
    }
    return v;
  }

  static int[] history(int i) {
    int[] h = new int[i % 51];
    Arrays.setAll(h, k -> i * 31 + k);
    return h;
  }

  @BeforeAll
  static void write() throws Exception {
    // id(i) is not monotonic in i once the base-36 digits get longer, so write in UTF-8 order.
    Integer[] order = new Integer[ROWS];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(utf8(id(a)), utf8(id(b))));
    Path file = dir.resolve("users.snap");
    try (SnapshotWriter w = SnapshotWriter.create(file, "users", List.of(ColumnSpec.floats("ctr"),
        ColumnSpec.floats("avg_rating"), ColumnSpec.intLists("history"), ColumnSpec.vector("emb", DIM)),
        Map.of("feature_set", "ranking_v1"))) {
      for (int i : order) {
        w.append(id(i), i / (float) ROWS, (float) Math.sqrt(i), history(i), vector(i));
      }
    }
    snapshot = Snapshot.open(file, 20);
  }

  @AfterAll
  static void close() {
    snapshot.close();
  }

  @Test
  void everyRowReadsBackThroughFind() throws Exception {
    assertEquals(ROWS, snapshot.rows());
    FloatColumn ctr = snapshot.floatColumn("ctr");
    IntListColumn history = snapshot.intListColumn("history");
    VectorColumn emb = snapshot.vectorColumn("emb");
    int[] h = new int[50];
    float[] v = new float[DIM];
    for (int i = 0; i < ROWS; i++) {
      int row = snapshot.find(id(i));
      assertEquals(id(i), snapshot.id(row));
      assertEquals(i / (float) ROWS, ctr.get(row));
      assertEquals((float) Math.sqrt(i), snapshot.getFloat("avg_rating", row));
      int n = history.copyInto(row, h, 0);
      assertArrayEquals(history(i), Arrays.copyOf(h, n), id(i));
      emb.copyInto(row, v, 0);
      assertArrayEquals(vector(i), v, id(i));
      assertEquals(-1, snapshot.find(id(i) + "_"));
    }
    snapshot.verify();
    assertEquals(Files.size(dir.resolve("users.snap")) % 8, 0);
  }

  @Test
  void concurrentLookupsAgree() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          VectorColumn emb = snapshot.vectorColumn("emb");
          int checked = 0;
          for (int n = 0; n < 20_000; n++) {
            int i = random.nextInt(ROWS);
            int row = snapshot.find(id(i));
            assertEquals(id(i), snapshot.id(row));
            assertArrayEquals(history(i), snapshot.getIntList("history", row));
            assertArrayEquals(vector(i), emb.get(row));
            assertEquals(-1, snapshot.find(id(i) + "!"));
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> f : results) {
        assertEquals(20_000, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
