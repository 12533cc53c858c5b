package dev.recsys.features.snapshot;

/**
 * Thrown when a file is not a readable snapshot: wrong magic, unsupported format version, truncated, or corrupt.
 * The message names the file.
 */
public final class SnapshotFormatException extends RuntimeException {
  public SnapshotFormatException(String message) {
    super(message);
  }
}
