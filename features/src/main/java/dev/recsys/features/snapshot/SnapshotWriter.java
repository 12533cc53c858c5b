package dev.recsys.features.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Writes a snapshot file (layout in {@link Snapshot}) row by row, in ascending id order, and publishes it
 * atomically on {@link #close()}.
 *
 * <p>Ids must be strictly ascending by their UTF-8 bytes compared as unsigned values (see {@link Snapshot} for
 * why that order); an id that is out of order or repeated fails naming both ids. Values come in column order:
 * {@code Float} for FLOAT, {@code Integer} for INT, {@code Long} for LONG (no widening), {@code float[]} of
 * exactly {@code dim} floats for FLOAT_VECTOR, {@code int[]} (possibly empty) for INT_LIST, and {@code String}
 * or null for STRING; anything else fails naming the column and the id.
 *
 * <p>Memory use does not grow with the row count: each column streams through a 64 KiB buffer into its own
 * spill file in a hidden folder beside the target, and {@code close()} concatenates them behind the header into
 * a hidden temp file, forces it to disk and renames it over the target. A reader that has the old file open keeps
 * reading the old file. A rejected row aborts the writer, so that a try-with-resources block cannot publish a
 * partial snapshot; call {@link #abort()} when the rows' source fails for the same reason. Not thread-safe.
 */
public final class SnapshotWriter implements AutoCloseable {

  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path file;
  private final String entity;
  private final List<ColumnSpec> columns;
  private final Map<String, String> metadata;
  private final Path spillDir;
  private final Spill idOffsets;
  private final Spill idBytes;
  private final ColumnSpill[] spills;
  private byte[] lastId;
  private String lastIdText;
  private int rows;
  private String failure;
  private boolean closed;

  private SnapshotWriter(Path file, String entity, List<ColumnSpec> columns, Map<String, String> metadata,
      Path spillDir) throws IOException {
    this.file = file;
    this.entity = entity;
    this.columns = columns;
    this.metadata = metadata;
    this.spillDir = spillDir;
    this.idOffsets = new Spill(spillDir.resolve("ids.offsets"));
    this.idBytes = new Spill(spillDir.resolve("ids.bytes"));
    idOffsets.putLong(0);
    this.spills = new ColumnSpill[columns.size()];
    for (int c = 0; c < spills.length; c++) {
      spills[c] = new ColumnSpill(columns.get(c), spillDir, c);
    }
  }

  /**
   * Returns a writer for the snapshot of {@code entity} (such as {@code "users"}) that {@link #close()} will
   * publish at {@code file}; {@code metadata} (feature set version, as-of date, ...) is stored sorted by key.
   */
  public static SnapshotWriter create(Path file, String entity, List<ColumnSpec> columns,
      Map<String, String> metadata) throws IOException {
    Objects.requireNonNull(file, "file");
    if (entity == null || entity.isBlank()) {
      throw new IllegalArgumentException("snapshot entity must not be empty");
    }
    List<ColumnSpec> cols = List.copyOf(columns);
    HashSet<String> names = new HashSet<>();
    for (ColumnSpec c : cols) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException(entity + " snapshot declares column '" + c.name() + "' twice: " + cols);
      }
    }
    TreeMap<String, String> meta = new TreeMap<>();
    metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
        Objects.requireNonNull(v, () -> "metadata value of '" + k + "'")));
    Path dir = file.toAbsolutePath().getParent();
    Path spillDir = Files.createTempDirectory(dir, "." + file.getFileName() + ".");
    try {
      return new SnapshotWriter(file, entity, cols, meta, spillDir);
    } catch (IOException | RuntimeException e) {
      deleteTree(spillDir);
      throw e;
    }
  }

  /** Appends one row; see the class comment for the id order and the Java type each column kind takes. */
  public void append(String id, Object... values) throws IOException {
    if (closed) {
      throw new IllegalStateException(entity + " snapshot writer is closed"
          + (failure == null ? "" : " after an error: " + failure));
    }
    try {
      byte[] idUtf8 = checkRow(id, values);
      idBytes.putBytes(idUtf8);
      idOffsets.putLong(idBytes.size());
      for (int c = 0; c < spills.length; c++) {
        spills[c].write(values[c]);
      }
      lastId = idUtf8;
      lastIdText = id;
      rows++;
    } catch (IOException | RuntimeException e) {
      failure = e.toString();
      discardAfter(e);
      throw e;
    }
  }

  /** Returns the number of rows appended so far. */
  public int rows() {
    return rows;
  }

  /**
   * Publishes the snapshot: writes the file next to the target, forces it to disk and renames it over the
   * target. Does nothing after {@link #abort()} or a successful close; fails, without publishing, once an append
   * or an earlier close has failed.
   */
  @Override
  public void close() throws IOException {
    if (failure != null) {
      throw new IllegalStateException(entity + " snapshot " + file + " was not written: " + failure);
    }
    if (closed) {
      return;
    }
    Path tmp = spillDir.resolve("snapshot.tmp");
    try {
      writeFile(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      failure = e.toString();
      discardAfter(e);
      throw e;
    }
    discard();
  }

  /** Deletes everything written so far without publishing; later calls to {@link #close()} do nothing. */
  public void abort() throws IOException {
    if (!closed) {
      discard();
    }
  }

  private byte[] checkRow(String id, Object[] values) {
    if (id == null) {
      throw new IllegalArgumentException(entity + " snapshot row " + rows + " has a null id");
    }
    if (!Snapshot.isWellFormed(id)) {
      throw new IllegalArgumentException(entity + " snapshot id '" + id + "' is not valid Unicode (lone surrogate)");
    }
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    if (lastId != null) {
      int c = Arrays.compareUnsigned(lastId, utf8);
      if (c == 0) {
        throw new IllegalArgumentException(entity + " snapshot has duplicate id '" + id + "' (rows " + (rows - 1)
            + " and " + rows + ")");
      }
      if (c > 0) {
        throw new IllegalArgumentException(entity + " snapshot ids must be strictly ascending by UTF-8 bytes, but '"
            + id + "' (row " + rows + ") comes after '" + lastIdText + "' (row " + (rows - 1) + ")");
      }
    }
    if (rows == Integer.MAX_VALUE) {
      throw new IllegalArgumentException(entity + " snapshot is full: at most " + Integer.MAX_VALUE + " rows");
    }
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(entity + " snapshot row '" + id + "' has " + values.length
          + " values for " + columns.size() + " columns " + columns);
    }
    for (int c = 0; c < values.length; c++) {
      checkValue(columns.get(c), values[c], id);
    }
    return utf8;
  }

  private void checkValue(ColumnSpec col, Object value, String id) {
    String problem = null;
    if (value == null) {
      if (col.kind() != ColumnKind.STRING) {
        problem = "is null; only STRING columns take null";
      }
    } else {
      Class<?> expected = switch (col.kind()) {
        case FLOAT -> Float.class;
        case INT -> Integer.class;
        case LONG -> Long.class;
        case FLOAT_VECTOR -> float[].class;
        case INT_LIST -> int[].class;
        case STRING -> String.class;
      };
      if (value.getClass() != expected) {
        problem = "expects " + expected.getSimpleName() + ", got " + value.getClass().getSimpleName()
            + (value.getClass().isArray() ? "" : " " + value);
      } else if (value instanceof float[] v && v.length != col.dim()) {
        problem = "expects float[" + col.dim() + "], got float[" + v.length + "]";
      } else if (value instanceof String s && !Snapshot.isWellFormed(s)) {
        problem = "is not valid Unicode (lone surrogate)";
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(entity + " snapshot column " + col + " of row '" + id + "' " + problem);
    }
  }

  private void writeFile(Path tmp) throws IOException {
    long idsLength = idOffsets.size() + idBytes.size();
    long[] lengths = new long[columns.size()];
    for (int c = 0; c < lengths.length; c++) {
      lengths[c] = spills[c].size();
    }
    Snapshot.Section zero = new Snapshot.Section(0, 0, 0);
    Snapshot.Section[] zeros = new Snapshot.Section[lengths.length];
    Arrays.fill(zeros, zero);
    int headerLength = header(0, zero, zeros).length;
    long dataStart = Snapshot.align8(Snapshot.PREAMBLE_BYTES + headerLength + 4L);

    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
      out.position(dataStart);
      Snapshot.Section ids = copySection(out, buf, idsLength, idOffsets, idBytes);
      Snapshot.Section[] sections = new Snapshot.Section[lengths.length];
      for (int c = 0; c < sections.length; c++) {
        sections[c] = copySection(out, buf, lengths[c], spills[c].parts());
      }
      byte[] header = header(out.position(), ids, sections);
      CRC32C crc = new CRC32C();
      crc.update(header);
      ByteBuffer head = ByteBuffer.allocate(Math.toIntExact(dataStart)).order(ByteOrder.LITTLE_ENDIAN)
          .put(Snapshot.MAGIC).putInt(Snapshot.FORMAT_VERSION).putInt(header.length).put(header)
          .putInt((int) crc.getValue());
      head.clear();
      while (head.hasRemaining()) {
        out.write(head, head.position());
      }
      out.force(true);
    }
  }

  /** Appends {@code parts} at the channel's position, then zeros up to a multiple of 8; returns where it went. */
  private static Snapshot.Section copySection(FileChannel out, ByteBuffer buf, long length, Spill... parts)
      throws IOException {
    long offset = out.position();
    CRC32C crc = new CRC32C();
    for (Spill part : parts) {
      part.copyTo(out, buf, crc);
    }
    if (out.position() - offset != length) {
      throw new IllegalStateException("section at " + offset + " has " + (out.position() - offset)
          + " bytes, expected " + length);
    }
    int pad = (int) (Snapshot.align8(out.position()) - out.position());
    out.write(ByteBuffer.allocate(pad));
    return new Snapshot.Section(offset, length, (int) crc.getValue());
  }

  /** Returns the header bytes; its length depends only on names and counts, not on the numbers passed in. */
  private byte[] header(long fileLength, Snapshot.Section ids, Snapshot.Section[] sections) {
    HeaderOut h = new HeaderOut();
    h.putLong(fileLength);
    h.putInt(rows);
    h.putString(entity);
    h.putInt(metadata.size());
    metadata.forEach((k, v) -> {
      h.putString(k);
      h.putString(v);
    });
    h.putSection(ids);
    h.putInt(columns.size());
    for (int c = 0; c < columns.size(); c++) {
      ColumnSpec col = columns.get(c);
      h.putString(col.name());
      h.putInt(col.kind().code());
      h.putInt(col.dim());
      h.putSection(sections[c]);
    }
    return h.toByteArray();
  }

  /** Discards like {@link #discard()}, attaching a failure to clean up to {@code cause} instead of replacing it. */
  private void discardAfter(Exception cause) {
    try {
      discard();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** Closes and deletes the spill files and the temp file, and marks the writer closed. */
  private void discard() throws IOException {
    closed = true;
    IOException first = null;
    for (Spill s : allSpills()) {
      try {
        s.channel.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    deleteTree(spillDir);
    if (first != null) {
      throw first;
    }
  }

  private List<Spill> allSpills() {
    List<Spill> all = new ArrayList<>(List.of(idOffsets, idBytes));
    for (ColumnSpill c : spills) {
      all.addAll(List.of(c.parts()));
    }
    return all;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The spill files of one column: the values, and for variable-length kinds the offsets that precede them. */
  private static final class ColumnSpill {
    private final ColumnKind kind;
    private final Spill offsets;
    private final Spill values;

    ColumnSpill(ColumnSpec spec, Path dir, int index) throws IOException {
      this.kind = spec.kind();
      boolean variable = kind == ColumnKind.INT_LIST || kind == ColumnKind.STRING;
      this.offsets = variable ? new Spill(dir.resolve("col" + index + ".offsets")) : null;
      this.values = new Spill(dir.resolve("col" + index + ".values"));
      if (variable) {
        offsets.putLong(0);
      }
    }

    /** Writes a value that {@code checkValue} accepted. */
    void write(Object value) throws IOException {
      switch (kind) {
        case FLOAT -> values.putInt(Float.floatToRawIntBits((Float) value));
        case INT -> values.putInt((Integer) value);
        case LONG -> values.putLong((Long) value);
        case FLOAT_VECTOR -> {
          for (float f : (float[]) value) {
            values.putInt(Float.floatToRawIntBits(f));
          }
        }
        case INT_LIST -> {
          for (int i : (int[]) value) {
            values.putInt(i);
          }
          offsets.putLong(values.size() / 4);
        }
        case STRING -> {
          if (value != null) {
            values.putBytes(((String) value).getBytes(StandardCharsets.UTF_8));
          }
          offsets.putLong(value == null ? values.size() | OffsetIndex.NULL_FLAG : values.size());
        }
      }
    }

    long size() {
      return (offsets == null ? 0 : offsets.size()) + values.size();
    }

    Spill[] parts() {
      return offsets == null ? new Spill[] {values} : new Spill[] {offsets, values};
    }
  }

  /** A little-endian byte stream into a file, buffered, that can be copied out once writing is done. */
  private static final class Spill {
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long flushed;

    Spill(Path path) throws IOException {
      this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    }

    long size() {
      return flushed + buf.position();
    }

    void putInt(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void putLong(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    void putBytes(byte[] bytes) throws IOException {
      int off = 0;
      while (off < bytes.length) {
        room(1);
        int n = Math.min(buf.remaining(), bytes.length - off);
        buf.put(bytes, off, n);
        off += n;
      }
    }

    private void room(int bytes) throws IOException {
      if (buf.remaining() < bytes) {
        flush();
      }
    }

    private void flush() throws IOException {
      buf.flip();
      while (buf.hasRemaining()) {
        flushed += channel.write(buf);
      }
      buf.clear();
    }

    /** Appends everything written to {@code out} at its position, feeding the bytes to {@code crc}. */
    void copyTo(FileChannel out, ByteBuffer scratch, CRC32C crc) throws IOException {
      flush();
      long pos = 0;
      while (pos < flushed) {
        scratch.clear();
        int n = channel.read(scratch, pos);
        if (n < 0) {
          throw new IOException("spill file ends at " + pos + " of " + flushed + " bytes");
        }
        pos += n;
        scratch.flip();
        crc.update(scratch.duplicate());
        while (scratch.hasRemaining()) {
          out.write(scratch);
        }
      }
    }
  }

  /** Collects the header: little-endian ints and longs, strings as an int byte count and UTF-8 bytes. */
  private static final class HeaderOut extends ByteArrayOutputStream {
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void putInt(int v) {
      write(scratch.clear().putInt(v).array(), 0, 4);
    }

    void putLong(long v) {
      write(scratch.clear().putLong(v).array(), 0, 8);
    }

    void putString(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      putInt(utf8.length);
      write(utf8, 0, utf8.length);
    }

    void putSection(Snapshot.Section s) {
      putLong(s.offset());
      putLong(s.length());
      putInt(s.crc());
    }
  }
}
