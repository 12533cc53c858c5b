package dev.recsys.features.snapshot;

import java.util.Objects;

/**
 * Reads one {@link ColumnKind#INT_LIST} column of a {@link Snapshot}: a list of ints of any length per row.
 * Thread-safe; {@link #copyInto} fills a caller's array without allocating.
 */
public final class IntListColumn {

  private final MappedFile file;
  private final OffsetIndex index;
  private final int rows;

  IntListColumn(MappedFile file, OffsetIndex index, int rows) {
    this.file = file;
    this.index = index;
    this.rows = rows;
  }

  /** Returns the number of ints in row {@code row}. */
  public int length(int row) {
    file.checkOpen();
    long start = index.start(Objects.checkIndex(row, rows));
    return (int) (index.end(row, start) - start);
  }

  /** Returns a copy of row {@code row}, empty for an empty list. */
  public int[] get(int row) {
    int[] values = new int[length(row)];
    copyInto(row, values, 0);
    return values;
  }

  /** Copies row {@code row} into {@code dst} from {@code offset} on and returns how many ints it copied. */
  public int copyInto(int row, int[] dst, int offset) {
    file.checkOpen();
    long start = index.start(Objects.checkIndex(row, rows));
    int length = (int) (index.end(row, start) - start);
    Objects.checkFromIndexSize(offset, length, dst.length);
    file.getInts(index.payload() + 4L * start, dst, offset, length);
    return length;
  }
}
