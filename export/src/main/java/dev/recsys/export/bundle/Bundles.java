package dev.recsys.export.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a bundles root: which bundle is current, which bundles exist, opening one with its files checked, and
 * moving {@code CURRENT} back to an earlier bundle.
 *
 * <p>{@code CURRENT} is a small file holding the current version. It is replaced by writing
 * {@code .CURRENT.tmp}, flushing it, and renaming it over {@code CURRENT} (POSIX {@code rename}, atomic), so a
 * reader sees the old or the new version, never a torn one. A file rather than a symlink: a reader reads the
 * version once and then opens every file under {@code <root>/<version>/}, so it cannot mix two bundles the way
 * paths through a {@code current/} link swapped between two opens could; and it works on file systems without
 * symlinks.
 */
public final class Bundles {

  // A reader that loses a race with a publish (its bundle pruned while being opened) tries the new current.
  private static final int OPEN_CURRENT_ATTEMPTS = 10;

  private Bundles() {}

  /** Returns the version {@code CURRENT} names, or empty if no bundle has been published under {@code root}. */
  public static Optional<String> current(Path root) throws IOException {
    requireRoot(root);
    String text;
    try {
      text = Files.readString(root.resolve(BundlePaths.CURRENT), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!BundleVersion.isValid(text)) {
      throw new BundleException(root.resolve(BundlePaths.CURRENT) + " names '" + text
          + "', which is not a bundle version");
    }
    return Optional.of(text);
  }

  /** Returns the versions of the bundle directories under {@code root}, oldest first. */
  public static List<String> versions(Path root) throws IOException {
    requireRoot(root);
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .filter(BundleVersion::isValid)
          .sorted()
          .toList();
    }
  }

  /**
   * Returns the bundle {@code version} of {@code root} after checking its manifest and its files; throws
   * {@link BundleException} naming the bundle and the first problem ("bundle X is incomplete: missing file
   * index.faiss", a checksum mismatch with both hashes, an unknown manifest field).
   */
  public static Bundle open(Path root, String version, Verification verification) throws IOException {
    BundleVersion.check(version);
    Path dir = root.resolve(version);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new BundleException("no bundle " + version + " in " + root + " (bundles: " + listing(root) + ")");
    }
    Path manifestFile = dir.resolve(Manifest.FILE_NAME);
    if (Files.notExists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new BundleException("bundle " + version + " is incomplete: missing file " + Manifest.FILE_NAME);
    }
    Manifest manifest = ManifestJson.read(manifestFile);
    if (!manifest.version().equals(version)) {
      throw new BundleException(manifestFile + " says version " + manifest.version() + " but its directory is "
          + version);
    }
    BundleFiles.verify(dir, manifest, verification);
    return new Bundle(dir, manifest);
  }

  /**
   * Returns the current bundle after checking it. If the bundle is deleted while being opened (a publish moved
   * {@code CURRENT} on and pruned it), opens the new current one instead.
   */
  public static Bundle openCurrent(Path root, Verification verification) throws IOException {
    String version = requireCurrent(root);
    for (int attempt = 1; ; attempt++) {
      try {
        return open(root, version, verification);
      } catch (IOException e) {
        String now = requireCurrent(root);
        if (now.equals(version) || attempt == OPEN_CURRENT_ATTEMPTS) {
          throw e;
        }
        version = now;
      }
    }
  }

  /**
   * Points {@code CURRENT} at the newest bundle older than the current one that passes a full check, and returns
   * its version. Bundles that fail the check are skipped; if none is left, throws {@link BundleException}
   * ("no bundle before X", or each skipped bundle's problem).
   */
  public static String rollback(Path root) throws IOException {
    RootLock lock = RootLock.acquire(root);
    try {
      String from = requireCurrent(root);
      List<String> older = new ArrayList<>(versions(root).stream().filter(v -> v.compareTo(from) < 0).toList());
      if (older.isEmpty()) {
        throw new BundleException("no bundle before " + from + " in " + root);
      }
      List<String> problems = new ArrayList<>();
      for (int i = older.size() - 1; i >= 0; i--) {
        String candidate = older.get(i);
        try {
          open(root, candidate, Verification.CHECKSUMS);
        } catch (BundleException e) {
          problems.add(e.getMessage());
          continue;
        }
        setCurrent(root, candidate);
        return candidate;
      }
      throw new BundleException("no valid bundle before " + from + " in " + root + ": " + String.join("; ", problems));
    } finally {
      lock.close();
    }
  }

  /**
   * Points {@code CURRENT} at the bundle {@code version} after a full check of it, and returns the version;
   * throws {@link BundleException} if there is no such bundle or it fails the check.
   */
  public static String rollback(Path root, String version) throws IOException {
    RootLock lock = RootLock.acquire(root);
    try {
      open(root, version, Verification.CHECKSUMS);
      setCurrent(root, version);
      return version;
    } finally {
      lock.close();
    }
  }

  /** Atomically replaces {@code CURRENT} with one naming {@code version}; the caller holds the {@link RootLock}. */
  static void setCurrent(Path root, String version) throws IOException {
    Path tmp = root.resolve(BundlePaths.CURRENT_TMP);
    BundleFiles.writeDurably(tmp, (version + "\n").getBytes(StandardCharsets.UTF_8));
    // rename(2) replaces the target atomically; Files.move leaves replacing to the platform, which POSIX defines.
    Files.move(tmp, root.resolve(BundlePaths.CURRENT), StandardCopyOption.ATOMIC_MOVE);
    BundleFiles.syncDirectory(root);
  }

  private static String requireCurrent(Path root) throws IOException {
    return current(root).orElseThrow(() -> new BundleException("no bundle has been published in " + root
        + " (no " + BundlePaths.CURRENT + " file)"));
  }

  private static void requireRoot(Path root) throws BundleException {
    if (!Files.isDirectory(root)) {
      throw new BundleException(root + " is not a bundles root: no such directory");
    }
  }

  private static String listing(Path root) throws IOException {
    List<String> versions = versions(root);
    return versions.isEmpty() ? "none" : String.join(", ", versions);
  }
}
