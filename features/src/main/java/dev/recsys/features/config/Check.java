package dev.recsys.features.config;

/** Value checks for config records; each failure names the key so the message points at the line to fix. */
final class Check {

  private Check() {}

  static int positive(String key, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be > 0, got " + v);
    }
    return v;
  }

  static long positive(String key, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be > 0, got " + v);
    }
    return v;
  }

  static double positive(String key, double v) {
    if (!(v > 0)) {
      throw new IllegalArgumentException(key + " must be > 0, got " + v);
    }
    return v;
  }

  static int nonNegative(String key, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(key + " must not be negative, got " + v);
    }
    return v;
  }

  /** A finite number that may be 0 (a margin, a weight, a limit where 0 switches something off). */
  static double finiteNonNegative(String key, double v) {
    if (!(v >= 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + v);
    }
    return v;
  }

  /** A share strictly between 0 and 1 (or exactly 0 when {@code zeroAllowed}). */
  static double fraction(String key, double v, boolean zeroAllowed) {
    boolean ok = zeroAllowed ? v >= 0 && v < 1 : v > 0 && v < 1;
    if (!ok) {
      throw new IllegalArgumentException(key + " must be in " + (zeroAllowed ? "[0, 1)" : "(0, 1)") + ", got " + v);
    }
    return v;
  }

  static String nonBlank(String key, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(key + " must not be empty");
    }
    return v;
  }
}
