package dev.recsys.export.bundle;

import dev.recsys.export.bundle.Manifest.FileEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes one bundle into a hidden staging directory of the bundles root and publishes it atomically.
 *
 * <pre>{@code
 * try (BundleWriter w = BundleWriter.open(root, BundleVersion.next(clock, runId), clock)) {
 *   w.copy(rankerOnnx, "models/ranker.onnx");
 *   w.write("popularity.json", popularJson);
 *   faiss.writeIndex(index, w.file("index.faiss"));
 *   w.publish(metadata, 5);
 * }
 * }</pre>
 *
 * <p>{@link #open} takes the root's lock (one writer or rollback at a time; the OS frees it if the process dies),
 * removes what killed writers left behind, and creates {@code <root>/.staging-<version>} on the same file system
 * as the bundles. {@link #publish} hashes and fsyncs every staged file, writes {@code manifest.json}, fsyncs the
 * directories, re-reads and checks everything, renames the staging directory to {@code <root>/<version>} (atomic:
 * a bundle directory is always complete), prunes old bundles, then atomically replaces {@code CURRENT}. A process
 * killed at any point leaves {@code CURRENT} naming a complete bundle. Closing without publishing discards the
 * staged files. Not thread-safe.
 */
public final class BundleWriter implements AutoCloseable {

  private final Path root;
  private final String version;
  private final Clock clock;
  private final Path staging;
  private final RootLock lock;
  private final Set<String> reserved = new TreeSet<>();
  private boolean done;

  private BundleWriter(Path root, String version, Clock clock, Path staging, RootLock lock) {
    this.root = root;
    this.version = version;
    this.clock = clock;
    this.staging = staging;
    this.lock = lock;
  }

  /**
   * Returns a writer staging bundle {@code version} under {@code root} (created if missing); {@code clock} gives
   * the manifest's {@code created_at}. Throws {@link BundleException} if another writer or rollback holds the
   * root, or if {@code version} does not sort after every bundle already there.
   */
  public static BundleWriter open(Path root, String version, Clock clock) throws IOException {
    BundleVersion.check(version);
    Files.createDirectories(root);
    RootLock lock = RootLock.acquire(root);
    try {
      removeLeftovers(root);
      List<String> existing = Bundles.versions(root);
      if (!existing.isEmpty()) {
        String newest = existing.get(existing.size() - 1);
        if (version.compareTo(newest) <= 0) {
          throw new BundleException("bundle version " + version + " does not sort after the newest bundle " + newest
              + " in " + root + "; versions must increase (BundleVersion.next makes one from the clock)");
        }
      }
      Path staging = root.resolve(BundlePaths.STAGING_PREFIX + version);
      Files.createDirectory(staging);
      return new BundleWriter(root, version, clock, staging, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Returns the version being written. */
  public String version() {
    return version;
  }

  /** Copies {@code source} into the bundle as {@code path} (relative, {@code /}-separated). */
  public void copy(Path source, String path) throws IOException {
    Files.copy(source, reserve(path));
  }

  /** Writes {@code content} into the bundle as {@code path}. */
  public void write(String path, byte[] content) throws IOException {
    Files.write(reserve(path), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /** Returns a stream writing the bundle file {@code path}; close it before {@link #publish}. */
  public OutputStream newOutputStream(String path) throws IOException {
    return Files.newOutputStream(reserve(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /**
   * Returns where to create the bundle file {@code path}, for code that writes to a file name (the FAISS index
   * writer); its parent directories exist, and the file must exist by {@link #publish}.
   */
  public Path file(String path) throws IOException {
    return reserve(path);
  }

  private Path reserve(String path) throws IOException {
    requireOpen();
    BundlePaths.checkRelative(path);
    if (path.equals(Manifest.FILE_NAME)) {
      throw new IllegalArgumentException(Manifest.FILE_NAME + " is written by publish(), not added as a file");
    }
    if (!reserved.add(path)) {
      throw new IllegalArgumentException("file " + path + " was already added to bundle " + version);
    }
    Path target = staging.resolve(path);
    Files.createDirectories(target.getParent());
    return target;
  }

  /**
   * Publishes the staged files as bundle {@link #version()} with a manifest made from {@code metadata}, makes it
   * current, and returns the manifest written. Keeps the newest {@code keep} bundles (counting this one) and the
   * bundle that was current until now, deleting older ones. One attempt per writer: on failure the staged files
   * are discarded and {@code CURRENT} is unchanged (unless the failure came after the switch, which is its last
   * step).
   */
  public Manifest publish(BundleMetadata metadata, int keep) throws IOException {
    requireOpen();
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1, got " + keep);
    }
    done = true;
    try {
      Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, version, clock.instant(), metadata.sourceRun(),
          metadata.featureSets(), metadata.models(), metadata.metrics(), metadata.index(), hashAndSyncFiles());
      BundleFiles.writeDurably(staging.resolve(Manifest.FILE_NAME), ManifestJson.toBytes(manifest));
      for (Path dir : BundleFiles.directoriesDeepestFirst(staging)) {
        BundleFiles.syncDirectory(dir);
      }
      checkStaged(manifest);
      Files.move(staging, root.resolve(version), StandardCopyOption.ATOMIC_MOVE);
      BundleFiles.syncDirectory(root);
      prune(keep);
      Bundles.setCurrent(root, version);
      return manifest;
    } finally {
      release();
    }
  }

  private Map<String, FileEntry> hashAndSyncFiles() throws IOException {
    Map<String, FileEntry> files = new TreeMap<>();
    for (String name : BundleFiles.listFiles(staging)) {
      Path file = staging.resolve(name);
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new BundleException("bundle " + version + ": " + name + " is not a regular file (links and special "
            + "files cannot be published)");
      }
      files.put(name, BundleFiles.hashAndSync(file));
    }
    for (String name : reserved) {
      if (!files.containsKey(name)) {
        throw new BundleException("bundle " + version + ": file " + name + " was added with file() but never written");
      }
    }
    return files;
  }

  // Reads back what is on disk, as a reader will, before anyone can see it.
  private void checkStaged(Manifest written) throws IOException {
    Manifest reread = ManifestJson.read(staging.resolve(Manifest.FILE_NAME));
    if (!reread.version().equals(version) || !reread.files().equals(written.files())) {
      throw new BundleException("bundle " + version + ": " + Manifest.FILE_NAME + " read back from "
          + staging + " differs from what was written");
    }
    BundleFiles.verify(staging, reread, Verification.CHECKSUMS);
  }

  // Runs before CURRENT moves: the current bundle stays (readers may be loading it) and so does this one.
  private void prune(int keep) throws IOException {
    List<String> versions = Bundles.versions(root);
    String current = Bundles.current(root).orElse(null);
    for (String old : versions.subList(0, Math.max(0, versions.size() - keep))) {
      if (!old.equals(current) && !old.equals(version)) {
        Path trash = root.resolve(BundlePaths.TRASH_PREFIX + old);
        Files.move(root.resolve(old), trash, StandardCopyOption.ATOMIC_MOVE);
        BundleFiles.deleteTree(trash);
      }
    }
  }

  // Only the lock holder runs this, so every hidden entry is from a writer that died.
  private static void removeLeftovers(Path root) throws IOException {
    List<Path> leftovers = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      entries.filter(p -> {
        String name = p.getFileName().toString();
        return name.startsWith(BundlePaths.STAGING_PREFIX) || name.startsWith(BundlePaths.TRASH_PREFIX)
            || name.equals(BundlePaths.CURRENT_TMP);
      }).forEach(leftovers::add);
    }
    for (Path p : leftovers) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        BundleFiles.deleteTree(p);
      } else {
        Files.delete(p);
      }
    }
  }

  private void requireOpen() {
    if (done) {
      throw new IllegalStateException("bundle writer for " + version + " was already published or closed");
    }
  }

  private void release() throws IOException {
    try {
      if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
        BundleFiles.deleteTree(staging);
      }
    } finally {
      lock.close();
    }
  }

  /** Discards the staged files unless {@link #publish} was called, and releases the root. */
  @Override
  public void close() throws IOException {
    if (!done) {
      done = true;
      release();
    }
  }
}
