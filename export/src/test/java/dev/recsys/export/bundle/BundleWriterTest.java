package dev.recsys.export.bundle;

import static dev.recsys.export.bundle.Fixtures.CLOCK;
import static dev.recsys.export.bundle.Fixtures.INDEX;
import static dev.recsys.export.bundle.Fixtures.RANKER;
import static dev.recsys.export.bundle.Fixtures.metadata;
import static dev.recsys.export.bundle.Fixtures.publish;
import static dev.recsys.export.bundle.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleWriterTest {

  @TempDir
  Path root;

  @Test
  void publishedBundleReadsBackWithItsManifestAndFiles(@TempDir Path work) throws Exception {
    String v = version(1);
    byte[] ranker = "onnx model bytes".getBytes(StandardCharsets.UTF_8);
    Path index = Files.write(work.resolve("built.faiss"), new byte[] {1, 2, 3, 4, 5});
    Manifest written;
    try (BundleWriter w = BundleWriter.open(root, v, CLOCK)) {
      w.write(RANKER, ranker);
      w.copy(index, INDEX);
      try (OutputStream out = w.newOutputStream("ids/items.tsv")) {
        out.write("0\titem_a\n1\titem_b\n".getBytes(StandardCharsets.UTF_8));
      }
      Files.writeString(w.file("popularity/global.json"), "[\"item_b\"]");
      written = w.publish(metadata(), 3);
    }

    Bundle bundle = Bundles.openCurrent(root, Verification.CHECKSUMS);
    assertEquals(v, bundle.version());
    assertEquals(root.resolve(v), bundle.dir());
    assertEquals(written, bundle.manifest());
    assertEquals(Optional.of(v), Bundles.current(root));
    assertEquals(List.of(v), Bundles.versions(root));
    assertEquals(Set.of(RANKER, INDEX, "ids/items.tsv", "popularity/global.json"), written.files().keySet());
    assertEquals(sha256(ranker), written.files().get(RANKER).sha256());
    assertEquals(5, written.files().get(INDEX).bytes());
    assertArrayEquals(ranker, Files.readAllBytes(bundle.modelFile("ranker")));
    assertEquals(Fixtures.T0, written.createdAt());
    assertEquals(metadata().models(), written.models());
    assertEquals(metadata().index(), written.index());

    JsonNode json = new ObjectMapper().readTree(root.resolve(v).resolve(Manifest.FILE_NAME).toFile());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("format_version", "version", "created_at", "source_run", "feature_sets", "models", "metrics",
        "index", "files"), fields);
    assertEquals("2026-11-22T03:15:00Z", json.get("created_at").asText());
    assertEquals(sha256(ranker), json.at("/files/models~1ranker.onnx/sha256").asText());

    assertEquals(Set.of(BundlePaths.CURRENT, BundlePaths.LOCK, v), entries(root), "nothing staged is left");
  }

  @Test
  void filesAreStagedInAHiddenDirectoryOfTheRootAndDiscardedWithoutPublish() throws Exception {
    publish(root, version(1));
    String v = version(2);
    Path staging = root.resolve(".staging-" + v);
    try (BundleWriter w = BundleWriter.open(root, v, CLOCK)) {
      w.write(INDEX, new byte[10]);
      assertTrue(Files.isRegularFile(staging.resolve(INDEX)));
      assertEquals(List.of(version(1)), Bundles.versions(root));
      assertEquals(Optional.of(version(1)), Bundles.current(root));
    }
    assertFalse(Files.exists(staging));
    assertEquals(List.of(version(1)), Bundles.versions(root));
  }

  @Test
  void leftoversOfAKilledPublishAreRemovedByTheNextOne() throws Exception {
    publish(root, version(1));
    Path staging = Files.createDirectories(root.resolve(".staging-" + version(2)).resolve("features"));
    Files.write(staging.resolve("part-0.bin"), new byte[100]);
    Path trash = Files.createDirectories(root.resolve(".trash-" + version(0)));
    Files.write(trash.resolve(INDEX), new byte[100]);
    Files.writeString(root.resolve(BundlePaths.CURRENT_TMP), version(2));

    publish(root, version(3));

    assertEquals(Set.of(BundlePaths.CURRENT, BundlePaths.LOCK, version(1), version(3)), entries(root));
    assertEquals(Optional.of(version(3)), Bundles.current(root));
  }

  @Test
  void retentionKeepsTheNewestBundlesAndTheCurrentOne() throws Exception {
    for (int i = 1; i <= 4; i++) {
      publish(root, version(i));
    }
    Bundles.rollback(root, version(1));

    publish(root, version(5), 1, 10, 2);
    assertEquals(List.of(version(1), version(4), version(5)), Bundles.versions(root),
        "version 1 was current while 5 was published");
    assertEquals(Optional.of(version(5)), Bundles.current(root));

    publish(root, version(6), 1, 10, 2);
    assertEquals(List.of(version(5), version(6)), Bundles.versions(root));

    publish(root, version(7), 1, 10, 1);
    assertEquals(List.of(version(6), version(7)), Bundles.versions(root), "keep 1 still keeps the previous current");
    assertEquals(Set.of(BundlePaths.CURRENT, BundlePaths.LOCK, version(6), version(7)), entries(root));
  }

  @Test
  void versionsMustIncrease() throws Exception {
    publish(root, version(2));
    for (String v : List.of(version(1), version(2))) {
      BundleException e = assertThrows(BundleException.class, () -> BundleWriter.open(root, v, CLOCK));
      assertTrue(e.getMessage().contains("does not sort after the newest bundle " + version(2)), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> BundleWriter.open(root, "latest", CLOCK));
    publish(root, version(3));
  }

  @Test
  void oneWriterOrRollbackAtATime() throws Exception {
    publish(root, version(1));
    publish(root, version(2));
    try (BundleWriter first = BundleWriter.open(root, version(3), CLOCK)) {
      BundleException second = assertThrows(BundleException.class, () -> BundleWriter.open(root, version(4), CLOCK));
      assertTrue(second.getMessage().contains("another publish or rollback"), second.getMessage());
      BundleException rollback = assertThrows(BundleException.class, () -> Bundles.rollback(root));
      assertTrue(rollback.getMessage().contains("another publish or rollback"), rollback.getMessage());
      first.write(RANKER, new byte[1]);
      first.write(INDEX, new byte[1]);
      first.publish(metadata(), 5);
    }
    assertEquals(version(2), Bundles.rollback(root));
  }

  @Test
  void badFilePathsAreRejected() throws Exception {
    try (BundleWriter w = BundleWriter.open(root, version(1), CLOCK)) {
      for (String bad : List.of("", "/etc/passwd", "../outside", "a//b", "a/./b", "a\\b", Manifest.FILE_NAME)) {
        assertThrows(IllegalArgumentException.class, () -> w.write(bad, new byte[1]), bad);
      }
      w.write(INDEX, new byte[1]);
      IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> w.write(INDEX, new byte[1]));
      assertTrue(twice.getMessage().contains("already added"), twice.getMessage());
    }
    assertEquals(Set.of(BundlePaths.LOCK), entries(root));
  }

  @Test
  void publishFailsWhenAModelFileOrAnAnnouncedFileIsMissing() throws Exception {
    try (BundleWriter w = BundleWriter.open(root, version(1), CLOCK)) {
      w.write(INDEX, new byte[1]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.publish(metadata(), 3));
      assertTrue(e.getMessage().contains("model ranker names file " + RANKER + " which is not among"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> w.write(RANKER, new byte[1]), "one attempt per writer");
    }
    try (BundleWriter w = BundleWriter.open(root, version(2), CLOCK)) {
      w.write(RANKER, new byte[1]);
      w.file(INDEX);
      BundleException e = assertThrows(BundleException.class, () -> w.publish(metadata(), 3));
      assertTrue(e.getMessage().contains("file " + INDEX + " was added with file() but never written"), e.getMessage());
    }
    assertEquals(Optional.empty(), Bundles.current(root));
    assertEquals(Set.of(BundlePaths.LOCK), entries(root));
  }

  private static Set<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
