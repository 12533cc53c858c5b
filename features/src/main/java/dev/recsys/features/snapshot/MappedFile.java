package dev.recsys.features.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A read-only, little-endian view of a whole file addressed by {@code long} positions, mapped as a series of
 * chunks because one {@link java.nio.MappedByteBuffer} cannot exceed 2 GiB.
 *
 * <p>Chunks are a power of two of at least 8 bytes, so an int, float or long at a position that is a multiple of
 * its size never straddles two chunks; byte ranges and bulk copies may, and are split. Only absolute reads are
 * used, which leave the buffers' positions alone, so any number of threads may read at once. The mapping is
 * released when this object becomes unreachable: Java 17 has no supported way to unmap eagerly, and unmapping
 * under a concurrent reader would crash the JVM.
 */
final class MappedFile {

  /** 1 GiB chunks; tests pass smaller ones to make reads cross chunk boundaries. */
  static final int DEFAULT_CHUNK_SHIFT = 30;

  private final Path path;
  private final long size;
  private final int shift;
  private final long mask;
  private final ByteBuffer[] chunks;
  private final FloatBuffer[] floatViews;
  private final IntBuffer[] intViews;
  private volatile boolean closed;

  private MappedFile(Path path, long size, int shift, ByteBuffer[] chunks) {
    this.path = path;
    this.size = size;
    this.shift = shift;
    this.mask = (1L << shift) - 1;
    this.chunks = chunks;
    this.floatViews = new FloatBuffer[chunks.length];
    this.intViews = new IntBuffer[chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      floatViews[i] = chunks[i].asFloatBuffer();
      intViews[i] = chunks[i].asIntBuffer();
    }
  }

  /** Returns the whole of {@code path} mapped in chunks of {@code 1 << chunkShift} bytes; the file is closed. */
  static MappedFile map(Path path, int chunkShift) throws IOException {
    if (chunkShift < 3 || chunkShift > 30) {
      throw new IllegalArgumentException("chunk shift must be in [3, 30], got " + chunkShift);
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      long chunkSize = 1L << chunkShift;
      ByteBuffer[] chunks = new ByteBuffer[Math.toIntExact((size + chunkSize - 1) >>> chunkShift)];
      for (int i = 0; i < chunks.length; i++) {
        long start = (long) i << chunkShift;
        chunks[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(chunkSize, size - start))
            .order(ByteOrder.LITTLE_ENDIAN);
      }
      return new MappedFile(path, size, chunkShift, chunks);
    }
  }

  Path path() {
    return path;
  }

  long size() {
    return size;
  }

  /** Fails once {@link #close()} has been called; readers call it once per public read, not per byte. */
  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("snapshot " + path + " is closed");
    }
  }

  /** Makes later {@link #checkOpen()} calls fail; the memory itself goes when the garbage collector frees it. */
  void close() {
    closed = true;
  }

  int getInt(long pos) {
    return chunks[(int) (pos >>> shift)].getInt((int) (pos & mask));
  }

  long getLong(long pos) {
    return chunks[(int) (pos >>> shift)].getLong((int) (pos & mask));
  }

  float getFloat(long pos) {
    return chunks[(int) (pos >>> shift)].getFloat((int) (pos & mask));
  }

  /** Copies {@code len} bytes starting at {@code pos} into {@code dst[off..]}. */
  void getBytes(long pos, byte[] dst, int off, int len) {
    while (len > 0) {
      int chunk = (int) (pos >>> shift);
      int index = (int) (pos & mask);
      int n = Math.min(len, chunks[chunk].capacity() - index);
      chunks[chunk].get(index, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Copies {@code len} floats starting at {@code pos} (a multiple of 4) into {@code dst[off..]}. */
  void getFloats(long pos, float[] dst, int off, int len) {
    while (len > 0) {
      int chunk = (int) (pos >>> shift);
      int index = (int) (pos & mask) >>> 2;
      int n = Math.min(len, floatViews[chunk].capacity() - index);
      floatViews[chunk].get(index, dst, off, n);
      pos += 4L * n;
      off += n;
      len -= n;
    }
  }

  /** Copies {@code len} ints starting at {@code pos} (a multiple of 4) into {@code dst[off..]}. */
  void getInts(long pos, int[] dst, int off, int len) {
    while (len > 0) {
      int chunk = (int) (pos >>> shift);
      int index = (int) (pos & mask) >>> 2;
      int n = Math.min(len, intViews[chunk].capacity() - index);
      intViews[chunk].get(index, dst, off, n);
      pos += 4L * n;
      off += n;
      len -= n;
    }
  }

  /**
   * Returns a negative number, zero or a positive number as the {@code len} bytes at {@code pos} sort before,
   * equal to or after {@code key}, comparing bytes as unsigned values and a proper prefix first.
   */
  int compare(long pos, int len, byte[] key) {
    int n = Math.min(len, key.length);
    int chunk = (int) (pos >>> shift);
    int index = (int) (pos & mask);
    ByteBuffer buf = chunks[chunk];
    if (index + n <= buf.capacity()) {
      for (int i = 0; i < n; i++) {
        int c = Byte.compareUnsigned(buf.get(index + i), key[i]);
        if (c != 0) {
          return c;
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        long p = pos + i;
        int c = Byte.compareUnsigned(chunks[(int) (p >>> shift)].get((int) (p & mask)), key[i]);
        if (c != 0) {
          return c;
        }
      }
    }
    return Integer.compare(len, key.length);
  }

  /** Feeds the {@code len} bytes at {@code pos} to {@code crc}. */
  void updateChecksum(long pos, long len, CRC32C crc) {
    while (len > 0) {
      int chunk = (int) (pos >>> shift);
      int index = (int) (pos & mask);
      int n = (int) Math.min(len, chunks[chunk].capacity() - index);
      crc.update(chunks[chunk].duplicate().position(index).limit(index + n));
      pos += n;
      len -= n;
    }
  }
}
