package dev.recsys.export.bundle;

import static dev.recsys.export.bundle.Fixtures.INDEX;
import static dev.recsys.export.bundle.Fixtures.publish;
import static dev.recsys.export.bundle.Fixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlesTest {

  @TempDir
  Path root;

  @Test
  void aChangedByteFailsTheChecksumNamingTheFileAndBothHashes() throws Exception {
    Manifest manifest = publish(root, version(1));
    Path index = root.resolve(version(1)).resolve(INDEX);
    try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "rw")) {
      file.seek(50);
      file.write('#');
    }
    String expected = manifest.files().get(INDEX).sha256();
    String actual = BundleFiles.hash(index).sha256();

    BundleException e = assertThrows(BundleException.class, () -> Bundles.openCurrent(root, Verification.CHECKSUMS));
    assertEquals("bundle " + version(1) + ": file " + INDEX + " has sha256 " + actual + " (100 bytes) but "
        + "manifest.json says sha256 " + expected + " (100 bytes)", e.getMessage());
    // The size-only check does not read content, so it cannot see a same-size change.
    assertEquals(version(1), Bundles.openCurrent(root, Verification.SIZES_ONLY).version());
  }

  @Test
  void aMissingOrTruncatedFileMakesTheBundleIncomplete() throws Exception {
    publish(root, version(1));
    Path index = root.resolve(version(1)).resolve(INDEX);
    Files.write(index, new byte[7]);
    BundleException truncated = assertThrows(BundleException.class,
        () -> Bundles.open(root, version(1), Verification.SIZES_ONLY));
    assertEquals("bundle " + version(1) + ": file " + INDEX + " has 7 bytes but manifest.json says 100 bytes",
        truncated.getMessage());

    Files.delete(index);
    for (Verification verification : Verification.values()) {
      BundleException e = assertThrows(BundleException.class, () -> Bundles.open(root, version(1), verification));
      assertEquals("bundle " + version(1) + " is incomplete: missing file " + INDEX, e.getMessage());
    }
  }

  @Test
  void aFileTheManifestDoesNotListIsRejected() throws Exception {
    publish(root, version(1));
    Files.write(root.resolve(version(1)).resolve("features/extra.bin"), new byte[3]);
    BundleException e = assertThrows(BundleException.class, () -> Bundles.open(root, version(1),
        Verification.SIZES_ONLY));
    assertEquals("bundle " + version(1) + " has file features/extra.bin which manifest.json does not list",
        e.getMessage());
  }

  @Test
  void anUnknownManifestFieldFailsToLoad() throws Exception {
    publish(root, version(1));
    Path manifestFile = root.resolve(version(1)).resolve(Manifest.FILE_NAME);
    ObjectMapper json = new ObjectMapper();
    ObjectNode tree = (ObjectNode) json.readTree(manifestFile.toFile());
    tree.put("owner", "ml-team");
    json.writeValue(manifestFile.toFile(), tree);

    BundleException e = assertThrows(BundleException.class, () -> Bundles.openCurrent(root, Verification.CHECKSUMS));
    assertTrue(e.getMessage().startsWith(manifestFile + ": unknown field 'owner' (known fields there: created_at, "),
        e.getMessage());
  }

  @Test
  void aManifestOfAnotherVersionIsRejected() throws Exception {
    publish(root, version(1));
    publish(root, version(2));
    Files.copy(root.resolve(version(1)).resolve(Manifest.FILE_NAME), root.resolve(version(2))
        .resolve(Manifest.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    BundleException e = assertThrows(BundleException.class, () -> Bundles.open(root, version(2),
        Verification.SIZES_ONLY));
    assertTrue(e.getMessage().endsWith("says version " + version(1) + " but its directory is " + version(2)),
        e.getMessage());
  }

  @Test
  void rollbackPointsAtThePreviousValidBundle() throws Exception {
    for (int i = 1; i <= 4; i++) {
      publish(root, version(i));
    }
    assertEquals(version(3), Bundles.rollback(root));
    assertEquals(Optional.of(version(3)), Bundles.current(root));
    assertEquals(version(4), Bundles.rollback(root, version(4)));

    Files.delete(root.resolve(version(3)).resolve(INDEX));
    assertEquals(version(2), Bundles.rollback(root), "skips the incomplete bundle 3");
    BundleException named = assertThrows(BundleException.class, () -> Bundles.rollback(root, version(3)));
    assertEquals("bundle " + version(3) + " is incomplete: missing file " + INDEX, named.getMessage());
    assertEquals(Optional.of(version(2)), Bundles.current(root), "a failed rollback leaves CURRENT alone");

    assertEquals(version(1), Bundles.rollback(root));
    BundleException first = assertThrows(BundleException.class, () -> Bundles.rollback(root));
    assertEquals("no bundle before " + version(1) + " in " + root, first.getMessage());

    BundleException unknown = assertThrows(BundleException.class, () -> Bundles.rollback(root, version(9)));
    assertEquals("no bundle " + version(9) + " in " + root + " (bundles: " + String.join(", ", version(1), version(2),
        version(3), version(4)) + ")", unknown.getMessage());
  }

  @Test
  void rollbackPastOnlyBrokenBundlesNamesEachProblem() throws Exception {
    publish(root, version(1));
    publish(root, version(2));
    Files.delete(root.resolve(version(1)).resolve(INDEX));
    BundleException e = assertThrows(BundleException.class, () -> Bundles.rollback(root));
    assertEquals("no valid bundle before " + version(2) + " in " + root + ": bundle " + version(1)
        + " is incomplete: missing file " + INDEX, e.getMessage());
  }

  @Test
  void anEmptyRootHasNoCurrentBundle() throws Exception {
    assertEquals(Optional.empty(), Bundles.current(root));
    assertEquals(List.of(), Bundles.versions(root));
    BundleException e = assertThrows(BundleException.class, () -> Bundles.openCurrent(root, Verification.CHECKSUMS));
    assertEquals("no bundle has been published in " + root + " (no CURRENT file)", e.getMessage());
    BundleException missing = assertThrows(BundleException.class, () -> Bundles.versions(root.resolve("nope")));
    assertTrue(missing.getMessage().endsWith("is not a bundles root: no such directory"), missing.getMessage());
  }

  @Test
  void aCurrentFileNamingNoVersionIsRejected() throws Exception {
    Files.writeString(root.resolve(BundlePaths.CURRENT), "latest\n");
    BundleException e = assertThrows(BundleException.class, () -> Bundles.current(root));
    assertEquals(root.resolve(BundlePaths.CURRENT) + " names 'latest', which is not a bundle version", e.getMessage());
  }

  @Test
  void filesAndModelsAreLookedUpByName() throws Exception {
    publish(root, version(1));
    Bundle bundle = Bundles.openCurrent(root, Verification.CHECKSUMS);
    Fixtures.assertContentOfOwnVersion(bundle);
    IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> bundle.modelFile("dlrm"));
    assertEquals("bundle " + version(1) + " has no model named 'dlrm'. Available models: ranker", model.getMessage());
    assertThrows(IllegalArgumentException.class, () -> bundle.file("missing.bin"));
  }
}
