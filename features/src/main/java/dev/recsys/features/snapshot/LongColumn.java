package dev.recsys.features.snapshot;

import java.util.Objects;

/** Reads one {@link ColumnKind#LONG} column of a {@link Snapshot} straight from the mapping; thread-safe. */
public final class LongColumn {

  private final MappedFile file;
  private final long base;
  private final int rows;

  LongColumn(MappedFile file, long base, int rows) {
    this.file = file;
    this.base = base;
    this.rows = rows;
  }

  /** Returns the value of row {@code row}. */
  public long get(int row) {
    file.checkOpen();
    return file.getLong(base + 8L * Objects.checkIndex(row, rows));
  }
}
