package dev.recsys.export.faiss;

/** The similarity a {@link FaissIndex} ranks by, with faiss's {@code MetricType} code. */
public enum Metric {
  /** Larger inner product is nearer; scores are inner products. */
  INNER_PRODUCT(0),
  /** Smaller distance is nearer; scores are squared Euclidean distances. */
  L2(1);

  private final int code;

  Metric(int code) {
    this.code = code;
  }

  /** Returns faiss's {@code MetricType} value. */
  int code() {
    return code;
  }

  /** Returns the metric with faiss's {@code MetricType} value {@code code}. */
  static Metric fromCode(int code) {
    for (Metric m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "Unsupported faiss metric type " + code + "; supported: INNER_PRODUCT (0), L2 (1)");
  }
}
