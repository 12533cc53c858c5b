package dev.recsys.features.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class SnapshotWriterTest {

  private static final List<ColumnSpec> COLUMNS = List.of(ColumnSpec.floats("ctr"), ColumnSpec.ints("n_views"),
      ColumnSpec.longs("first_seen_ms"), ColumnSpec.vector("emb", 2), ColumnSpec.intLists("recent_items"),
      ColumnSpec.strings("country"));

  @TempDir
  Path dir;

  private Path file() {
    return dir.resolve("users.snap");
  }

  private SnapshotWriter writer() throws Exception {
    return SnapshotWriter.create(file(), "users", COLUMNS, Map.of());
  }

  private static Object[] goodRow() {
    return new Object[] {0.5f, 3, 7L, new float[] {1, 2}, new int[] {4}, "de"};
  }

  /** Asserts that the second append fails with {@code message} and that nothing is published or left behind. */
  private void assertRejected(String first, String second, Object[] secondValues, String message) throws Exception {
    SnapshotWriter w = writer();
    w.append(first, goodRow());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.append(second, secondValues));
    assertEquals(message, e.getMessage());
    IllegalStateException notWritten = assertThrows(IllegalStateException.class, w::close);
    assertTrue(notWritten.getMessage().contains("was not written: java.lang.IllegalArgumentException: " + message),
        notWritten.getMessage());
    assertNothingOnDisk();
  }

  private void assertNothingOnDisk() throws Exception {
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void rejectsUnsortedIdsNamingBoth() throws Exception {
    assertRejected("u2", "u10", goodRow(),
        "users snapshot ids must be strictly ascending by UTF-8 bytes, but 'u10' (row 1) comes after 'u2' (row 0)");
  }

  @Test
  void rejectsDuplicateIds() throws Exception {
    assertRejected("u1", "u1", goodRow(), "users snapshot has duplicate id 'u1' (rows 0 and 1)");
  }

  @Test
  void ordersByUtf8BytesRatherThanStringCompareTo() throws Exception {
    assertRejected("😀", "\uE000", goodRow(), "users snapshot ids must be strictly ascending by UTF-8 bytes, but "
        + "'\uE000' (row 1) comes after '😀' (row 0)");
  }

  @Test
  void rejectsWrongTypesNamingColumnAndId() throws Exception {
    assertRejected("a", "b", new Object[] {0.5, 3, 7L, new float[2], new int[0], "x"},
        "users snapshot column ctr (FLOAT) of row 'b' expects Float, got Double 0.5");
    assertRejected("a", "b", new Object[] {0.5f, 3, 7, new float[2], new int[0], "x"},
        "users snapshot column first_seen_ms (LONG) of row 'b' expects Long, got Integer 7");
    assertRejected("a", "b", new Object[] {0.5f, 3, 7L, new float[2], new long[0], "x"},
        "users snapshot column recent_items (INT_LIST) of row 'b' expects int[], got long[]");
    assertRejected("a", "b", new Object[] {0.5f, 3, 7L, new float[2], new int[0], 'x'},
        "users snapshot column country (STRING) of row 'b' expects String, got Character x");
  }

  @Test
  void rejectsWrongVectorDimension() throws Exception {
    assertRejected("a", "b", new Object[] {0.5f, 3, 7L, new float[3], new int[0], "x"},
        "users snapshot column emb (FLOAT_VECTOR[2]) of row 'b' expects float[2], got float[3]");
  }

  @Test
  void rejectsNullOutsideStringColumns() throws Exception {
    assertRejected("a", "b", new Object[] {0.5f, 3, 7L, new float[2], null, null},
        "users snapshot column recent_items (INT_LIST) of row 'b' is null; only STRING columns take null");
  }

  @Test
  void rejectsWrongValueCount() throws Exception {
    assertRejected("a", "b", new Object[] {0.5f, 3},
        "users snapshot row 'b' has 2 values for 6 columns [ctr (FLOAT), n_views (INT), first_seen_ms (LONG), "
            + "emb (FLOAT_VECTOR[2]), recent_items (INT_LIST), country (STRING)]");
  }

  @Test
  void rejectsIdsAndStringsThatUtf8CannotHold() throws Exception {
    assertRejected("a", "b\uD800", goodRow(), "users snapshot id 'b\uD800' is not valid Unicode (lone surrogate)");
    assertRejected("a", "b", new Object[] {0.5f, 3, 7L, new float[2], new int[0], "\uDC00x"},
        "users snapshot column country (STRING) of row 'b' is not valid Unicode (lone surrogate)");
  }

  @Test
  void appendAfterARejectedRowFailsWithTheFirstError() throws Exception {
    SnapshotWriter w = writer();
    assertThrows(IllegalArgumentException.class, () -> w.append("a", 1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.append("b", goodRow()));
    assertTrue(e.getMessage().contains("has 1 values for 6 columns"), e.getMessage());
    assertThrows(IllegalStateException.class, w::close);
    assertNothingOnDisk();
  }

  @Test
  void abortPublishesNothing() throws Exception {
    SnapshotWriter w = writer();
    w.append("a", goodRow());
    w.abort();
    w.close();
    assertNothingOnDisk();
  }

  @Test
  void failingRowSourceInsideTryWithResourcesPublishesNothingWhenAborted() throws Exception {
    Executable job = () -> {
      try (SnapshotWriter w = writer()) {
        try {
          w.append("a", goodRow());
          throw new IllegalStateException("upstream read failed");
        } catch (RuntimeException e) {
          w.abort();
          throw e;
        }
      }
    };
    assertEquals("upstream read failed", assertThrows(IllegalStateException.class, job).getMessage());
    assertNothingOnDisk();
  }

  @Test
  void rejectsBadColumnDeclarations() {
    assertEquals("snapshot column names are snake_case, got 'nViews'",
        assertThrows(IllegalArgumentException.class, () -> ColumnSpec.ints("nViews")).getMessage());
    assertEquals("column 'emb' (FLOAT_VECTOR) needs dim > 0, got 0",
        assertThrows(IllegalArgumentException.class, () -> ColumnSpec.vector("emb", 0)).getMessage());
    assertEquals("column 'n' (INT) needs dim 0, got 4",
        assertThrows(IllegalArgumentException.class, () -> new ColumnSpec("n", ColumnKind.INT, 4)).getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> SnapshotWriter.create(
        file(), "users", List.of(ColumnSpec.ints("n"), ColumnSpec.floats("n")), Map.of()));
    assertEquals("users snapshot declares column 'n' twice: [n (INT), n (FLOAT)]", twice.getMessage());
  }
}
