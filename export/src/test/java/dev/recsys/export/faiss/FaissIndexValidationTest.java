package dev.recsys.export.faiss;

import static dev.recsys.export.faiss.TestVectors.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each misuse must surface as a Java exception with a useful message, and leave the JVM and the index working:
 * every test ends by searching a healthy index.
 */
class FaissIndexValidationTest {
  private static final int DIM = 8;
  private static final float[] BASE = gaussian(200, DIM, 21);
  private static final float[] QUERY = gaussian(1, DIM, 22);

  @TempDir Path dir;

  @AfterEach
  void jvmAndNativeCodeStillWork() {
    try (FaissIndex index = FaissIndex.create(DIM, "Flat", Metric.L2)) {
      index.add(BASE);
      assertEquals(10, index.search(QUERY, 10).ids().length);
    }
  }

  @Test
  void createRejectsBadArguments() {
    assertFails(IllegalArgumentException.class, "dim must be positive", () -> FaissIndex.create(0, "Flat", Metric.L2));
    assertFails(FaissException.class, "could not parse", () -> FaissIndex.create(DIM, "NoSuchIndex", Metric.L2));
    assertFails(IllegalArgumentException.class, "Unsupported index type faiss::IndexPQ",
        () -> FaissIndex.create(DIM, "PQ4", Metric.L2));
    assertFails(IllegalArgumentException.class, "IDMap over IVF is not supported",
        () -> FaissIndex.create(DIM, "IDMap,IVF4,Flat", Metric.L2));
  }

  @Test
  void vectorArraysMustHoldWholeVectors() {
    try (FaissIndex index = FaissIndex.create(DIM, "Flat", Metric.L2)) {
      assertFails(IllegalArgumentException.class, "multiple of dim = 8 floats but received 7",
          () -> index.add(new float[7]));
      assertFails(IllegalArgumentException.class, "received 0", () -> index.add(new float[0]));
      assertFails(IllegalArgumentException.class, "queries", () -> index.search(new float[9], 1));
      assertFails(IllegalArgumentException.class, "training vectors", () -> index.train(new float[4]));
      assertEquals(0, index.ntotal());
    }
  }

  @Test
  void ivfMustBeTrainedOnEnoughVectorsBeforeAddOrSearch() {
    try (FaissIndex index = FaissIndex.create(DIM, "IVF16,Flat", Metric.L2)) {
      assertFails(IllegalStateException.class, "not trained", () -> index.add(BASE));
      assertFails(IllegalStateException.class, "not trained", () -> index.search(QUERY, 1));
      assertFails(IllegalArgumentException.class, "at least nlist = 16 vectors but received 10",
          () -> index.train(TestVectors.rows(BASE, DIM, 0, 10)));

      index.train(BASE);

      assertTrue(index.isTrained());
      assertFails(IllegalStateException.class, "already trained", () -> index.train(BASE));
    }
  }

  @Test
  void idsMustMatchVectorsAndTheIndexMustStoreThem() {
    long[] ids = new long[200];
    try (FaissIndex idMap = FaissIndex.create(DIM, "IDMap,Flat", Metric.L2);
        FaissIndex flat = FaissIndex.create(DIM, "Flat", Metric.L2);
        FaissIndex hnsw = FaissIndex.create(DIM, "HNSW8", Metric.L2)) {
      assertFails(IllegalArgumentException.class, "200 vectors but 3 ids", () -> idMap.addWithIds(BASE, new long[3]));
      long[] negative = ids.clone();
      negative[5] = -1;
      assertFails(IllegalArgumentException.class, "ids[5] = -1", () -> idMap.addWithIds(BASE, negative));
      assertFails(UnsupportedOperationException.class, "call addWithIds", () -> idMap.add(BASE));
      assertFails(UnsupportedOperationException.class, "\"IDMap,Flat\"", () -> flat.addWithIds(BASE, ids));
      assertFails(UnsupportedOperationException.class, "\"IDMap,HNSW{M}\"", () -> hnsw.addWithIds(BASE, ids));
      assertEquals(0, idMap.ntotal() + flat.ntotal() + hnsw.ntotal());
    }
  }

