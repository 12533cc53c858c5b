package dev.recsys.serving;

import ai.onnxruntime.OrtException;
import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.Manifest;
import dev.recsys.export.bundle.Popularity;
import dev.recsys.export.faiss.FaissIndex;
import dev.recsys.export.onnx.ElementType;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.TensorSpec;
import dev.recsys.features.config.ServingConfig;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.snapshot.VectorColumn;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.FinalScore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one bundle needs at request time, loaded once and checked: feature artifacts, user and item
 * snapshots, item vectors, the FAISS index, the user tower and ranker ONNX sessions, and the popularity lists.
 *
 * <p>Reference counted so that a hot swap never closes native resources under a running request: the holder
 * owns one reference, each request {@link #tryRetain retains} one for its duration, and the native resources are
 * closed when the last reference is {@link #release released}.
 */
public final class ServingBundle {

  private static final Logger LOG = LoggerFactory.getLogger(ServingBundle.class);
  private static final Set<String> USER_TOWER_INPUTS =
      Set.of(TensorNames.USER_IDX, TensorNames.USER_DENSE, TensorNames.HIST_ITEMS);

  private final String version;
  private final Instant createdAt;
  private final long asOfMs;
  private final FeatureArtifacts artifacts;
  private final FeatureSnapshots.Users users;
  private final FeatureSnapshots.Items items;
  private final Snapshot vectorSnapshot;
  private final VectorColumn vectors;
  private final FaissIndex index;
  private final int[] indexRows;
  private final OnnxScorer userTower;
  private final OnnxScorer ranker;
  private final FinalScore finalScore;
  private final Popularity popularity;
  private final String[] categories;
  private final AtomicInteger refs = new AtomicInteger(1);

  private ServingBundle(String version, Instant createdAt, long asOfMs, FeatureArtifacts artifacts,
      FeatureSnapshots.Users users, FeatureSnapshots.Items items, Snapshot vectorSnapshot, FaissIndex index,
      int[] indexRows, OnnxScorer userTower, OnnxScorer ranker, FinalScore finalScore, Popularity popularity) {
    this.version = version;
    this.createdAt = createdAt;
    this.asOfMs = asOfMs;
    this.artifacts = artifacts;
    this.users = users;
    this.items = items;
    this.vectorSnapshot = vectorSnapshot;
    this.vectors = vectorSnapshot.vectorColumn(BundleLayout.VECTOR_COLUMN);
    this.index = index;
    this.indexRows = indexRows;
    this.userTower = userTower;
    this.ranker = ranker;
    this.finalScore = finalScore;
    this.popularity = popularity;
    this.categories = categories(items);
  }

  /**
   * Returns the category of each item row, decoded once: a request reads the category of every candidate
   * (filters, the diversity rule), and decoding hundreds of strings from random rows of a large snapshot per
   * request costs more than the ranking model. One shared instance per distinct category.
   */
  private static String[] categories(FeatureSnapshots.Items items) {
    String[] out = new String[items.snapshot().rows()];
    Map<String, String> distinct = new HashMap<>();
    for (int r = 0; r < out.length; r++) {
      out[r] = distinct.computeIfAbsent(items.category(r), c -> c);
    }
    return out;
  }

  /**
   * Returns the loaded bundle after checking it: ONNX inputs against {@link FeatureSets}, item vectors and index
   * against the item snapshot. Throws {@link IllegalStateException} naming the bundle and the mismatch.
   */
  public static ServingBundle load(Bundle bundle, ServingConfig cfg) throws IOException, OrtException {
    String v = bundle.version();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      FeatureArtifacts artifacts;
      try (InputStream in = Files.newInputStream(bundle.file(BundleLayout.ARTIFACTS))) {
        artifacts = FeatureArtifacts.read(in);
      }
      Snapshot userSnap = open(bundle, BundleLayout.USERS, opened);
      Snapshot itemSnap = open(bundle, BundleLayout.ITEMS, opened);
      Snapshot vectorSnap = open(bundle, BundleLayout.ITEM_VECTORS, opened);
      if (vectorSnap.rows() != itemSnap.rows()) {
        throw new IllegalStateException("bundle " + v + ": " + BundleLayout.ITEM_VECTORS + " has " + vectorSnap.rows()
            + " rows but " + BundleLayout.ITEMS + " has " + itemSnap.rows());
      }
      FaissIndex index = FaissIndex.read(bundle.file(BundleLayout.INDEX));
      opened.add(index);
      int dim = vectorSnap.vectorColumn(BundleLayout.VECTOR_COLUMN).dim();
      if (index.dim() != dim || index.ntotal() != itemSnap.rows()) {
        throw new IllegalStateException("bundle " + v + ": " + BundleLayout.INDEX + " holds " + index.ntotal()
            + " vectors of dim " + index.dim() + " but the items are " + itemSnap.rows() + " vectors of dim " + dim);
      }
      int[] indexRows = bundle.indexRows(itemSnap.rows());
      if (indexRows.length != itemSnap.rows()) {
        throw new IllegalStateException("bundle " + v + ": " + BundleLayout.INDEX_ROWS + " maps " + indexRows.length
            + " index ids but the index holds " + itemSnap.rows());
      }
      tune(index, cfg, v);
      OnnxScorer userTower = OnnxScorer.open(bundle.file(BundleLayout.USER_TOWER), cfg.onnxThreads(), cfg.onnxDevice());
      opened.add(userTower);
      check(userTower, userTowerSpec(), BundleLayout.USER_TOWER, v);
      OnnxScorer ranker = OnnxScorer.open(bundle.file(BundleLayout.RANKER), cfg.onnxThreads(), cfg.onnxDevice());
      opened.add(ranker);
      check(ranker, specs(FeatureSets.RANKING_V1.inputs()), BundleLayout.RANKER, v);
      if (!ranker.outputNames().contains(TensorNames.CLICK_PROB)) {
        throw new IllegalStateException("bundle " + v + ": " + BundleLayout.RANKER + " has no output "
            + TensorNames.CLICK_PROB + "; outputs: " + ranker.outputNames());
      }
      Popularity popularity = Popularity.read(bundle.file(BundleLayout.POPULARITY));
      String asOf = userSnap.metadata().get(FeatureSnapshots.AS_OF_MS);
      if (asOf == null) {
        throw new IllegalStateException("bundle " + v + ": " + BundleLayout.USERS + " has no metadata "
            + FeatureSnapshots.AS_OF_MS);
      }
      return new ServingBundle(v, bundle.manifest().createdAt(), Long.parseLong(asOf), artifacts,
          new FeatureSnapshots.Users(userSnap), new FeatureSnapshots.Items(itemSnap), vectorSnap, index, indexRows, userTower,
          ranker, finalScore(bundle), popularity);
    } catch (IOException | OrtException | RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  /**
   * Returns the specs of FeatureSets inputs: one value per example ({@code user_idx}) is fed as a vector {@code [B]},
   * wider inputs as a matrix {@code [B, width]}.
   */
  static List<TensorSpec> specs(List<FeatureSets.Input> inputs) {
    return inputs.stream().map(in -> {
      ElementType type = in.type().equals("int64") ? ElementType.INT64 : ElementType.FLOAT32;
      return in.width() == 1 ? TensorSpec.of(in.name(), type, TensorSpec.DYNAMIC)
          : TensorSpec.of(in.name(), type, TensorSpec.DYNAMIC, in.width());
    }).toList();
  }

  private static List<TensorSpec> userTowerSpec() {
    return specs(FeatureSets.RETRIEVAL_V1.inputs().stream().filter(i -> USER_TOWER_INPUTS.contains(i.name())).toList());
  }

  private static void check(OnnxScorer scorer, List<TensorSpec> spec, String file, String version) {
    try {
      scorer.checkInputs(spec);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("bundle " + version + ": " + file + ": " + e.getMessage(), e);
    }
  }

  // IVF takes nprobe and HNSW needs efSearch >= k; FaissIndex tells which by refusing the other setter.
  private static void tune(FaissIndex index, ServingConfig cfg, String version) {
    try {
      index.setNprobe(cfg.faissNprobe());
    } catch (UnsupportedOperationException notIvf) {
      LOG.debug("bundle {}: index is not IVF, nprobe unused", version);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("bundle " + version + ": serving.faiss_nprobe: " + e.getMessage(), e);
    }
    try {
      index.setEfSearch(Math.max(cfg.retrievalPool() + 1, 64));
    } catch (UnsupportedOperationException notHnsw) {
      LOG.debug("bundle {}: index is not HNSW, efSearch unused", version);
    }
  }

  private static Snapshot open(Bundle bundle, String file, List<AutoCloseable> opened) throws IOException {
    Snapshot s = Snapshot.open(bundle.file(file));
    opened.add(s);
    return s;
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", r, e);
      }
    }
  }

  /** Returns whether a reference was taken; false once the bundle has been retired and fully released. */
  boolean tryRetain() {
    while (true) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Drops one reference; the last one closes the sessions, the index and the snapshots. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      closeAll(List.of(userTower, ranker, index, users.snapshot(), items.snapshot(), vectorSnapshot));
      LOG.info("bundle {} closed", version);
    }
  }

  public String version() {
    return version;
  }

  /** Returns when the bundle was published (the manifest's {@code created_at}). */
  public Instant createdAt() {
    return createdAt;
  }

  /** Returns the instant the snapshots' aggregates are as of (epoch millis). */
  public long asOfMs() {
    return asOfMs;
  }

  public FeatureArtifacts artifacts() {
    return artifacts;
  }

  public FeatureSnapshots.Users users() {
    return users;
  }

  public FeatureSnapshots.Items items() {
    return items;
  }

  /** Returns the category of an item row (the item snapshot's {@code category}). */
  public String category(int row) {
    return categories[row];
  }

  /** Returns the L2-normalised item tower vector of an item row. */
  public float[] itemVector(int row) {
    return vectors.get(row);
  }

  public FaissIndex index() {
    return index;
  }

  /** Returns the item row of a FAISS id from {@link #index()} (they differ after a refresh added items). */
  public int row(long indexId) {
    return indexRows[(int) indexId];
  }

  public OnnxScorer userTower() {
    return userTower;
  }

  public OnnxScorer ranker() {
    return ranker;
  }

  /**
   * Returns how candidates are ordered by the ranker: its logit added to the two-tower's ({@link FinalScore}), or
   * null for a bundle whose manifest does not say (written before it did), whose ranker's click_prob alone orders.
   */
  public FinalScore finalScore() {
    return finalScore;
  }

  private static FinalScore finalScore(Bundle bundle) {
    Manifest.ModelEntry ranker = bundle.manifest().models().get("ranker");
    Object described = ranker == null ? null : ranker.outputs().get(FinalScore.KEY);
    return described instanceof Map<?, ?> m ? FinalScore.read(m) : null;
  }

  public Popularity popularity() {
    return popularity;
  }
}
