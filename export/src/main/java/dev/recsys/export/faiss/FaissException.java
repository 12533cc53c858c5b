package dev.recsys.export.faiss;

/** An error raised inside faiss (bad factory string, unreadable file, ...), carrying faiss's own message. */
public final class FaissException extends RuntimeException {
  /** Creates the exception; the JNI shim calls this with the C++ exception's {@code what()}. */
  public FaissException(String message) {
    super(message);
  }
}
