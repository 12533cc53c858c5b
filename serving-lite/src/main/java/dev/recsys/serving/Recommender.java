package dev.recsys.serving;

import ai.onnxruntime.OrtException;
import dev.recsys.export.bundle.Popularity;
import dev.recsys.export.faiss.SearchResult;
import dev.recsys.export.onnx.TensorInput;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.config.ServingConfig;
import dev.recsys.features.schema.Event;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.FinalScore;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.features.spec.UserAggregates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers recommendation requests from the current bundle: for a user the snapshot knows, retrieve (user tower
 * over the snapshot aggregates updated with recent feedback, then FAISS top-N), features (one ranking batch via
 * {@link ModelInputs}), rank (the ranker's logit added to the two-tower logit, {@link FinalScore}, or the
 * retrieval score alone, by A/B variant), rules
 * ({@link Rules}, consumed and excluded items dropped); for anyone else, or when a model call fails, the bundle's
 * popularity lists.
 */
public final class Recommender {

  private static final Logger LOG = LoggerFactory.getLogger(Recommender.class);
  private static final Logger REQUEST_LOG = LoggerFactory.getLogger("dev.recsys.serving.requests");

  private final BundleHolder bundles;
  private final RecentActivity activity;
  private final Experiments experiments;
  private final Rules rules;
  private final ServingConfig cfg;
  private final ServingMetrics metrics;

  /** One recommended item: id, final score, 1-based rank and why it is there. */
  public record Item(String itemId, double score, int rank, String reason) {}

  /** What produced an answer: latency, bundle version, candidates considered and the user's A/B variant. */
  public record Metadata(long latencyMs, String modelVersion, int retrievalPoolSize, String variant) {}

  /** The answer to {@code POST /recommend}. */
  public record Recommendations(String userId, List<Item> items, Metadata metadata) {}

  /** The answer to {@code GET /similar-items/{item_id}}. */
  public record SimilarItems(String itemId, List<Item> items, String modelVersion) {}

  /** Thrown when no bundle is loaded yet; the server answers 503. */
  public static final class NotReady extends RuntimeException {
    NotReady() {
      super("no model bundle is loaded yet");
    }
  }

  /** Thrown for an item the bundle does not know; the server answers 404. */
  public static final class UnknownItem extends RuntimeException {
    UnknownItem(String itemId, String version) {
      super("item '" + itemId + "' is not in bundle " + version);
    }
  }

  private record Answer(List<Rules.Scored> items, int poolSize) {}

  public Recommender(BundleHolder bundles, RecentActivity activity, Experiments experiments, ServingConfig cfg,
      ServingMetrics metrics) {
    this.bundles = bundles;
    this.activity = activity;
    this.experiments = experiments;
    this.rules = new Rules(cfg.freshnessBoost(), cfg.freshnessTauDays(), cfg.maxPerCategoryTop10());
    this.cfg = cfg;
    this.metrics = metrics;
  }

  /** Returns the recommendations for {@code req}; throws {@link NotReady} before the first bundle is loaded. */
  public Recommendations recommend(RecommendRequest req) {
    long start = System.nanoTime();
    ServingConfig.Variant variant = experiments.assign(req.userId());
    try (BundleHolder.Lease lease = bundles.acquire().orElseThrow(NotReady::new)) {
      ServingBundle b = lease.bundle();
      int userRow = b.users().find(req.userId());
      List<Event> recent = activity.since(req.userId(), b.asOfMs());
      Set<Integer> dropped = dropped(b, req, userRow, recent);
      Answer answer;
      String source;
      if (userRow < 0) {
        metrics.fallback("cold_start");
        source = "cold_start";
        answer = popular(b, req, dropped, "cold start (user not in snapshot)", req.k());
      } else {
        try {
          answer = personalized(b, req, userRow, recent, dropped, variant);
          source = "model";
        } catch (OrtException | RuntimeException e) {
          LOG.warn("model path failed for user {} on bundle {}; answering from popularity", req.userId(), b.version(),
              e);
          metrics.fallback("model_error");
          source = "fallback";
          answer = popular(b, req, dropped, "fallback (model error)", req.k());
        }
      }
      List<Item> out = new ArrayList<>(answer.items().size());
      for (Rules.Scored s : answer.items()) {
        out.add(new Item(s.itemId(), s.score(), out.size() + 1, s.explained()));
      }
      long latencyMs = (System.nanoTime() - start) / 1_000_000;
      metrics.stage("total", System.nanoTime() - start);
      REQUEST_LOG.info("recommend user={} variant={} experiment={} source={} k={} returned={} pool={} version={} "
              + "latency_ms={}", req.userId(), variant.name(), experiments.name(), source, req.k(), out.size(),
          answer.poolSize(), b.version(), latencyMs);
      return new Recommendations(req.userId(), out,
          new Metadata(latencyMs, b.version(), answer.poolSize(), variant.name()));
    }
  }

