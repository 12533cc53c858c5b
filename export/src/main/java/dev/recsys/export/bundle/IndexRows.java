package dev.recsys.export.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The item row of each FAISS id, for bundles whose index ids are not the item rows ({@link BundleLayout#INDEX_ROWS}).
 *
 * <p>An export numbers the index by item row, so it writes no such file. A refresh adds new items to a copy of the
 * index (HNSW cannot re-number or remove vectors), while the item snapshot stays sorted by id, so items after a new
 * id move down a row; the file then maps index id {@code i} to its row. Format: the ASCII magic {@code RSYSIROW},
 * an int count, then one int row per index id, little-endian. Every row appears exactly once.
 */
public final class IndexRows {

  private static final byte[] MAGIC = "RSYSIROW".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private IndexRows() {}

  /** Writes {@code rows} (index id -> item row) to {@code file}, after checking it is a permutation. */
  public static void write(Path file, int[] rows) throws IOException {
    check(rows, file);
    ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + 4 * rows.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).putInt(rows.length);
    for (int r : rows) {
      buf.putInt(r);
    }
    Files.write(file, buf.array());
  }

  /** Reads the map written by {@link #write}; throws {@link BundleException} when the file is not one. */
  public static int[] read(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    if (buf.remaining() < MAGIC.length + 4 || !Arrays.equals(readMagic(buf, magic), MAGIC)) {
      throw new BundleException(file + " is not an index row map (no " + new String(MAGIC) + " magic)");
    }
    int n = buf.getInt();
    if (n < 0 || buf.remaining() != 4L * n) {
      throw new BundleException(file + " declares " + n + " rows but holds " + buf.remaining() + " bytes of them");
    }
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = buf.getInt();
    }
    check(rows, file);
    return rows;
  }

  /** Returns the identity map of {@code n} ids, the numbering of an exported index. */
  public static int[] identity(int n) {
    int[] rows = new int[n];
    Arrays.setAll(rows, i -> i);
    return rows;
  }

  private static byte[] readMagic(ByteBuffer buf, byte[] magic) {
    buf.get(magic);
    return magic;
  }

  private static void check(int[] rows, Path file) throws BundleException {
    boolean[] seen = new boolean[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      if (r < 0 || r >= rows.length || seen[r]) {
        throw new BundleException(file + ": index id " + i + " maps to row " + r + ", which is "
            + (r < 0 || r >= rows.length ? "outside 0.." + (rows.length - 1) : "already taken"));
      }
      seen[r] = true;
    }
  }
}
