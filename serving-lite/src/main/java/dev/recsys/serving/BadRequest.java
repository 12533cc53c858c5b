package dev.recsys.serving;

/** A request the server rejects with HTTP 400 and this message. */
public final class BadRequest extends RuntimeException {

  public BadRequest(String message) {
    super(message);
  }
}
