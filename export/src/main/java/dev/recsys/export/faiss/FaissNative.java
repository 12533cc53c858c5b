package dev.recsys.export.faiss;

/**
 * JNI entry points of {@code librecsys_faiss.so} (source: {@code src/main/native/faiss_jni.cpp}).
 *
 * <p>Every method trusts its arguments: {@link FaissIndex} validates them first, because a C++ exception
 * thrown inside an OpenMP region aborts the JVM. Errors faiss raises outside such regions arrive as
 * {@link FaissException}. Vectors are row-major {@code float[n * dim]}; {@code threads} is the OpenMP
 * thread count the call sets on its own (calling) thread before running.
 */
final class FaissNative {
  static {
    NativeLibrary.load("recsys_faiss");
  }

  /** Kind codes returned by {@link #kind(long)}. */
  static final int KIND_UNSUPPORTED = -1;
  static final int KIND_FLAT = 0;
  static final int KIND_IVF_FLAT = 1;
  static final int KIND_HNSW_FLAT = 2;

  private FaissNative() {}

  static native long create(int dim, String factoryString, int metricCode);

  static native long read(String path);

  static native void write(long index, String path);

  static native void free(long index);

  /** Returns the kind of the index under an optional IDMap wrapper, one of the {@code KIND_*} codes. */
  static native int kind(long index);

  /** Returns the C++ class of the index under an optional IDMap wrapper, e.g. {@code faiss::IndexIVFPQ}. */
  static native String typeName(long index);

  static native boolean hasIdMap(long index);

  static native int dim(long index);

  static native int metricCode(long index);

  static native boolean isTrained(long index);

  static native long ntotal(long index);

  /** Returns the number of inverted lists; only for {@link #KIND_IVF_FLAT}. */
  static native long nlist(long index);

  /** Only for {@link #KIND_IVF_FLAT}. */
  static native void setNprobe(long index, long nprobe);

  /** Returns the HNSW search queue size; only for {@link #KIND_HNSW_FLAT}. */
  static native int efSearch(long index);

  /** Only for {@link #KIND_HNSW_FLAT}. */
  static native void setEfSearch(long index, int efSearch);

  static native void train(long index, int threads, float[] vectors);

  static native void add(long index, int threads, float[] vectors);

  static native void addWithIds(long index, int threads, float[] vectors, long[] ids);

  /** Returns the number of vectors removed. */
  static native long removeIds(long index, int threads, long[] ids);

  /** Fills {@code ids} and {@code scores}, both {@code [nq * k]}, with each query's k nearest neighbours. */
  static native void search(long index, int threads, float[] queries, int k, long[] ids, float[] scores);
}
