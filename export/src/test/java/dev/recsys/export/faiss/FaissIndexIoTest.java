package dev.recsys.export.faiss;

import static dev.recsys.export.faiss.TestVectors.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaissIndexIoTest {
  @TempDir Path dir;

  /** The fourcc is the first 4 bytes faiss::write_index writes for the outermost index type. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "Flat, INNER_PRODUCT, IxFI",
    "Flat, L2, IxF2",
    "'IDMap,Flat', L2, IxMp",
    "'IVF16,Flat', INNER_PRODUCT, IwFl",
    "HNSW16, L2, IHNf",
    "'IDMap,HNSW16', INNER_PRODUCT, IxMp",
  })
  void writeThenReadGivesIdenticalSearchResults(String factory, Metric metric, String fourcc) throws IOException {
    int dim = 24;
    int n = 3000;
    float[] base = gaussian(n, dim, 11);
    float[] queries = gaussian(40, dim, 12);
    Path file = dir.resolve("index.faiss");
    SearchResult before;
    try (FaissIndex index = FaissIndex.create(dim, factory, metric)) {
      index.train(base);
      if (factory.startsWith("IDMap")) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
          ids[i] = 10L * i + 3;
        }
        index.addWithIds(base, ids);
      } else {
        index.add(base);
      }
      configure(index, factory);
      if (factory.contains("HNSW")) {
        index.setEfSearch(40); // above k = 20 and the default 16: the read index only searches if this was kept
      }
      before = index.search(queries, 20);
      index.write(file);
    }

    assertEquals(fourcc, header(file));
    try (FaissIndex read = FaissIndex.read(file)) {
      configure(read, factory); // nprobe is not part of the file; efSearch is
      SearchResult after = read.search(queries, 20);

      assertEquals(dim, read.dim());
      assertEquals(metric, read.metric());
      assertEquals(n, read.ntotal());
      assertArrayEquals(before.ids(), after.ids());
      assertArrayEquals(before.scores(), after.scores());
    }
  }

  private static void configure(FaissIndex index, String factory) {
    if (factory.startsWith("IVF")) {
      index.setNprobe(4);
    }
  }

  private static String header(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(4), StandardCharsets.US_ASCII);
    }
  }
}
