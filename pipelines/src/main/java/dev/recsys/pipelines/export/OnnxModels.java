package dev.recsys.pipelines.export;

import ai.onnxruntime.OrtException;
import dev.recsys.export.onnx.ElementType;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorInput;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.TensorSpec;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.training.ItemFeatures;
import dev.recsys.training.RankingFeatures;
import dev.recsys.training.UserFeatures;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exported models' input specs (from {@link FeatureSets}), the batching of {@link ModelInputs} into row-major
 * batches (the ONNX feeds, and the DJL models' inputs for {@link DjlReference}, so both see the same arrays), and one
 * ONNX Runtime session per model per JVM, so every Spark task of an executor shares it.
 */
public final class OnnxModels {

  /** Sessions by SHA-256 of the model bytes; they live as long as the executor JVM. */
  private static final Map<String, OnnxScorer> SESSIONS = new ConcurrentHashMap<>();

  private OnnxModels() {}

  /** Returns the inputs of the user tower as {@link FeatureSets#RETRIEVAL_V1} declares them. */
  public static List<TensorSpec> userTowerSpec() {
    return specs(FeatureSets.RETRIEVAL_V1, TensorNames.USER_IDX, TensorNames.USER_DENSE, TensorNames.HIST_ITEMS);
  }

  /** Returns the inputs of the item tower as {@link FeatureSets#RETRIEVAL_V1} declares them. */
  public static List<TensorSpec> itemTowerSpec() {
    return specs(FeatureSets.RETRIEVAL_V1, TensorNames.ITEM_IDX, TensorNames.ITEM_CAT, TensorNames.ITEM_DENSE,
        TensorNames.ITEM_TOKENS);
  }

  /** Returns the inputs of the ranker as {@link FeatureSets#RANKING_V1} declares them. */
  public static List<TensorSpec> rankerSpec() {
    return specs(FeatureSets.RANKING_V1, TensorNames.DENSE, TensorNames.SPARSE);
  }

  // Width-1 inputs are per-example scalars, shape [B]; the others are [B, width].
  private static List<TensorSpec> specs(FeatureSets.FeatureSet set, String... names) {
    List<TensorSpec> out = new ArrayList<>();
    for (String name : names) {
      FeatureSets.Input in = set.inputs().stream().filter(i -> i.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalStateException(set.id() + " has no input " + name));
      ElementType type = in.type().equals("int64") ? ElementType.INT64 : ElementType.FLOAT32;
      out.add(in.width() == 1 ? TensorSpec.of(name, type, TensorSpec.DYNAMIC)
          : TensorSpec.of(name, type, TensorSpec.DYNAMIC, in.width()));
    }
    return List.copyOf(out);
  }

  /** Returns the lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /**
   * Returns this JVM's session for the model with hash {@code sha256}, opening it from {@code model} on first
   * use (one intra-op thread: Spark already runs one task per core).
   */
  public static OnnxScorer shared(String sha256, byte[] model) {
    return SESSIONS.computeIfAbsent(sha256, h -> {
      try {
        return OnnxScorer.open(model, 1);
      } catch (Exception e) {
        throw new IllegalStateException("cannot open ONNX model " + h + ": " + e.getMessage(), e);
      }
    });
  }

  /** Returns the item vectors of {@code items}, row-major [n, D], from one run of the item tower. */
  public static float[] itemVectors(OnnxScorer tower, List<ModelInputs.ItemTower> items) throws OrtException {
    ItemFeatures b = itemBatch(items);
    int n = b.size();
    return tower.run(List.of(TensorInput.longs(TensorNames.ITEM_IDX, b.itemIdx(), n),
        TensorInput.longs(TensorNames.ITEM_CAT, b.category(), n),
        TensorInput.floats(TensorNames.ITEM_DENSE, b.dense(), n, b.denseDim()),
        TensorInput.longs(TensorNames.ITEM_TOKENS, b.tokens(), n, b.tokenLength()))).get(TensorNames.ITEM_VEC);
  }

  /** Returns the user vectors of {@code users}, row-major [n, D], from one run of the user tower. */
  public static float[] userVectors(OnnxScorer tower, List<ModelInputs.UserTower> users) throws OrtException {
    UserFeatures b = userBatch(users);
    int n = b.size();
    return tower.run(List.of(TensorInput.longs(TensorNames.USER_IDX, b.userIdx(), n),
        TensorInput.floats(TensorNames.USER_DENSE, b.dense(), n, b.denseDim()),
        TensorInput.longs(TensorNames.HIST_ITEMS, b.history(), n, b.historyLength()))).get(TensorNames.USER_VEC);
  }

  /** Returns every float output of the ranker on {@code rows}, by output name, from one run. */
  public static Map<String, float[]> rank(OnnxScorer ranker, List<ModelInputs.Ranking> rows) throws OrtException {
    RankingFeatures b = rankingBatch(rows);
    int n = b.size();
    return ranker.run(List.of(TensorInput.floats(TensorNames.DENSE, b.dense(), n, b.denseDim()),
        TensorInput.longs(TensorNames.SPARSE, b.sparse(), n, b.sparseDim())));
  }

  /**
   * Returns {@code users} (at least one) as one row-major batch, as the user tower takes them in ONNX and in DJL.
   *
   * @throws IllegalArgumentException if a row's dense features or history differ in width from the first row's
   */
  public static UserFeatures userBatch(List<ModelInputs.UserTower> users) {
    int n = users.size();
    int dd = users.get(0).dense().length;
    int hl = users.get(0).history().length;
    long[] idx = new long[n];
    float[] dense = new float[n * dd];
    long[] history = new long[n * hl];
    for (int r = 0; r < n; r++) {
      ModelInputs.UserTower u = users.get(r);
      idx[r] = u.userIdx();
      put(TensorNames.USER_DENSE, r, u.dense(), dense, dd);
      put(TensorNames.HIST_ITEMS, r, u.history(), history, hl);
    }
    return new UserFeatures(idx, dense, dd, history, hl);
  }

  /**
   * Returns {@code items} (at least one) as one row-major batch, as the item tower takes them in ONNX and in DJL.
   *
   * @throws IllegalArgumentException if a row's dense features or tokens differ in width from the first row's
   */
  public static ItemFeatures itemBatch(List<ModelInputs.ItemTower> items) {
    int n = items.size();
    int dd = items.get(0).dense().length;
    int tl = items.get(0).tokens().length;
    long[] idx = new long[n];
    long[] cat = new long[n];
    float[] dense = new float[n * dd];
    long[] tokens = new long[n * tl];
    for (int r = 0; r < n; r++) {
      ModelInputs.ItemTower it = items.get(r);
      idx[r] = it.itemIdx();
      cat[r] = it.category();
      put(TensorNames.ITEM_DENSE, r, it.dense(), dense, dd);
      put(TensorNames.ITEM_TOKENS, r, it.tokens(), tokens, tl);
    }
    return new ItemFeatures(idx, cat, dense, dd, tokens, tl);
  }

  /**
   * Returns {@code rows} (at least one) as one row-major batch, as the ranker takes them in ONNX and in DJL.
   *
   * @throws IllegalArgumentException if a row's dense or sparse features differ in width from the first row's
   */
  public static RankingFeatures rankingBatch(List<ModelInputs.Ranking> rows) {
    int n = rows.size();
    int dd = rows.get(0).dense().length;
    int sd = rows.get(0).sparse().length;
    float[] dense = new float[n * dd];
    long[] sparse = new long[n * sd];
    for (int r = 0; r < n; r++) {
      ModelInputs.Ranking row = rows.get(r);
      put(TensorNames.DENSE, r, row.dense(), dense, dd);
      put(TensorNames.SPARSE, r, row.sparse(), sparse, sd);
    }
    return new RankingFeatures(dense, dd, sparse, sd);
  }

  /** Copies row {@code r}'s {@code values} of {@code input} into {@code into} at {@code r * width}. */
  private static void put(String input, int r, float[] values, float[] into, int width) {
    checkWidth(input, r, values.length, width);
    System.arraycopy(values, 0, into, r * width, width);
  }

  /** Copies row {@code r}'s {@code values} of {@code input} into {@code into} at {@code r * width}. */
  private static void put(String input, int r, long[] values, long[] into, int width) {
    checkWidth(input, r, values.length, width);
    System.arraycopy(values, 0, into, r * width, width);
  }

  private static void checkWidth(String input, int r, int actual, int width) {
    if (actual != width) {
      throw new IllegalArgumentException(input + " of row " + r + " has " + actual + " values but row 0 has " + width);
    }
  }
}