  /** Returns the items nearest {@code itemId} by item tower vector, itself excluded; {@code k} in 1..200. */
  public SimilarItems similar(String itemId, int k) {
    try (BundleHolder.Lease lease = bundles.acquire().orElseThrow(NotReady::new)) {
      ServingBundle b = lease.bundle();
      int row = b.items().find(itemId);
      if (row < 0) {
        throw new UnknownItem(itemId, b.version());
      }
      long start = System.nanoTime();
      int n = (int) Math.min(k + 1L, b.index().ntotal());
      SearchResult found = b.index().search(b.itemVector(row), n);
      metrics.stage("similar_search", System.nanoTime() - start);
      List<Item> out = new ArrayList<>(k);
      for (int r = 0; r < n && out.size() < k; r++) {
        long id = found.id(0, r);
        if (id >= 0 && b.row(id) != row) {
          float score = found.score(0, r);
          out.add(new Item(b.items().snapshot().id(b.row(id)), score, out.size() + 1,
              String.format(Locale.ROOT, "item-tower similarity %.3f", score)));
        }
      }
      return new SimilarItems(itemId, out, b.version());
    }
  }

  /**
   * Returns the item rows no answer may contain: consumed (every item of the user's snapshot and of the feedback
   * since), excluded, filtered.
   */
  private static Set<Integer> dropped(ServingBundle b, RecommendRequest req, int userRow, List<Event> recent) {
    Set<Integer> rows = new HashSet<>();
    if (userRow >= 0) {
      for (int r : b.users().seenRows(userRow)) {
        rows.add(r);
      }
    }
    for (Event e : recent) {
      addRow(b, e.itemId(), rows);
    }
    for (String id : req.excludeItemIds()) {
      addRow(b, id, rows);
    }
    return rows;
  }

  private static void addRow(ServingBundle b, String itemId, Set<Integer> rows) {
    int r = b.items().find(itemId);
    if (r >= 0) {
      rows.add(r);
    }
  }

  private boolean allowed(ServingBundle b, int row, Set<Integer> dropped, RecommendRequest req) {
    return !dropped.contains(row) && (req.filterCategories().isEmpty()
        || !req.filterCategories().contains(b.category(row)));
  }

