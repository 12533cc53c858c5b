package dev.recsys.export.bundle;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive right to change a bundles root (publish, prune, move {@code CURRENT}), held by one writer or
 * rollback at a time across processes through an OS lock on {@code <root>/.lock}. The OS drops the lock when
 * its process dies, so a killed publisher never blocks the next one.
 */
final class RootLock implements AutoCloseable {

  // A JVM may open the lock file only once at a time: on POSIX, closing any channel to a file drops every lock
  // the process holds on it, so a second channel opened just to find the lock taken would release it.
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final FileChannel channel;

  private RootLock(Path key, FileChannel channel) {
    this.key = key;
    this.channel = channel;
  }

  /** Returns the lock on {@code root}; throws {@link BundleException} at once if someone else holds it. */
  static RootLock acquire(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new BundleException(root + " is not a bundles root: no such directory");
    }
    Path key = root.toRealPath();
    Path lockFile = key.resolve(BundlePaths.LOCK);
    if (!HELD_IN_THIS_JVM.add(key)) {
      throw busy(lockFile);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw busy(lockFile);
      }
      return new RootLock(key, channel);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      HELD_IN_THIS_JVM.remove(key);
      throw e;
    }
  }

  private static BundleException busy(Path lockFile) {
    return new BundleException("another publish or rollback is changing this bundles root (" + lockFile
        + " is locked); try again when it has finished");
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      HELD_IN_THIS_JVM.remove(key);
    }
  }
}
