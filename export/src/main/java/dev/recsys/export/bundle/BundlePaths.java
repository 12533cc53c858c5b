package dev.recsys.export.bundle;

import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * Names inside a bundles root and the rules for file paths inside a bundle.
 *
 * <p>A root holds one directory per published bundle, named by its version, and these entries:
 * {@code CURRENT} (the current version), {@code .CURRENT.tmp} (its replacement while being written),
 * {@code .lock} (held by the one writer or rollback at a time), {@code .staging-<version>} (a bundle being
 * written) and {@code .trash-<version>} (a bundle being deleted). Hidden entries left by a killed process are
 * removed by the next writer.
 */
final class BundlePaths {

  static final String CURRENT = "CURRENT";
  static final String CURRENT_TMP = ".CURRENT.tmp";
  static final String LOCK = ".lock";
  static final String STAGING_PREFIX = ".staging-";
  static final String TRASH_PREFIX = ".trash-";

  private BundlePaths() {}

  /**
   * Returns {@code path} if it is a usable file path inside a bundle: relative, {@code /}-separated, with no
   * empty, {@code .} or {@code ..} segment; throws {@link IllegalArgumentException} otherwise.
   */
  static String checkRelative(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("a file path inside a bundle must not be empty");
    }
    if (path.startsWith("/") || path.contains("\\")) {
      throw new IllegalArgumentException("a file path inside a bundle must be relative and use '/', got '" + path
          + "'");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("a file path inside a bundle must not have empty, '.' or '..' parts, "
            + "got '" + path + "'");
      }
    }
    return path;
  }

  /** Returns the path of {@code file} relative to {@code dir}, with {@code /} separators. */
  static String relative(Path dir, Path file) {
    StringJoiner joined = new StringJoiner("/");
    for (Path part : dir.relativize(file)) {
      joined.add(part.toString());
    }
    return joined.toString();
  }
}
