package dev.recsys.features.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * An open snapshot file: the online features of one entity (users, items), one row per id, read straight from a
 * memory mapping. Written by {@link SnapshotWriter}.
 *
 * <p>Opening maps the file and checks the header, but reads no rows, so it takes about as long for ten million
 * rows as for ten. {@link #find} binary-searches the sorted ids in the mapping without allocating per
 * comparison; values are read from the mapping on each call, and the column handles ({@link #floatColumn} ...)
 * skip the name lookup on hot paths. All reads are thread-safe. Files above 2 GiB are mapped in 1 GiB chunks.
 *
 * <p>Ids are sorted by their UTF-8 bytes compared as unsigned values, which is code point order. It is the order
 * Spark sorts a string column in (UTF8String compares bytes), and it equals {@link String#compareTo} except where
 * a character above U+FFFF meets one in U+E000..U+FFFF.
 *
 * <h2>File layout, format version 1</h2>
 * Numbers are little-endian; every section starts at a multiple of 8 and is padded with zeros to one.
 * <pre>
 * offset  bytes  content
 * 0       8      magic, ASCII "RSYSSNAP"
 * 8       4      int format version (1)
 * 12      4      int H, the header's length in bytes
 * 16      H      header:
 *                  long  file length in bytes
 *                  int   row count
 *                  str   entity
 *                  int   metadata entry count, then per entry: str key, str value (sorted by key)
 *                  sect  the id section
 *                  int   column count, then per column: str name, int kind code, int dim, sect
 *                where str = int byte count + UTF-8 bytes, and sect = long offset, long length (padding
 *                excluded), int CRC32C of the section's bytes
 * 16 + H  4      int CRC32C of the header bytes
 *
 * then the sections at their recorded offsets, the ids first and the columns in directory order:
 *   ids           (rows + 1) longs: byte offsets into the UTF-8 bytes that follow; row r is [off[r], off[r + 1])
 *   FLOAT, INT    rows x 4 bytes
 *   LONG          rows x 8 bytes
 *   FLOAT_VECTOR  rows x dim x 4 bytes, row after row
 *   INT_LIST      (rows + 1) longs: int offsets into the ints that follow
 *   STRING        (rows + 1) longs: byte offsets into the UTF-8 bytes that follow; the sign bit of off[r + 1]
 *                 marks row r as null
 * </pre>
 *
 * <p>{@link #open} rejects a file whose magic, version, header checksum, length, column directory or section
 * bounds are wrong with a {@link SnapshotFormatException}; a damaged offset inside a section fails the read that
 * meets it the same way. Checking the section checksums means reading the whole file, so it is left to
 * {@link #verify()}.
 */
public final class Snapshot implements AutoCloseable {

  static final byte[] MAGIC = "RSYSSNAP".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int PREAMBLE_BYTES = 16;

  /** Where a section lies in the file and the CRC32C of its bytes. */
  record Section(long offset, long length, int crc) {}

  private final MappedFile file;
  private final String entity;
  private final int rows;
  private final Map<String, String> metadata;
  private final List<ColumnSpec> columns;
  private final Section idSection;
  private final List<Section> sections;
  private final OffsetIndex ids;
  private final Map<String, Object> handles = new HashMap<>();

  private Snapshot(MappedFile file) {
    this.file = file;
    byte[] header = readHeader();
    HeaderIn in = new HeaderIn(header);
    long length = in.getLong();
    if (length != file.size()) {
      throw corrupt("header records " + length + " bytes but the file has " + file.size()
          + (file.size() < length ? " (truncated)" : " (corrupt)"));
    }
    this.rows = in.getInt();
    if (rows < 0) {
      throw corrupt("row count " + rows + " is negative (corrupt file)");
    }
    this.entity = in.getString();
    int metaCount = in.getCount(8);
    Map<String, String> meta = new LinkedHashMap<>();
    for (int i = 0; i < metaCount; i++) {
      meta.put(in.getString(), in.getString());
    }
    this.metadata = Collections.unmodifiableMap(meta);

    long minOffset = align8(PREAMBLE_BYTES + header.length + 4L);
    this.idSection = in.getSection();
    this.ids = variableSection(idSection, minOffset, 1, "ids");
    minOffset = align8(idSection.offset() + idSection.length());

    int columnCount = in.getCount(32);
    List<ColumnSpec> cols = new ArrayList<>(columnCount);
    List<Section> secs = new ArrayList<>(columnCount);
    for (int c = 0; c < columnCount; c++) {
      String name = in.getString();
      int code = in.getInt();
      int dim = in.getInt();
      Section section = in.getSection();
      ColumnKind kind = ColumnKind.ofCode(code);
      if (kind == null) {
        throw corrupt("column '" + name + "' has unknown kind code " + code + " (corrupt file or newer writer)");
      }
      ColumnSpec spec;
      try {
        spec = new ColumnSpec(name, kind, dim);
      } catch (IllegalArgumentException e) {
        throw corrupt("bad column directory entry: " + e.getMessage());
      }
      if (handles.containsKey(name)) {
        throw corrupt("column '" + name + "' appears twice in the directory (corrupt file)");
      }
      handles.put(name, handle(spec, section, minOffset));
      minOffset = align8(section.offset() + section.length());
      cols.add(spec);
      secs.add(section);
    }
    if (in.remaining() != 0) {
      throw corrupt("header has " + in.remaining() + " bytes after the column directory (corrupt file)");
    }
    this.columns = List.copyOf(cols);
    this.sections = List.copyOf(secs);
  }

  /** Returns the snapshot at {@code path}, memory-mapped; fails with {@link SnapshotFormatException} if damaged. */
  public static Snapshot open(Path path) throws IOException {
    return open(path, MappedFile.DEFAULT_CHUNK_SHIFT);
  }

  /** Returns the snapshot at {@code path} mapped in chunks of {@code 1 << chunkShift} bytes. */
  static Snapshot open(Path path, int chunkShift) throws IOException {
    return new Snapshot(MappedFile.map(path, chunkShift));
  }

  /** Returns the entity the rows describe, such as {@code "users"}. */
  public String entity() {
    return entity;
  }

  /** Returns the number of rows. */
  public int rows() {
    return rows;
  }

  /** Returns the writer's metadata (feature set version, as-of date, ...), sorted by key. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Returns the columns in the order they were written. */
  public List<ColumnSpec> columns() {
    return columns;
  }

  /** Returns the row of {@code id}, or -1 when the snapshot has no such id. */
  public int find(String id) {
    file.checkOpen();
    if (!isWellFormed(Objects.requireNonNull(id, "id"))) {
      return -1;
    }
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    int lo = 0;
    int hi = rows - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long start = ids.start(mid);
      int c = file.compare(ids.payload() + start, (int) (ids.end(mid, start) - start), key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** Returns the id of row {@code row}. */
  public String id(int row) {
    file.checkOpen();
    long start = ids.start(Objects.checkIndex(row, rows));
    return StringColumn.readUtf8(file, ids.payload() + start, (int) (ids.end(row, start) - start));
  }

  /** Returns the value in row {@code row} of {@code column}. */
  public float getFloat(String column, int row) {
    return floatColumn(column).get(row);
  }

  /** Returns the value in row {@code row} of {@code column}. */
  public int getInt(String column, int row) {
    return intColumn(column).get(row);
  }

  /** Returns the value in row {@code row} of {@code column}. */
  public long getLong(String column, int row) {
    return longColumn(column).get(row);
  }

  /** Returns a copy of the vector in row {@code row} of {@code column}. */
  public float[] getVector(String column, int row) {
    return vectorColumn(column).get(row);
  }

  /** Returns a copy of the int list in row {@code row} of {@code column}. */
  public int[] getIntList(String column, int row) {
    return intListColumn(column).get(row);
  }

  /** Returns the string in row {@code row} of {@code column}, or null. */
  public String getString(String column, int row) {
    return stringColumn(column).get(row);
  }

  /** Returns the reader of FLOAT column {@code name}; fails naming the columns when there is none. */
  public FloatColumn floatColumn(String name) {
    return handle(name, ColumnKind.FLOAT, FloatColumn.class);
  }

  /** Returns the reader of INT column {@code name}; fails naming the columns when there is none. */
  public IntColumn intColumn(String name) {
    return handle(name, ColumnKind.INT, IntColumn.class);
  }

  /** Returns the reader of LONG column {@code name}; fails naming the columns when there is none. */
  public LongColumn longColumn(String name) {
    return handle(name, ColumnKind.LONG, LongColumn.class);
  }

  /** Returns the reader of FLOAT_VECTOR column {@code name}; fails naming the columns when there is none. */
  public VectorColumn vectorColumn(String name) {
    return handle(name, ColumnKind.FLOAT_VECTOR, VectorColumn.class);
  }

  /** Returns the reader of INT_LIST column {@code name}; fails naming the columns when there is none. */
  public IntListColumn intListColumn(String name) {
    return handle(name, ColumnKind.INT_LIST, IntListColumn.class);
  }

  /** Returns the reader of STRING column {@code name}; fails naming the columns when there is none. */
  public StringColumn stringColumn(String name) {
    return handle(name, ColumnKind.STRING, StringColumn.class);
  }

  /**
   * Checks the CRC32C of every section against the directory, reading the whole file, and fails with
   * {@link SnapshotFormatException} naming the first damaged section.
   */
  public void verify() {
    file.checkOpen();
    verify(idSection, "ids");
    for (int c = 0; c < columns.size(); c++) {
      verify(sections.get(c), "column " + columns.get(c));
    }
  }

  /**
   * Makes every later read through this snapshot or its column handles fail. The mapping is released when the
   * snapshot is garbage-collected: Java 17 cannot unmap eagerly without risking a crash in a concurrent reader.
   */
  @Override
  public void close() {
    file.close();
  }

  /** Returns {@code pos} rounded up to a multiple of 8. */
  static long align8(long pos) {
    return (pos + 7) & ~7L;
  }

  /** Returns whether {@code s} has no lone surrogate, so that UTF-8 encodes it without loss. */
  static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(ch)) {
        return false;
      }
    }
    return true;
  }

  private <T> T handle(String name, ColumnKind kind, Class<T> type) {
    file.checkOpen();
    Object h = handles.get(name);
    if (!type.isInstance(h)) {
      String actual = columns.stream().filter(c -> c.name().equals(name)).findFirst()
          .map(c -> " (it is " + c.kind() + ")").orElse("");
      throw new IllegalArgumentException("no " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " column '"
          + name + "' in " + entity + " snapshot" + actual + "; columns: " + columns);
    }
    return type.cast(h);
  }

  private byte[] readHeader() {
    long size = file.size();
    if (size < PREAMBLE_BYTES + 4) {
      throw corrupt("has " + size + " bytes, too few for a snapshot (truncated or not a snapshot)");
    }
    byte[] magic = new byte[MAGIC.length];
    file.getBytes(0, magic, 0, magic.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw corrupt("is not a snapshot: it starts with " + HexFormat.of().formatHex(magic) + ", not \"RSYSSNAP\"");
    }
    int version = file.getInt(8);
    if (version != FORMAT_VERSION) {
      throw corrupt("has format version " + version + "; this reader reads version " + FORMAT_VERSION);
    }
    int length = file.getInt(12);
    if (length < 0 || PREAMBLE_BYTES + (long) length + 4 > size) {
      throw corrupt("header of " + length + " bytes does not fit in the file's " + size
          + " bytes (truncated or corrupt)");
    }
    byte[] header = new byte[length];
    file.getBytes(PREAMBLE_BYTES, header, 0, length);
    CRC32C crc = new CRC32C();
    crc.update(header);
    if ((int) crc.getValue() != file.getInt(PREAMBLE_BYTES + length)) {
      throw corrupt("header checksum does not match (corrupt file)");
    }
    return header;
  }

  /** Returns the handle reading {@code spec} from {@code s} after checking that the section fits. */
  private Object handle(ColumnSpec spec, Section s, long minOffset) {
    String label = "column " + spec;
    return switch (spec.kind()) {
      case FLOAT -> new FloatColumn(file, fixedSection(s, minOffset, 4, label), rows);
      case INT -> new IntColumn(file, fixedSection(s, minOffset, 4, label), rows);
      case LONG -> new LongColumn(file, fixedSection(s, minOffset, 8, label), rows);
      case FLOAT_VECTOR -> new VectorColumn(file, fixedSection(s, minOffset, 4L * spec.dim(), label), rows,
          spec.dim());
      case INT_LIST -> new IntListColumn(file, variableSection(s, minOffset, 4, label), rows);
      case STRING -> new StringColumn(file, variableSection(s, minOffset, 1, label), rows);
    };
  }

  /** Returns the offset of a section of {@code rowBytes} per row, after checking its place and length. */
  private long fixedSection(Section s, long minOffset, long rowBytes, String label) {
    checkPlace(s, minOffset, label);
    if (s.length() != rowBytes * rows) {
      throw corrupt(label + " has " + s.length() + " bytes, expected " + rows + " rows x " + rowBytes
          + " (corrupt file)");
    }
    return s.offset();
  }

  /**
   * Returns the reader of an offsets-then-payload section with payload units of {@code unitBytes}, after checking
   * its place, that it holds the offsets, and that its first and last offsets span the payload exactly.
   */
  private OffsetIndex variableSection(Section s, long minOffset, int unitBytes, String label) {
    checkPlace(s, minOffset, label);
    long offsetBytes = 8L * rows + 8;
    long payloadBytes = s.length() - offsetBytes;
    if (payloadBytes < 0 || payloadBytes % unitBytes != 0) {
      throw corrupt(label + " has " + s.length() + " bytes, not " + (rows + 1L) + " offsets and a payload of "
          + unitBytes + "-byte units (corrupt file)");
    }
    long units = payloadBytes / unitBytes;
    long first = file.getLong(s.offset());
    long last = file.getLong(s.offset() + 8L * rows) & ~OffsetIndex.NULL_FLAG;
    if (first != 0 || last != units) {
      throw corrupt(label + " offsets run from " + first + " to " + last + " but the payload has " + units
          + " units (corrupt file)");
    }
    return new OffsetIndex(file, s.offset(), s.offset() + offsetBytes, units, label);
  }

  private void checkPlace(Section s, long minOffset, String label) {
    if (s.offset() % 8 != 0 || s.offset() < minOffset || s.length() < 0 || s.length() > file.size() - s.offset()) {
      throw corrupt(label + " at [" + s.offset() + ", +" + s.length() + ") is out of place in a file of "
          + file.size() + " bytes (corrupt file)");
    }
  }

  private void verify(Section s, String label) {
    CRC32C crc = new CRC32C();
    file.updateChecksum(s.offset(), s.length(), crc);
    if ((int) crc.getValue() != s.crc()) {
      throw corrupt(label + " checksum does not match (corrupt file)");
    }
  }

  private SnapshotFormatException corrupt(String problem) {
    return new SnapshotFormatException("snapshot " + file.path() + " " + problem);
  }

  /** Reads the header's numbers and strings, failing on a read past its end instead of underflowing. */
  private final class HeaderIn {
    private final ByteBuffer buf;

    HeaderIn(byte[] header) {
      this.buf = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    }

    int remaining() {
      return buf.remaining();
    }

    int getInt() {
      need(4);
      return buf.getInt();
    }

    long getLong() {
      need(8);
      return buf.getLong();
    }

    /** Returns a count of entries of at least {@code minEntryBytes} each, checked against the bytes left. */
    int getCount(int minEntryBytes) {
      int n = getInt();
      if (n < 0 || (long) n * minEntryBytes > buf.remaining()) {
        throw corrupt("header counts " + n + " entries in " + buf.remaining() + " bytes (corrupt file)");
      }
      return n;
    }

    String getString() {
      int n = getInt();
      if (n < 0) {
        throw corrupt("header holds a string of " + n + " bytes (corrupt file)");
      }
      need(n);
      String s = new String(buf.array(), buf.position(), n, StandardCharsets.UTF_8);
      buf.position(buf.position() + n);
      return s;
    }

    Section getSection() {
      return new Section(getLong(), getLong(), getInt());
    }

    private void need(int bytes) {
      if (buf.remaining() < bytes) {
        throw corrupt("header ends early at byte " + buf.position() + " (corrupt file)");
      }
    }
  }
}
