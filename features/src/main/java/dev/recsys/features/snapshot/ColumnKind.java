package dev.recsys.features.snapshot;

/** The value type of a snapshot column; each kind has a stable code that the file stores. */
public enum ColumnKind {
  /** One 32-bit float per row. */
  FLOAT(1),
  /** One 32-bit int per row. */
  INT(2),
  /** One 64-bit long per row. */
  LONG(3),
  /** A fixed number ({@link ColumnSpec#dim()}) of floats per row, such as an embedding. */
  FLOAT_VECTOR(4),
  /** A list of ints of any length (possibly empty) per row, such as recent item indices. */
  INT_LIST(5),
  /** One UTF-8 string or null per row. */
  STRING(6);

  private final int code;

  ColumnKind(int code) {
    this.code = code;
  }

  /** Returns the number written to the column directory; never reuse or renumber a code. */
  int code() {
    return code;
  }

  /** Returns the kind written as {@code code}, or null when no kind has that code. */
  static ColumnKind ofCode(int code) {
    for (ColumnKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    return null;
  }
}
