package dev.recsys.serving;

import ai.onnxruntime.OrtException;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.BundleMetadata;
import dev.recsys.export.bundle.BundleWriter;
import dev.recsys.export.bundle.Manifest.ModelEntry;
import dev.recsys.export.bundle.Popularity;
import dev.recsys.export.faiss.FaissIndex;
import dev.recsys.export.faiss.Metric;
import dev.recsys.export.onnx.DenseLayer;
import dev.recsys.export.onnx.DlrmWeights;
import dev.recsys.export.onnx.EmbeddingTable;
import dev.recsys.export.onnx.ItemTowerWeights;
import dev.recsys.export.onnx.OnnxGraphs;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorInput;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.UserTowerWeights;
import dev.recsys.features.snapshot.ColumnSpec;
import dev.recsys.features.snapshot.SnapshotWriter;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.features.spec.Normalizer;
import dev.recsys.features.spec.Vocabulary;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Builds and publishes complete bundles with random-weight models of the real shapes ({@link FeatureSets}
 * widths, {@link OnnxGraphs} graphs), item vectors computed by the item tower, a FAISS inner-product index over
 * them, snapshots in the {@link FeatureSnapshots} columns, feature artifacts and popularity lists: for tests and
 * the serving benchmark.
 */
public final class SyntheticBundles {

  /** Devices and placements of the synthetic context vocabularies. */
  public static final List<String> DEVICES = List.of("mobile", "desktop", "tablet");
  public static final List<String> PLACEMENTS = List.of("home", "pdp", "cart");

  private static final long DAY_MS = 86_400_000L;
  private static final int EMBEDDING = 8;
  private static final int TOKENS = 20;
  /** History length of the synthetic users, shorter than what they have seen (up to 40 items). */
  private static final int SYNTHETIC_HISTORY = 10;
  private static final int ITEM_TOWER_BATCH = 4096;
  private static final int TRAIN_VECTORS_PER_LIST = 64;

  /**
   * What to build.
   *
   * @param users users in the snapshot, ids {@code u000000..}
   * @param items items in the snapshot and the index, ids {@code i0000000..}
   * @param categories item categories, named {@code cat0..}
   * @param dim width of user and item vectors
   * @param indexFactory FAISS factory string: {@code IDMap,Flat}, {@code IVF{n},Flat} or {@code HNSW{m}}
   * @param seed random seed of weights and aggregates
   * @param asOfMs the instant the snapshots are as of
   */
  public record Spec(int users, int items, int categories, int dim, String indexFactory, long seed, long asOfMs) {}

  private SyntheticBundles() {}

  /** Returns the user id of snapshot row {@code row}. */
  public static String userId(int row) {
    return String.format("u%06d", row);
  }

  /** Returns the item id of snapshot row {@code row}. */
  public static String itemId(int row) {
    return String.format("i%07d", row);
  }

  /** Returns the category name of item row {@code row}. */
  public static String category(Spec spec, int row) {
    return "cat" + (row % spec.categories());
  }

  /** Returns the fitted artifacts the synthetic bundles use (identity normalisers). */
  public static FeatureArtifacts artifacts(Spec spec) {
    List<String> categories = IntStream.range(0, spec.categories()).mapToObj(c -> "cat" + c).toList();
    List<String> tokens = IntStream.range(0, TOKENS).mapToObj(t -> "tok" + t).toList();
    return new FeatureArtifacts("ranking", "v1", FeatureSets.HISTORY_LENGTH, FeatureSets.TOKEN_LENGTH,
        new Vocabulary(categories), new Vocabulary(DEVICES), new Vocabulary(PLACEMENTS), new Vocabulary(tokens),
        new double[] {10, 50, 100}, Normalizer.identity(Featurizers.USER_DENSE),
        Normalizer.identity(Featurizers.ITEM_DENSE));
  }