  private Answer personalized(ServingBundle b, RecommendRequest req, int userRow, List<Event> recent,
      Set<Integer> dropped, ServingConfig.Variant variant) throws OrtException {
    FeatureArtifacts a = b.artifacts();
    FeatureSnapshots.Items items = b.items();
    long t = System.nanoTime();
    UserAggregates user = RecentActivity.apply(b.users().aggregates(userRow), recent, items, a.historyLength());
    ModelInputs.UserTower ut = ModelInputs.userTower(user, b.users().userIdx(userRow), req.tsMs(), a);
    float[] userVec = b.userTower().run(List.of(
        TensorInput.longs(TensorNames.USER_IDX, new long[] {ut.userIdx()}, 1),
        TensorInput.floats(TensorNames.USER_DENSE, ut.dense(), 1, ut.dense().length),
        TensorInput.longs(TensorNames.HIST_ITEMS, ut.history(), 1, ut.history().length)))
        .get(TensorNames.USER_VEC);
    t = stage("user_tower", t);

    int n = (int) Math.min(cfg.retrievalPool(), b.index().ntotal());
    SearchResult found = b.index().search(userVec, n);
    int[] rows = new int[n];
    float[] scores = new float[n];
    int m = 0;
    for (int r = 0; r < n; r++) {
      long id = found.id(0, r);
      if (id >= 0 && allowed(b, b.row(id), dropped, req)) {
        rows[m] = b.row(id);
        scores[m++] = found.score(0, r);
      }
    }
    t = stage("retrieve", t);

    ItemAggregates[] aggs = new ItemAggregates[m];
    for (int i = 0; i < m; i++) {
      aggs[i] = items.aggregates(rows[i]);
    }
    String model;
    if (variant.ranker() == ServingConfig.Ranker.DLRM && m > 0) {
      int denseWidth = -1;
      int sparseWidth = -1;
      float[] dense = null;
      long[] sparse = null;
      for (int i = 0; i < m; i++) {
        ModelInputs.ItemTower it = ModelInputs.itemTower(aggs[i], items.itemIdx(rows[i]), req.tsMs(), a);
        ModelInputs.Ranking in = ModelInputs.ranking(ut, it, aggs[i], req.tsMs(), req.device(), req.placement(),
            Featurizers.categoryShare(user, aggs[i].category()), a);
        if (dense == null) {
          denseWidth = in.dense().length;
          sparseWidth = in.sparse().length;
          dense = new float[m * denseWidth];
          sparse = new long[m * sparseWidth];
        }
        System.arraycopy(in.dense(), 0, dense, i * denseWidth, denseWidth);
        System.arraycopy(in.sparse(), 0, sparse, i * sparseWidth, sparseWidth);
      }
      t = stage("features", t);
      float[] clickProbs = b.ranker().run(List.of(
          TensorInput.floats(TensorNames.DENSE, dense, m, denseWidth),
          TensorInput.longs(TensorNames.SPARSE, sparse, m, sparseWidth)))
          .get(TensorNames.CLICK_PROB);
      FinalScore order = b.finalScore();
      scores = order == null ? clickProbs : order.scores(Arrays.copyOf(scores, m), clickProbs);
      t = stage("rank", t);
      model = order == null ? "dlrm click_prob" : "dlrm click_prob + two-tower logit";
    } else {
      model = "two-tower similarity";
    }

    List<Rules.Scored> candidates = new ArrayList<>(m);
    Map<Integer, Integer> position = new HashMap<>(m * 2);
    for (int i = 0; i < m; i++) {
      int row = rows[i];
      position.put(row, i);
      // The id is decoded for the returned items only (below): Rules never reads it.
      candidates.add(new Rules.Scored(row, null, b.category(row), aggs[i].createdMs(), scores[i], 1, model));
    }
    List<Rules.Scored> chosen = new ArrayList<>(req.k());
    // Ids and reasons are made for the returned items only, not for the whole pool.
    for (Rules.Scored c : rules.apply(candidates, req.tsMs(), req.k())) {
      int i = position.get(c.row());
      chosen.add(new Rules.Scored(c.row(), items.snapshot().id(c.row()), c.category(), c.createdMs(), c.score(),
          c.freshness(),
          String.format(Locale.ROOT, "personalized: %s %.4f (two-tower retrieval rank %d of %d)", model, scores[i],
              i + 1, m)));
    }
    stage("rules", t);
    if (chosen.size() < req.k()) {
      Set<Integer> taken = new HashSet<>(dropped);
      chosen.forEach(c -> taken.add(c.row()));
      chosen.addAll(popular(b, req, taken, "filled from popularity", req.k() - chosen.size()).items());
    }
    return new Answer(chosen, n);
  }

  /** Returns up to {@code k} items of the context's popularity list, then of the global list, not dropped. */
  private Answer popular(ServingBundle b, RecommendRequest req, Set<Integer> dropped, String why, int k) {
    Popularity.Choice choice = b.popularity().forContext(req.placement(), req.device());
    List<Rules.Scored> out = new ArrayList<>(k);
    Set<Integer> taken = new HashSet<>();
    collect(b, req, choice.itemIds(), dropped, taken, why + ": popular in " + choice.source(), k, out);
    if (out.size() < k && !choice.source().equals("global")) {
      collect(b, req, b.popularity().global(), dropped, taken, why + ": popular overall", k, out);
    }
    return new Answer(out, choice.itemIds().size());
  }

  private void collect(ServingBundle b, RecommendRequest req, List<String> ids, Set<Integer> dropped,
      Set<Integer> taken, String reason, int k, List<Rules.Scored> out) {
    FeatureSnapshots.Items items = b.items();
    for (int i = 0; i < ids.size() && out.size() < k; i++) {
      int row = items.find(ids.get(i));
      if (row >= 0 && allowed(b, row, dropped, req) && taken.add(row)) {
        // Popularity has no model score: 1 / (position + 1) keeps the list's order.
        out.add(new Rules.Scored(row, ids.get(i), b.category(row), ItemAggregates.UNKNOWN_CREATED,
            1.0 / (i + 1), 1, reason));
      }
    }
  }

  private long stage(String name, long since) {
    long now = System.nanoTime();
    metrics.stage(name, now - since);
    return now;
  }
}
