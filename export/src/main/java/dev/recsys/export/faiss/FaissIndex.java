package dev.recsys.export.faiss;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A FAISS 1.7.3 index in native memory: build, search, write and read it in the standard FAISS file format.
 *
 * <p>Supported index types, as {@code faiss::index_factory} strings: {@code Flat}, {@code IDMap,Flat},
 * {@code IVF{nlist},Flat}, {@code HNSW{M}} and {@code IDMap,HNSW{M}} ({@code IDMap2} works wherever
 * {@code IDMap} does). Vectors are row-major {@code float[n * dim()]}.
 *
 * <p>Every argument and state is checked here before native code runs, because a C++ exception thrown inside
 * an OpenMP region aborts the JVM; errors faiss raises elsewhere arrive as {@link FaissException}.
 *
 * <p>Thread safety: any number of threads may {@link #search} at once; {@link #train}, {@link #add},
 * {@link #addWithIds}, {@link #removeIds}, the setters and {@link #close} wait for searches to finish (a
 * read/write lock). Each native call first sets the calling thread's OpenMP thread count to
 * {@link #setThreads}.
 *
 * <p>Call {@link #close()} to free the native memory; an index that becomes unreachable unclosed is freed
 * by a {@link Cleaner}.
 */
public final class FaissIndex implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  /** Largest Java array the JVM reliably allocates. */
  private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private enum Kind { FLAT, IVF, HNSW }

  private final long handle;
  private final Cleaner.Cleanable cleanable;
  private final int dim;
  private final Metric metric;
  private final Kind kind;
  private final boolean idMap;
  /** Number of IVF inverted lists; 0 for other kinds. */
  private final long nlist;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Guarded by {@link #lock}. */
  private int efSearch;
  /** Guarded by {@link #lock}. */
  private boolean closed;
  private volatile int threads = 1;

  private FaissIndex(long handle) {
    int code = FaissNative.kind(handle);
    this.kind = switch (code) {
      case FaissNative.KIND_FLAT -> Kind.FLAT;
      case FaissNative.KIND_IVF_FLAT -> Kind.IVF;
      case FaissNative.KIND_HNSW_FLAT -> Kind.HNSW;
      default -> throw new IllegalArgumentException("Unsupported index type " + FaissNative.typeName(handle)
          + "; supported: Flat, IDMap,Flat, IVF{nlist},Flat, HNSW{M}, IDMap,HNSW{M}");
    };
    this.idMap = FaissNative.hasIdMap(handle);
    if (idMap && kind == Kind.IVF) {
      // IDMap::remove_ids compacts its id table by position, which IVF (ids kept per inverted list) breaks.
      throw new IllegalArgumentException("IDMap over IVF is not supported: IVF stores ids itself, use"
          + " \"IVF{nlist},Flat\" with addWithIds");
    }
    this.metric = Metric.fromCode(FaissNative.metricCode(handle));
    this.dim = FaissNative.dim(handle);
    this.nlist = kind == Kind.IVF ? FaissNative.nlist(handle) : 0;
    this.efSearch = kind == Kind.HNSW ? FaissNative.efSearch(handle) : 0;
    this.handle = handle;
    this.cleanable = CLEANER.register(this, new Free(handle));
  }

  /**
   * Returns a new empty index built by {@code faiss::index_factory(dim, factoryString, metric)}.
   *
   * @param factoryString one of the supported types listed on this class, e.g. {@code "IVF1024,Flat"}
   * @throws FaissException when faiss cannot parse {@code factoryString}
   * @throws IllegalArgumentException when {@code dim <= 0} or faiss builds an unsupported index type
   */
  public static FaissIndex create(int dim, String factoryString, Metric metric) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive but was " + dim);
    }
    Objects.requireNonNull(factoryString, "factoryString");
    Objects.requireNonNull(metric, "metric");
    return wrap(FaissNative.create(dim, factoryString, metric.code()));
  }

  /**
   * Returns the index stored at {@code path} by {@link #write} or any FAISS 1.7.3 {@code write_index}.
   *
   * @throws FaissException when the file cannot be read or is not a FAISS index
   * @throws IllegalArgumentException when the file holds an unsupported index type or metric
   */
  public static FaissIndex read(Path path) {
    return wrap(FaissNative.read(path.toAbsolutePath().toString()));
  }

  private static FaissIndex wrap(long handle) {
    try {
      return new FaissIndex(handle);
    } catch (RuntimeException e) {
      FaissNative.free(handle);
      throw e;
    }
  }

  /** Returns the vector dimension. */
  public int dim() {
    return dim;
  }

  /** Returns the metric the index ranks by. */
  public Metric metric() {
    return metric;
  }

  /** Returns whether the index can take vectors: always for Flat and HNSW, after {@link #train} for IVF. */
  public boolean isTrained() {
    return withReadLock(FaissNative::isTrained);
  }

  /** Returns the number of vectors in the index. */
  public long ntotal() {
    return withReadLock(FaissNative::ntotal);
  }

  /**
   * Sets how many OpenMP threads each later native call of this index uses (default 1).
   *
   * <p>Serving keeps 1 and runs searches concurrently from its own threads; building can use all cores.
   */
  public void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1 but was " + threads);
    }
    this.threads = threads;
  }

  /**
   * Trains the IVF coarse quantizer (k-means) on {@code vectors}; Flat and HNSW need no training, for them
   * this only checks the array.
   *
   * @throws IllegalStateException when the IVF index is already trained
   * @throws IllegalArgumentException when there are fewer training vectors than inverted lists
   */
  public void train(float[] vectors) {
    int n = rows(vectors, "training vectors");
    withWriteLock(h -> {
      if (kind != Kind.IVF) {
        return null;
      }
      if (FaissNative.isTrained(h)) {
        throw new IllegalStateException("IVF index is already trained");
      }
      if (n < nlist) {
        throw new IllegalArgumentException("IVF training expects at least nlist = " + nlist + " vectors but received "
            + n);
      }
      FaissNative.train(h, threads, vectors);
      return null;
    });
  }

  /**
   * Adds {@code vectors}; faiss numbers them {@code ntotal() ..} in order.
   *
   * @throws UnsupportedOperationException on an IDMap index, which needs {@link #addWithIds}
   * @throws IllegalStateException when the index is not trained
   */
  public void add(float[] vectors) {
    int n = rows(vectors, "vectors");
    if (idMap) {
      throw new UnsupportedOperationException("An IDMap index needs an id per vector: call addWithIds");
    }
    withWriteLock(h -> {
      requireTrained(h);
      FaissNative.add(h, threads, vectors);
      return null;
    });
  }

  /**
   * Adds {@code vectors} under the given {@code ids}, one per vector; search returns these ids.
   *
   * @throws UnsupportedOperationException on plain Flat or HNSW indexes, which number vectors themselves
   * @throws IllegalArgumentException when the id count differs from the vector count or an id is negative
   * @throws IllegalStateException when the index is not trained
   */
  public void addWithIds(float[] vectors, long[] ids) {
    int n = rows(vectors, "vectors");
    Objects.requireNonNull(ids, "ids");
    if (ids.length != n) {
      throw new IllegalArgumentException("expects one id per vector: " + n + " vectors but " + ids.length + " ids");
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0) {
        throw new IllegalArgumentException("ids must be non-negative (-1 marks a missing result) but ids[" + i
            + "] = " + ids[i]);
      }
    }
    if (!idMap && kind != Kind.IVF) {
      String type = kind == Kind.HNSW ? "HNSW{M}" : "Flat";
      throw new UnsupportedOperationException("A plain " + type + " index numbers vectors 0..n-1 itself and"
          + " cannot store ids: create it as \"IDMap," + type + "\" (or use \"IVF{nlist},Flat\")");
    }
    withWriteLock(h -> {
      requireTrained(h);
      FaissNative.addWithIds(h, threads, vectors, ids);
      return null;
    });
  }

  /**
   * Removes the vectors with the given ids and returns how many were removed (unknown ids are skipped).
   *
   * @throws UnsupportedOperationException on HNSW indexes (faiss cannot delete from the graph) and on plain
   *     Flat indexes (whose ids are positions, renumbered by a removal)
   */
  public long removeIds(long[] ids) {
    Objects.requireNonNull(ids, "ids");
    if (kind == Kind.HNSW) {
      throw new UnsupportedOperationException("HNSW indexes cannot remove vectors, with or without IDMap:"
          + " use \"IVF{nlist},Flat\" or \"IDMap,Flat\", or rebuild the index");
    }
    if (kind == Kind.FLAT && !idMap) {
      throw new UnsupportedOperationException("A plain Flat index uses positions as ids and renumbers them"
          + " on removal: create it as \"IDMap,Flat\" to remove by id");
    }
    return withWriteLock(h -> FaissNative.removeIds(h, threads, ids));
  }

  /**
   * Returns the {@code k} nearest vectors of each query in {@code queries} ({@code float[nq * dim()]}).
   *
   * @throws IllegalArgumentException when {@code k <= 0}, {@code nq * k} does not fit an array, or an HNSW
   *     index's efSearch is below {@code k}
   * @throws IllegalStateException when the index is not trained
   */
  public SearchResult search(float[] queries, int k) {
    int nq = rows(queries, "queries");
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive but was " + k);
    }
    if ((long) nq * k > MAX_ARRAY_LENGTH) {
      throw new IllegalArgumentException("nq * k = " + nq + " * " + k + " results do not fit a Java array");
    }
    long[] ids = new long[nq * k];
    float[] scores = new float[nq * k];
    withReadLock(h -> {
      requireTrained(h);
      if (kind == Kind.HNSW && efSearch < k) {
        throw new IllegalArgumentException("HNSW efSearch (" + efSearch + ") must be at least k (" + k
            + "): call setEfSearch(" + k + ") or higher first");
      }
      FaissNative.search(h, threads, queries, k, ids, scores);
      return null;
    });
    return new SearchResult(ids, scores, nq, k);
  }

  /**
   * Sets how many of the IVF index's inverted lists a search visits (faiss default 1): more is slower and
   * recalls more. The index file does not keep it: set it again after {@link #read}.
   *
   * @throws UnsupportedOperationException when the index is not IVF
   * @throws IllegalArgumentException when {@code nprobe} is outside {@code 1..nlist}
   */
  public void setNprobe(int nprobe) {
    if (kind != Kind.IVF) {
      throw new UnsupportedOperationException("nprobe applies to IVF indexes only; this index is " + kind);
    }
    if (nprobe < 1 || nprobe > nlist) {
      throw new IllegalArgumentException("nprobe must be in 1.." + nlist + " (nlist) but was " + nprobe);
    }
    withWriteLock(h -> {
      FaissNative.setNprobe(h, nprobe);
      return null;
    });
  }

  /**
   * Sets the HNSW search queue size (faiss default 16; stored in the index file): more is slower and recalls
   * more, and it must be at least the {@code k} of each search.
   *
   * @throws UnsupportedOperationException when the index is not HNSW
   * @throws IllegalArgumentException when {@code efSearch < 1}
   */
  public void setEfSearch(int efSearch) {
    if (kind != Kind.HNSW) {
      throw new UnsupportedOperationException("efSearch applies to HNSW indexes only; this index is " + kind);
    }
    if (efSearch < 1) {
      throw new IllegalArgumentException("efSearch must be positive but was " + efSearch);
    }
    withWriteLock(h -> {
      FaissNative.setEfSearch(h, efSearch);
      this.efSearch = efSearch;
      return null;
    });
  }

  /**
   * Writes the index to {@code path} with {@code faiss::write_index}, replacing any file there.
   *
   * @throws FaissException when the file cannot be written
   */
  public void write(Path path) {
    String file = path.toAbsolutePath().toString();
    withReadLock(h -> {
      FaissNative.write(h, file);
      return null;
    });
  }

  /** Frees the native index; later calls other than {@code close}, {@link #dim} and {@link #metric} throw. */
  @Override
  public void close() {
    withLock(lock.writeLock(), () -> {
      if (!closed) {
        closed = true;
        cleanable.clean();
      }
      return null;
    });
  }

  private int rows(float[] vectors, String what) {
    Objects.requireNonNull(vectors, what);
    if (vectors.length == 0 || vectors.length % dim != 0) {
      throw new IllegalArgumentException(what + ": expects a non-zero multiple of dim = " + dim
          + " floats but received " + vectors.length);
    }
    return vectors.length / dim;
  }

  private void requireTrained(long h) {
    if (!FaissNative.isTrained(h)) {
      throw new IllegalStateException("IVF index is not trained: call train first");
    }
  }

  private <T> T withReadLock(LongFunction<T> op) {
    return withLock(lock.readLock(), () -> op.apply(openHandle()));
  }

  private <T> T withWriteLock(LongFunction<T> op) {
    return withLock(lock.writeLock(), () -> op.apply(openHandle()));
  }

  private <T> T withLock(Lock held, Supplier<T> op) {
    held.lock();
    try {
      return op.get();
    } finally {
      held.unlock();
      // Keeps this object (and so the Cleaner) from freeing the index while a native call still uses it.
      Reference.reachabilityFence(this);
    }
  }

  private long openHandle() {
    if (closed) {
      throw new IllegalStateException("FaissIndex is closed");
    }
    return handle;
  }

  /** The Cleaner action; holds the pointer only, never the index, so the index can become unreachable. */
  private record Free(long handle) implements Runnable {
    @Override
    public void run() {
      FaissNative.free(handle);
    }
  }
}