  /**
   * Writes the bundle {@code version} under {@code root}, publishes it (making it current) and returns its
   * version; {@code popularity} may be null for lists derived from the item counts.
   */
  public static String publish(Path root, String version, Spec spec, Popularity popularity) throws IOException {
    Random random = new Random(spec.seed());
    FeatureArtifacts a = artifacts(spec);
    int itemRows = spec.items() + 2;
    EmbeddingTable itemIds = table(random, itemRows, EMBEDDING);
    UserTowerWeights user = new UserTowerWeights(table(random, spec.users() + 2, EMBEDDING), itemIds,
        Featurizers.USER_DENSE.size(), List.of(layer(random, 2 * EMBEDDING + Featurizers.USER_DENSE.size(), 32)),
        layer(random, 32, spec.dim()));
    ItemTowerWeights item = new ItemTowerWeights(itemIds, table(random, a.categories().size(), EMBEDDING),
        table(random, a.tokens().size(), EMBEDDING), Featurizers.ITEM_DENSE.size(),
        List.of(layer(random, 3 * EMBEDDING + Featurizers.ITEM_DENSE.size(), 32)), layer(random, 32, spec.dim()));
    int denseWidth = FeatureSets.RANKING_V1.inputs().get(0).width();
    DlrmWeights dlrm = new DlrmWeights(denseWidth, List.of(layer(random, denseWidth, 16), layer(random, 16, EMBEDDING)),
        List.of(table(random, itemRows, EMBEDDING), table(random, a.categories().size(), EMBEDDING),
            table(random, a.priceBuckets(), EMBEDDING), table(random, a.devices().size(), EMBEDDING),
            table(random, a.placements().size(), EMBEDDING)),
        List.of(layer(random, EMBEDDING + 15, 16)), layer(random, 16, 1));

    List<ItemAggregates> items = new ArrayList<>(spec.items());
    for (int r = 0; r < spec.items(); r++) {
      long total = random.nextInt(1000);
      int[] tokens = random.ints(1 + random.nextInt(4), 2, a.tokens().size()).toArray();
      items.add(new ItemAggregates(total, random.nextInt((int) total + 1), total * 5, total, total / 10,
          spec.asOfMs() - (long) (random.nextDouble() * 60 * DAY_MS), a.categories().index(category(spec, r)),
          5 + random.nextDouble() * 150, tokens));
    }

    try (BundleWriter w = BundleWriter.open(root, version, Clock.systemUTC())) {
      try (OutputStream out = w.newOutputStream(BundleLayout.ARTIFACTS)) {
        a.write(out);
      }
      writeItems(w.file(BundleLayout.ITEMS), spec, items);
      writeUsers(w.file(BundleLayout.USERS), spec, a, random);
      byte[] itemTower = OnnxGraphs.itemTower(item);
      w.write(BundleLayout.USER_TOWER, OnnxGraphs.userTower(user));
      w.write(BundleLayout.ITEM_TOWER, itemTower);
      w.write(BundleLayout.RANKER, OnnxGraphs.dlrm(dlrm));
      float[] vectors = itemVectors(itemTower, items, spec, a);
      writeVectors(w.file(BundleLayout.ITEM_VECTORS), spec, vectors);
      try (FaissIndex index = buildIndex(spec, vectors)) {
        index.write(w.file(BundleLayout.INDEX));
      }
      Popularity lists = popularity != null ? popularity : popularity(spec, items);
      w.write(BundleLayout.POPULARITY, lists.toJson());
      w.publish(new BundleMetadata(Map.of("synthetic", true, "seed", spec.seed()),
          Map.of(FeatureSets.RETRIEVAL_V1.name(), "1", FeatureSets.RANKING_V1.name(), "1"),
          Map.of("user_tower", model(BundleLayout.USER_TOWER), "item_tower", model(BundleLayout.ITEM_TOWER),
              "ranker", model(BundleLayout.RANKER)),
          Map.of(), Map.of("type", spec.indexFactory(), "metric", "inner_product")), 3);
    } catch (OrtException e) {
      throw new IOException("item tower failed while building bundle " + version, e);
    }
    return version;
  }

  private static ModelEntry model(String file) {
    return new ModelEntry(file, "onnx", Map.of(), Map.of());
  }

  private static void writeItems(Path file, Spec spec, List<ItemAggregates> items) throws IOException {
    try (SnapshotWriter w = SnapshotWriter.create(file, "items", FeatureSnapshots.itemColumns(),
        Map.of(FeatureSnapshots.AS_OF_MS, Long.toString(spec.asOfMs())))) {
      for (int r = 0; r < items.size(); r++) {
        ItemAggregates i = items.get(r);
        w.append(itemId(r), r + 2, i.category(), category(spec, r), i.createdMs(),
            Double.doubleToLongBits(i.price()), i.total(), i.recent(), i.views(), i.clicks(), i.purchases(),
            i.tokens());
      }
    }
  }

  private static void writeUsers(Path file, Spec spec, FeatureArtifacts a, Random random) throws IOException {
    List<ColumnSpec> columns = FeatureSnapshots.userColumns(a.categories().size());
    try (SnapshotWriter w = SnapshotWriter.create(file, "users", columns,
        Map.of(FeatureSnapshots.AS_OF_MS, Long.toString(spec.asOfMs())))) {
      for (int u = 0; u < spec.users(); u++) {
        // Every item the user had an event with, newest first; the history holds the latest of them only.
        int[] seenRows = random.ints(1 + random.nextInt(40), 0, spec.items()).distinct().toArray();
        int[] history = IntStream.of(seenRows).limit(SYNTHETIC_HISTORY).map(r -> r + 2).toArray();
        float[] categoryCounts = new float[a.categories().size()];
        for (int r : seenRows) {
          categoryCounts[a.categories().index(category(spec, r))]++;
        }
        long views = seenRows.length * 3L;
        w.append(userId(u), u + 2, views, (long) seenRows.length, 1L, 1L, 0L, 0L, (long) seenRows.length,
            spec.asOfMs() - random.nextInt(10) * DAY_MS, 2500L, categoryCounts, history, seenRows);
      }
    }
  }

