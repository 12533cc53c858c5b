package dev.recsys.features.snapshot;

/**
 * Reads a variable-length section (ids, {@link ColumnKind#STRING}, {@link ColumnKind#INT_LIST}): {@code rows + 1}
 * longs, then the payload they index. Entry {@code r} is where row {@code r} starts and entry {@code r + 1} where
 * it ends, counted in payload units (bytes, or ints for lists); the sign bit of entry {@code r + 1} marks a null
 * string. Every read checks its two entries, so a corrupt offset fails with {@link SnapshotFormatException}
 * instead of reading past the section.
 */
final class OffsetIndex {

  /** Set on the end entry of a null STRING row. */
  static final long NULL_FLAG = Long.MIN_VALUE;

  private final MappedFile file;
  private final long base;
  private final long payload;
  private final long units;
  private final String label;

  /**
   * @param base position of entry 0
   * @param payload position of the first payload byte
   * @param units payload length in units, which the last entry must equal
   * @param label what the section is, for messages ({@code "ids"}, {@code "column 'tags'"})
   */
  OffsetIndex(MappedFile file, long base, long payload, long units, String label) {
    this.file = file;
    this.base = base;
    this.payload = payload;
    this.units = units;
    this.label = label;
  }

  /** Returns the position of the first payload byte. */
  long payload() {
    return payload;
  }

  /** Returns where row {@code row} starts, in units from the payload start. */
  long start(int row) {
    return file.getLong(base + 8L * row) & ~NULL_FLAG;
  }

  /** Returns where row {@code row} ends, given its {@link #start}, after checking both against the section. */
  long end(int row, long start) {
    long end = file.getLong(base + 8L * (row + 1)) & ~NULL_FLAG;
    if (end < start || end > units || end - start > Integer.MAX_VALUE) {
      throw new SnapshotFormatException(file.path() + ": " + label + " offsets of row " + row + " are [" + start
          + ", " + end + ") but the payload has " + units + " units (corrupt file)");
    }
    return end;
  }

  /** Returns whether row {@code row} holds a null string. */
  boolean isNull(int row) {
    return file.getLong(base + 8L * (row + 1)) < 0;
  }
}
