package dev.recsys.features.snapshot;

import java.util.Objects;

/** Reads one {@link ColumnKind#INT} column of a {@link Snapshot} straight from the mapping; thread-safe. */
public final class IntColumn {

  private final MappedFile file;
  private final long base;
  private final int rows;

  IntColumn(MappedFile file, long base, int rows) {
    this.file = file;
    this.base = base;
    this.rows = rows;
  }

  /** Returns the value of row {@code row}. */
  public int get(int row) {
    file.checkOpen();
    return file.getInt(base + 4L * Objects.checkIndex(row, rows));
  }
}
