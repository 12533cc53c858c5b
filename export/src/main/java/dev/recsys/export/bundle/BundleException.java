package dev.recsys.export.bundle;

import java.io.IOException;

/**
 * A bundle that cannot be used: incomplete, tampered with, an unreadable manifest, or a pointer that names no
 * bundle. The message names the bundle and the file, and for a checksum both hashes. It is an
 * {@link IOException} (as {@code java.util.zip.ZipException} is) so callers handle it with the I/O errors.
 */
public final class BundleException extends IOException {

  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
