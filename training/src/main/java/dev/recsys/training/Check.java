package dev.recsys.training;

/** Value checks for the config records; each failure names the key. */
final class Check {

  private Check() {}

  static void positive(String key, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be > 0, got " + v);
    }
  }

  /** Checks a vocabulary size, which counts the padding (0) and oov (1) rows. */
  static void vocab(String key, int rows) {
    if (rows < 3) {
      throw new IllegalArgumentException(key + " must be >= 3 (padding, oov and at least one id), got " + rows);
    }
  }
}
