package dev.recsys.features.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Reads one {@link ColumnKind#STRING} column of a {@link Snapshot}; thread-safe. */
public final class StringColumn {

  private final MappedFile file;
  private final OffsetIndex index;
  private final int rows;

  StringColumn(MappedFile file, OffsetIndex index, int rows) {
    this.file = file;
    this.index = index;
    this.rows = rows;
  }

  /** Returns the string in row {@code row}, or null when the row holds none. */
  public String get(int row) {
    file.checkOpen();
    long start = index.start(Objects.checkIndex(row, rows));
    long end = index.end(row, start);
    if (index.isNull(row)) {
      return null;
    }
    return readUtf8(file, index.payload() + start, (int) (end - start));
  }

  /** Returns the {@code length} UTF-8 bytes at {@code pos} decoded. */
  static String readUtf8(MappedFile file, long pos, int length) {
    byte[] bytes = new byte[length];
    file.getBytes(pos, bytes, 0, length);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