  private static float[] itemVectors(byte[] itemTower, List<ItemAggregates> items, Spec spec, FeatureArtifacts a)
      throws OrtException {
    float[] out = new float[items.size() * spec.dim()];
    try (OnnxScorer tower = OnnxScorer.open(itemTower, Runtime.getRuntime().availableProcessors())) {
      for (int from = 0; from < items.size(); from += ITEM_TOWER_BATCH) {
        int n = Math.min(ITEM_TOWER_BATCH, items.size() - from);
        long[] idx = new long[n];
        long[] cat = new long[n];
        float[] dense = new float[n * Featurizers.ITEM_DENSE.size()];
        long[] tokens = new long[n * a.tokenLength()];
        for (int i = 0; i < n; i++) {
          ItemAggregates agg = items.get(from + i);
          ModelInputs.ItemTower in = ModelInputs.itemTower(agg, from + i + 2, spec.asOfMs(), a);
          idx[i] = in.itemIdx();
          cat[i] = in.category();
          System.arraycopy(in.dense(), 0, dense, i * in.dense().length, in.dense().length);
          System.arraycopy(in.tokens(), 0, tokens, i * a.tokenLength(), a.tokenLength());
        }
        float[] vec = tower.run(List.of(TensorInput.longs(TensorNames.ITEM_IDX, idx, n),
            TensorInput.longs(TensorNames.ITEM_CAT, cat, n),
            TensorInput.floats(TensorNames.ITEM_DENSE, dense, n, Featurizers.ITEM_DENSE.size()),
            TensorInput.longs(TensorNames.ITEM_TOKENS, tokens, n, a.tokenLength()))).get(TensorNames.ITEM_VEC);
        System.arraycopy(vec, 0, out, from * spec.dim(), vec.length);
      }
    }
    return out;
  }

  private static void writeVectors(Path file, Spec spec, float[] vectors) throws IOException {
    try (SnapshotWriter w = SnapshotWriter.create(file, "item_vectors",
        List.of(ColumnSpec.vector(BundleLayout.VECTOR_COLUMN, spec.dim())), Map.of())) {
      for (int r = 0; r < spec.items(); r++) {
        float[] v = new float[spec.dim()];
        System.arraycopy(vectors, r * spec.dim(), v, 0, spec.dim());
        w.append(itemId(r), (Object) v);
      }
    }
  }

  private static FaissIndex buildIndex(Spec spec, float[] vectors) {
    FaissIndex index = FaissIndex.create(spec.dim(), spec.indexFactory(), Metric.INNER_PRODUCT);
    index.setThreads(Runtime.getRuntime().availableProcessors());
    long[] ids = LongStream.range(0, spec.items()).toArray();
    if (spec.indexFactory().startsWith("IVF")) {
      // k-means on at most TRAIN_VECTORS_PER_LIST vectors per list (the first rows: deterministic) keeps a
      // 1M-item build to seconds; faiss itself would sample 256 per list.
      long nlist = Long.parseLong(spec.indexFactory().replaceAll("^IVF([0-9]+).*$", "$1"));
      index.train(Arrays.copyOf(vectors, (int) Math.min(spec.items(), TRAIN_VECTORS_PER_LIST * nlist) * spec.dim()));
      index.addWithIds(vectors, ids);
    } else if (spec.indexFactory().startsWith("IDMap")) {
      index.addWithIds(vectors, ids);
    } else {
      index.add(vectors);
    }
    index.setThreads(1);
    return index;
  }

  private static Popularity popularity(Spec spec, List<ItemAggregates> items) {
    List<String> byTotal = top(items, Comparator.comparingLong(ItemAggregates::total), 200);
    List<String> byRecent = top(items, Comparator.comparingLong(ItemAggregates::recent), 200);
    return new Popularity(byTotal, byRecent, Map.of("home", byRecent.subList(0, Math.min(100, byRecent.size()))),
        Map.of("mobile", byTotal.subList(0, Math.min(100, byTotal.size()))));
  }

  private static List<String> top(List<ItemAggregates> items, Comparator<ItemAggregates> by, int n) {
    return IntStream.range(0, items.size()).boxed()
        .sorted(Comparator.comparing((Integer r) -> items.get(r), by).reversed().thenComparing(r -> r))
        .limit(n).map(SyntheticBundles::itemId).toList();
  }

  private static EmbeddingTable table(Random r, int rows, int dim) {
    return new EmbeddingTable(gaussian(r, rows * dim, 0.3f), rows, dim);
  }

  private static DenseLayer layer(Random r, int in, int out) {
    return new DenseLayer(gaussian(r, in * out, (float) (1 / Math.sqrt(in))), gaussian(r, out, 0.05f), in, out);
  }

  private static float[] gaussian(Random r, int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian() * scale;
    }
    return x;
  }
}