  @Test
  void removeNeedsAnIndexThatCanDelete() {
    try (FaissIndex hnsw = FaissIndex.create(DIM, "HNSW8", Metric.L2);
        FaissIndex idMapHnsw = FaissIndex.create(DIM, "IDMap,HNSW8", Metric.L2);
        FaissIndex flat = FaissIndex.create(DIM, "Flat", Metric.L2)) {
      assertFails(UnsupportedOperationException.class, "HNSW indexes cannot remove",
          () -> hnsw.removeIds(new long[] {1}));
      assertFails(UnsupportedOperationException.class, "HNSW indexes cannot remove",
          () -> idMapHnsw.removeIds(new long[] {1}));
      assertFails(UnsupportedOperationException.class, "\"IDMap,Flat\"", () -> flat.removeIds(new long[] {1}));
    }
  }

  @Test
  void searchRejectsBadK() {
    try (FaissIndex flat = FaissIndex.create(DIM, "Flat", Metric.L2);
        FaissIndex hnsw = FaissIndex.create(DIM, "HNSW8", Metric.L2)) {
      flat.add(BASE);
      hnsw.add(BASE);
      assertFails(IllegalArgumentException.class, "k must be positive", () -> flat.search(QUERY, 0));
      assertFails(IllegalArgumentException.class, "do not fit a Java array",
          () -> flat.search(new float[DIM * 2], Integer.MAX_VALUE));
      assertFails(IllegalArgumentException.class, "efSearch (16) must be at least k (17)",
          () -> hnsw.search(QUERY, 17));

      hnsw.setEfSearch(17);

      assertEquals(17, hnsw.search(QUERY, 17).k());
    }
  }

  @Test
  void settersApplyToTheirIndexTypeOnly() {
    try (FaissIndex flat = FaissIndex.create(DIM, "Flat", Metric.L2);
        FaissIndex ivf = FaissIndex.create(DIM, "IVF16,Flat", Metric.L2);
        FaissIndex hnsw = FaissIndex.create(DIM, "HNSW8", Metric.L2)) {
      assertFails(UnsupportedOperationException.class, "IVF indexes only; this index is FLAT", () -> flat.setNprobe(2));
      assertFails(UnsupportedOperationException.class, "IVF indexes only; this index is HNSW", () -> hnsw.setNprobe(2));
      assertFails(UnsupportedOperationException.class, "HNSW indexes only; this index is IVF",
          () -> ivf.setEfSearch(2));
      assertFails(IllegalArgumentException.class, "1..16 (nlist) but was 0", () -> ivf.setNprobe(0));
      assertFails(IllegalArgumentException.class, "1..16 (nlist) but was 17", () -> ivf.setNprobe(17));
      assertFails(IllegalArgumentException.class, "efSearch must be positive", () -> hnsw.setEfSearch(0));
      assertFails(IllegalArgumentException.class, "threads must be at least 1", () -> flat.setThreads(0));
    }
  }

  @Test
  void closedIndexRejectsUse() {
    FaissIndex index = FaissIndex.create(DIM, "Flat", Metric.L2);
    index.add(BASE);
    index.close();
    index.close(); // idempotent

    assertFails(IllegalStateException.class, "closed", () -> index.search(QUERY, 1));
    assertFails(IllegalStateException.class, "closed", () -> index.add(BASE));
    assertFails(IllegalStateException.class, "closed", () -> index.train(BASE));
    assertFails(IllegalStateException.class, "closed", index::ntotal);
    assertFails(IllegalStateException.class, "closed", () -> index.write(dir.resolve("closed.faiss")));
  }

  @Test
  void fileErrorsCarryFaissMessage() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage.faiss"), "not a faiss index");
    assertFails(FaissException.class, "could not open", () -> FaissIndex.read(dir.resolve("missing.faiss")));
    assertFails(FaissException.class, "Index type", () -> FaissIndex.read(garbage));
    try (FaissIndex index = FaissIndex.create(DIM, "Flat", Metric.L2)) {
      assertFails(FaissException.class, "could not open", () -> index.write(dir.resolve("no/such/dir/x.faiss")));
    }
  }

  private static void assertFails(Class<? extends Throwable> type, String messagePart, Executable call) {
    Throwable thrown = assertThrows(type, call);
    assertTrue(thrown.getMessage().contains(messagePart),
        "expected a message containing \"" + messagePart + "\" but got \"" + thrown.getMessage() + "\"");
  }
}
