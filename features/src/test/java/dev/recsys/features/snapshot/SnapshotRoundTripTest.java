package dev.recsys.features.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotRoundTripTest {

  static final List<ColumnSpec> ALL_KINDS = List.of(ColumnSpec.floats("score"), ColumnSpec.ints("n_views"),
      ColumnSpec.longs("last_seen_ms"), ColumnSpec.vector("emb", 3), ColumnSpec.intLists("recent_items"),
      ColumnSpec.strings("country"));

  /** Ids in UTF-8 byte order: empty, ASCII, prefixes, 2-, 3- and 4-byte characters, U+E000 before U+1F600. */
  static final List<String> IDS = List.of("", "A", "a", "ab", "abc", "é", "ü", "中文", "\uE000", "😀", "😀x");

  @TempDir
  Path dir;

  /** Returns the values of row {@code i} of {@link #ALL_KINDS}, with edge cases spread over the rows. */
  static Object[] row(int i) {
    float score = switch (i % 4) {
      case 0 -> Float.NaN;
      case 1 -> -0.0f;
      case 2 -> Float.POSITIVE_INFINITY;
      default -> i / 3f;
    };
    int views = i % 2 == 0 ? Integer.MIN_VALUE + i : Integer.MAX_VALUE - i;
    int[] recent = new int[i % 3 == 0 ? 0 : i * 7];
    Arrays.setAll(recent, k -> k * (i + 1) - 50);
    String country = switch (i % 3) {
      case 0 -> null;
      case 1 -> "";
      default -> "Ελλάδα-" + i;
    };
    return new Object[] {score, views, Long.MIN_VALUE / (i + 1), new float[] {i, -i, 0.25f * i}, recent, country};
  }

  /** Writes {@link #IDS} with {@link #row} values to {@code file}. */
  static Path writeAllKinds(Path file) throws Exception {
    try (SnapshotWriter w = SnapshotWriter.create(file, "users", ALL_KINDS,
        Map.of("feature_set", "ranking_v1", "as_of", "2024-05-01"))) {
      for (int i = 0; i < IDS.size(); i++) {
        w.append(IDS.get(i), row(i));
      }
    }
    return file;
  }

  @ParameterizedTest(name = "chunks of 2^{0} bytes")
  @ValueSource(ints = {3, 6, 30})
  void roundTripsEveryKindThroughGettersAndHandles(int chunkShift) throws Exception {
    Path file = writeAllKinds(dir.resolve("users.snap"));
    try (Snapshot s = Snapshot.open(file, chunkShift)) {
      assertEquals("users", s.entity());
      assertEquals(IDS.size(), s.rows());
      assertEquals(List.of("as_of", "feature_set"), new ArrayList<>(s.metadata().keySet()));
      assertEquals("ranking_v1", s.metadata().get("feature_set"));
      assertEquals(ALL_KINDS, s.columns());
      int[] buffer = new int[200];
      float[] vec = new float[5];
      for (int r = 0; r < s.rows(); r++) {
        Object[] want = row(r);
        assertEquals(IDS.get(r), s.id(r));
        assertEquals(Float.floatToRawIntBits((Float) want[0]), Float.floatToRawIntBits(s.getFloat("score", r)));
        assertEquals(want[0], s.floatColumn("score").get(r));
        assertEquals(want[1], s.getInt("n_views", r));
        assertEquals(want[1], s.intColumn("n_views").get(r));
        assertEquals(want[2], s.getLong("last_seen_ms", r));
        assertEquals(want[2], s.longColumn("last_seen_ms").get(r));
        assertArrayEquals((float[]) want[3], s.getVector("emb", r));
        s.vectorColumn("emb").copyInto(r, vec, 2);
        assertArrayEquals((float[]) want[3], Arrays.copyOfRange(vec, 2, 5));
        int[] recent = (int[]) want[4];
        assertArrayEquals(recent, s.getIntList("recent_items", r));
        assertEquals(recent.length, s.intListColumn("recent_items").length(r));
        assertEquals(recent.length, s.intListColumn("recent_items").copyInto(r, buffer, 1));
        assertArrayEquals(recent, Arrays.copyOfRange(buffer, 1, 1 + recent.length));
        assertEquals(want[5], s.getString("country", r));
        assertEquals(want[5], s.stringColumn("country").get(r));
      }
    }
  }

  @ParameterizedTest(name = "chunks of 2^{0} bytes")
  @ValueSource(ints = {3, 30})
  void findsPresentIdsAndMissesAbsentOnes(int chunkShift) throws Exception {
    try (Snapshot s = Snapshot.open(writeAllKinds(dir.resolve("users.snap")), chunkShift)) {
      for (int r = 0; r < IDS.size(); r++) {
        assertEquals(r, s.find(IDS.get(r)), IDS.get(r));
      }
      assertEquals(0, s.find(""), "first");
      assertEquals(IDS.size() - 1, s.find("😀x"), "last");
      for (String absent : List.of(" ", "B", "aa", "abcd", "b", "zz", "😀\0", "😀y", "😁", "\uD800")) {
        assertEquals(-1, s.find(absent), absent);
      }
    }
  }

  @Test
  void sortsIdsByUtf8BytesNotUtf16Units() {
    // String.compareTo puts the surrogate pair of U+1F600 before U+E000; the file order puts it after.
    assertTrue("😀".compareTo("\uE000") < 0);
    assertTrue(Arrays.compareUnsigned("\uE000".getBytes(StandardCharsets.UTF_8),
        "😀".getBytes(StandardCharsets.UTF_8)) < 0);
    assertEquals(IDS.indexOf("\uE000") + 1, IDS.indexOf("😀"));
  }

  @Test
  void emptySnapshotOpensAndFindsNothing() throws Exception {
    Path file = dir.resolve("items.snap");
    try (SnapshotWriter w = SnapshotWriter.create(file, "items", ALL_KINDS, Map.of())) {
      assertEquals(0, w.rows());
    }
    try (Snapshot s = Snapshot.open(file)) {
      assertEquals(0, s.rows());
      assertEquals(-1, s.find("anything"));
      assertEquals(Map.of(), s.metadata());
      s.verify();
      assertThrows(IndexOutOfBoundsException.class, () -> s.getFloat("score", 0));
    }
  }

  @Test
  void snapshotWithoutColumnsIsAnIdSet() throws Exception {
    Path file = dir.resolve("ids.snap");
    try (SnapshotWriter w = SnapshotWriter.create(file, "items", List.of(), Map.of())) {
      w.append("i1");
      w.append("i2");
    }
    try (Snapshot s = Snapshot.open(file)) {
      assertEquals(1, s.find("i2"));
      assertEquals(List.of(), s.columns());
    }
  }

  @Test
  void missingOrMistypedColumnFailsListingTheColumns() throws Exception {
    try (Snapshot s = Snapshot.open(writeAllKinds(dir.resolve("users.snap")))) {
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> s.getFloat("n_clicks", 0));
      assertEquals("no float column 'n_clicks' in users snapshot; columns: [score (FLOAT), n_views (INT), "
          + "last_seen_ms (LONG), emb (FLOAT_VECTOR[3]), recent_items (INT_LIST), country (STRING)]",
          missing.getMessage());
      IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
          () -> s.vectorColumn("recent_items"));
      assertTrue(wrongKind.getMessage().startsWith(
          "no float vector column 'recent_items' in users snapshot (it is INT_LIST); columns: [score"),
          wrongKind.getMessage());
    }
  }

  @Test
  void rowOutOfRangeFailsAsIndexOutOfBounds() throws Exception {
    try (Snapshot s = Snapshot.open(writeAllKinds(dir.resolve("users.snap")))) {
      assertThrows(IndexOutOfBoundsException.class, () -> s.id(IDS.size()));
      assertThrows(IndexOutOfBoundsException.class, () -> s.getInt("n_views", -1));
      assertThrows(IndexOutOfBoundsException.class, () -> s.vectorColumn("emb").copyInto(0, new float[4], 2));
      assertThrows(IndexOutOfBoundsException.class, () -> s.intListColumn("recent_items").copyInto(1,
          new int[3], 0));
    }
  }

  @Test
  void readsFailOnceClosed() throws Exception {
    Snapshot s = Snapshot.open(writeAllKinds(dir.resolve("users.snap")));
    FloatColumn score = s.floatColumn("score");
    s.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> score.get(1));
    assertTrue(e.getMessage().contains("users.snap is closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> s.find("a"));
    s.close();
  }

  @Test
  void publishingOverAnOpenSnapshotLeavesItsReadersOnTheOldFile() throws Exception {
    Path file = writeAllKinds(dir.resolve("users.snap"));
    try (Snapshot old = Snapshot.open(file)) {
      try (SnapshotWriter w = SnapshotWriter.create(file, "users", List.of(ColumnSpec.ints("n_views")),
          Map.of("feature_set", "ranking_v2"))) {
        w.append("a", 42);
      }
      try (Snapshot fresh = Snapshot.open(file)) {
        assertEquals(1, fresh.rows());
        assertEquals(42, fresh.getInt("n_views", fresh.find("a")));
      }
      assertEquals(IDS.size(), old.rows());
      assertEquals(row(2)[1], old.getInt("n_views", old.find("a")));
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temp files left behind");
    }
  }
}
