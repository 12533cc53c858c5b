package dev.recsys.export.bundle;

import dev.recsys.export.bundle.Manifest.FileEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** File-level operations of bundles: checksums, fsync, verification against a manifest, deletion. */
final class BundleFiles {

  private static final int BUFFER_BYTES = 1 << 20;

  private BundleFiles() {}

  /** Returns the SHA-256 and size of {@code file}, read from disk. */
  static FileEntry hash(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return hash(channel);
    }
  }

  /** Returns the SHA-256 and size of {@code file} and flushes its content to the disk (fsync). */
  static FileEntry hashAndSync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      FileEntry entry = hash(channel);
      channel.force(true);
      return entry;
    }
  }

  private static FileEntry hash(FileChannel channel) throws IOException {
    MessageDigest digest = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    long bytes = 0;
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      bytes += buffer.remaining();
      digest.update(buffer);
      buffer.clear();
    }
    return new FileEntry(HexFormat.of().formatHex(digest.digest()), bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Writes {@code content} to {@code file}, replacing it, and flushes it to the disk before returning. */
  static void writeDurably(Path file, byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /**
   * Flushes a directory's entries to the disk, so files created, renamed or deleted in it survive a power cut
   * (POSIX: fsync on the directory).
   */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Returns every non-directory entry under {@code dir} as a relative {@code /}-separated path, sorted. */
  static List<String> listFiles(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> BundlePaths.relative(dir, p))
          .sorted()
          .toList();
    }
  }

  /** Returns every directory under {@code dir}, deepest first, ending with {@code dir} itself. */
  static List<Path> directoriesDeepestFirst(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> dirs = new ArrayList<>(walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList());
      dirs.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
      return dirs;
    }
  }

  /**
   * Checks the files in the bundle directory {@code dir} against {@code manifest}: every listed file is present
   * with the listed size (and, for {@link Verification#CHECKSUMS}, the listed SHA-256), and nothing else is
   * there besides {@code manifest.json}. Throws {@link BundleException} naming the first file that differs.
   */
  static void verify(Path dir, Manifest manifest, Verification verification) throws IOException {
    String bundle = "bundle " + manifest.version();
    for (Map.Entry<String, FileEntry> listed : manifest.files().entrySet()) {
      String name = listed.getKey();
      FileEntry want = listed.getValue();
      Path file = dir.resolve(name);
      if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new BundleException(bundle + " is incomplete: missing file " + name);
      }
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new BundleException(bundle + ": " + name + " is not a regular file");
      }
      if (verification == Verification.CHECKSUMS) {
        FileEntry have = hash(file);
        if (!have.equals(want)) {
          throw new BundleException(bundle + ": file " + name + " has sha256 " + have.sha256() + " (" + have.bytes()
              + " bytes) but " + Manifest.FILE_NAME + " says sha256 " + want.sha256() + " (" + want.bytes()
              + " bytes)");
        }
      } else {
        long size = Files.size(file);
        if (size != want.bytes()) {
          throw new BundleException(bundle + ": file " + name + " has " + size + " bytes but " + Manifest.FILE_NAME
              + " says " + want.bytes() + " bytes");
        }
      }
    }
    for (String name : listFiles(dir)) {
      if (!name.equals(Manifest.FILE_NAME) && !manifest.files().containsKey(name)) {
        throw new BundleException(bundle + " has file " + name + " which " + Manifest.FILE_NAME + " does not list");
      }
    }
  }

  /** Deletes {@code dir} and everything under it. */
  static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
