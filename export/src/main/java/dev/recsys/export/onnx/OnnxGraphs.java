package dev.recsys.export.onnx;

import static dev.recsys.export.onnx.GraphBuilder.BATCH;
import static dev.recsys.export.onnx.GraphBuilder.intAttr;
import static dev.recsys.export.onnx.GraphBuilder.intsAttr;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Writes the recsys models as ONNX graphs (opset 17) from plain weight arrays: weights become initializers, the
 * batch dimension is dynamic and the inputs and outputs carry the names in {@link TensorNames}.
 */
public final class OnnxGraphs {

  /**
   * Smallest L2 norm divided by: keeps all-zero vectors finite and bounds the gradient of a tower output whose norm
   * falls near zero by 1 / epsilon. (At torch.nn.functional.normalize's 1e-12 such a batch reached gradient norms of
   * 1e11 in two-tower training on ML-100K and, with less id dropout, NaN.)
   */
  public static final float NORM_EPSILON = 1e-6f;

  private static final String HISTORY = "history";
  private static final String TOKENS = "tokens";

  private OnnxGraphs() {}

  /** Returns the serialised user tower: (user_idx, user_dense, hist_items) -> user_vec. */
  public static byte[] userTower(UserTowerWeights w) {
    return userTower(List.of(w));
  }

  /**
   * Returns the serialised user tower of an ensemble of two-tower models trained alike (see {@link #ensembleVector}):
   * (user_idx, user_dense, hist_items) -> user_vec.
   */
  public static byte[] userTower(List<UserTowerWeights> members) {
    UserTowerWeights first = sameShape("user tower", members, UserTowerWeights::denseDim,
        UserTowerWeights::outputDim);
    GraphBuilder g = new GraphBuilder("user_tower");
    g.input(TensorNames.USER_IDX, ElementType.INT64, BATCH);
    g.input(TensorNames.USER_DENSE, ElementType.FLOAT32, BATCH, first.denseDim());
    g.input(TensorNames.HIST_ITEMS, ElementType.INT64, BATCH, HISTORY);
    ensembleVector(g, members, OnnxGraphs::userProjection, TensorNames.USER_VEC);
    g.output(TensorNames.USER_VEC, ElementType.FLOAT32, BATCH, first.outputDim() * members.size());
    return g.toModelBytes();
  }

  /** Returns the serialised item tower: (item_idx, item_cat, item_dense, item_tokens) -> item_vec. */
  public static byte[] itemTower(ItemTowerWeights w) {
    return itemTower(List.of(w));
  }

  /**
   * Returns the serialised item tower of an ensemble of two-tower models trained alike (see {@link #ensembleVector}):
   * (item_idx, item_cat, item_dense, item_tokens) -> item_vec.
   */
  public static byte[] itemTower(List<ItemTowerWeights> members) {
    ItemTowerWeights first = sameShape("item tower", members, ItemTowerWeights::denseDim,
        ItemTowerWeights::outputDim);
    GraphBuilder g = new GraphBuilder("item_tower");
    g.input(TensorNames.ITEM_IDX, ElementType.INT64, BATCH);
    g.input(TensorNames.ITEM_CAT, ElementType.INT64, BATCH);
    g.input(TensorNames.ITEM_DENSE, ElementType.FLOAT32, BATCH, first.denseDim());
    g.input(TensorNames.ITEM_TOKENS, ElementType.INT64, BATCH, TOKENS);
    ensembleVector(g, members, OnnxGraphs::itemProjection, TensorNames.ITEM_VEC);
    g.output(TensorNames.ITEM_VEC, ElementType.FLOAT32, BATCH, first.outputDim() * members.size());
    return g.toModelBytes();
  }

  /** Returns one user tower's projection [B, D], before normalisation; its initializers' names start with prefix. */
  private static String userProjection(GraphBuilder g, UserTowerWeights w, String prefix) {
    // [B, Eu], [B, Ei], [B, Du] -> [B, Eu + Ei + Du]
    String features = g.op("Concat", List.of(
            gather(g, table(g, prefix + "user_ids", w.userIds()), TensorNames.USER_IDX),
            meanPool(g, table(g, prefix + "item_ids", w.itemIds()), TensorNames.HIST_ITEMS),
            TensorNames.USER_DENSE),
        intAttr("axis", 1));
    return dense(g, prefix + "user_out", relus(g, prefix + "user_hidden", features, w.hidden()), w.projection());
  }

  /** Returns one item tower's projection [B, D], before normalisation; its initializers' names start with prefix. */
  private static String itemProjection(GraphBuilder g, ItemTowerWeights w, String prefix) {
    // [B, Ei], [B, Ec], [B, Et], [B, Di] -> [B, Ei + Ec + Et + Di]
    String features = g.op("Concat", List.of(
            gather(g, table(g, prefix + "item_ids", w.itemIds()), TensorNames.ITEM_IDX),
            gather(g, table(g, prefix + "categories", w.categories()), TensorNames.ITEM_CAT),
            meanPool(g, table(g, prefix + "tokens", w.tokens()), TensorNames.ITEM_TOKENS),
            TensorNames.ITEM_DENSE),
        intAttr("axis", 1));
    return dense(g, prefix + "item_out", relus(g, prefix + "item_hidden", features, w.hidden()), w.projection());
  }

  /** One member's tower up to its projection, initializer names prefixed so members do not collide. */
  private interface Projection<W> {
    String build(GraphBuilder g, W weights, String prefix);
  }

  /** Returns the serialised DLRM: (dense, sparse) -> click_prob and, with the purchase head, purchase_prob. */
  public static byte[] dlrm(DlrmWeights w) {
    GraphBuilder g = new GraphBuilder("dlrm");
    int tables = w.tables().size();
    int n = tables + 1;
    g.input(TensorNames.DENSE, ElementType.FLOAT32, BATCH, w.denseDim());
    g.input(TensorNames.SPARSE, ElementType.INT64, BATCH, tables);
    String bottom = relus(g, "bottom", TensorNames.DENSE, w.bottom()); // [B, d]
    List<String> vectors = new ArrayList<>(n);
    String axis1 = g.vector("axis", 1);
    vectors.add(g.op("Unsqueeze", List.of(bottom, axis1))); // [B, 1, d]
    for (int s = 0; s < tables; s++) {
      String column = g.op("Gather", List.of(TensorNames.SPARSE, g.scalar("column", (long) s)), intAttr("axis", 1));
      String table = table(g, "table_" + s, w.tables().get(s));
      vectors.add(g.op("Unsqueeze", List.of(gather(g, table, column), axis1)));
    }
    String stacked = g.op("Concat", vectors, intAttr("axis", 1)); // [B, n, d]
    String transposed = g.op("Transpose", List.of(stacked), intsAttr("perm", 0, 2, 1)); // [B, d, n]
    String dots = g.op("MatMul", List.of(stacked, transposed)); // [B, n, n]
    // 0 keeps the batch dimension: [B, n * n]
    String flat = g.op("Reshape", List.of(dots, g.vector("flat_shape", 0, (long) n * n)));
    String pairs = g.op("Gather", List.of(flat, g.vector("upper_triangle", upperTriangle(n))), intAttr("axis", 1));
    String top = g.op("Concat", List.of(bottom, pairs), intAttr("axis", 1)); // [B, d + n(n-1)/2]
    String logits = dense(g, "head", relus(g, "top", top, w.topHidden()), w.head()); // [B, 1 or 2]
    String probs = g.op("Sigmoid", List.of(logits));
    g.opTo(TensorNames.CLICK_PROB, "Gather", List.of(probs, g.scalar("click", 0L)), intAttr("axis", 1));
    g.output(TensorNames.CLICK_PROB, ElementType.FLOAT32, BATCH);
    if (w.hasPurchaseHead()) {
      g.opTo(TensorNames.PURCHASE_PROB, "Gather", List.of(probs, g.scalar("purchase", 1L)), intAttr("axis", 1));
      g.output(TensorNames.PURCHASE_PROB, ElementType.FLOAT32, BATCH);
    }
    return g.toModelBytes();
  }

  /** Writes the user tower of {@code members} ({@link #userTower(List)}) to {@code file}. */
  public static void writeUserTower(List<UserTowerWeights> members, Path file) throws IOException {
    Files.write(file, userTower(members));
  }

  /** Writes the item tower of {@code members} ({@link #itemTower(List)}) to {@code file}. */
  public static void writeItemTower(List<ItemTowerWeights> members, Path file) throws IOException {
    Files.write(file, itemTower(members));
  }

  /** Writes {@link #dlrm} to {@code file}. */
  public static void writeDlrm(DlrmWeights w, Path file) throws IOException {
    Files.write(file, dlrm(w));
  }

  /** Returns the inputs {@link #userTower} declares, in graph order. */
  public static List<TensorSpec> userTowerInputs(UserTowerWeights w) {
    return List.of(
        TensorSpec.of(TensorNames.USER_IDX, ElementType.INT64, TensorSpec.DYNAMIC),
        TensorSpec.of(TensorNames.USER_DENSE, ElementType.FLOAT32, TensorSpec.DYNAMIC, w.denseDim()),
        TensorSpec.of(TensorNames.HIST_ITEMS, ElementType.INT64, TensorSpec.DYNAMIC, TensorSpec.DYNAMIC));
  }

  /** Returns the inputs {@link #itemTower} declares, in graph order. */
  public static List<TensorSpec> itemTowerInputs(ItemTowerWeights w) {
    return List.of(
        TensorSpec.of(TensorNames.ITEM_IDX, ElementType.INT64, TensorSpec.DYNAMIC),
        TensorSpec.of(TensorNames.ITEM_CAT, ElementType.INT64, TensorSpec.DYNAMIC),
        TensorSpec.of(TensorNames.ITEM_DENSE, ElementType.FLOAT32, TensorSpec.DYNAMIC, w.denseDim()),
        TensorSpec.of(TensorNames.ITEM_TOKENS, ElementType.INT64, TensorSpec.DYNAMIC, TensorSpec.DYNAMIC));
  }

  /** Returns the inputs {@link #dlrm} declares, in graph order. */
  public static List<TensorSpec> dlrmInputs(DlrmWeights w) {
    return List.of(
        TensorSpec.of(TensorNames.DENSE, ElementType.FLOAT32, TensorSpec.DYNAMIC, w.denseDim()),
        TensorSpec.of(TensorNames.SPARSE, ElementType.INT64, TensorSpec.DYNAMIC, w.tables().size()));
  }

  /**
   * Returns the flat indexes i * n + j of the pairs i &lt; j of an n x n matrix, row by row: the order in which
   * DLRM concatenates its pairwise dot products.
   */
  public static long[] upperTriangle(int n) {
    long[] idx = new long[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        idx[k++] = (long) i * n + j;
      }
    }
    return idx;
  }

  private static String table(GraphBuilder g, String name, EmbeddingTable t) {
    return g.floats(name, t.data(), t.rows(), t.dim());
  }

  /** Returns the rows of {@code table} picked by {@code ids}: ids [B] -> [B, E], ids [B, L] -> [B, L, E]. */
  private static String gather(GraphBuilder g, String table, String ids) {
    return g.op("Gather", List.of(table, ids), intAttr("axis", 0));
  }

  /** Returns the mean of the embeddings of the non-padding (id &gt; 0) positions of ids [B, L]: [B, E]. */
  private static String meanPool(GraphBuilder g, String table, String ids) {
    String embedded = gather(g, table, ids); // [B, L, E]
    String notPadding = g.op("Greater", List.of(ids, g.scalar("padding", 0L)));
    String mask = g.op("Cast", List.of(notPadding), intAttr("to", TensorProto.DataType.FLOAT.getNumber())); // [B, L]
    String mask3 = g.op("Unsqueeze", List.of(mask, g.vector("axis", 2))); // [B, L, 1]
    String masked = g.op("Mul", List.of(embedded, mask3));
    String axis1 = g.vector("axis", 1);
    String sum = g.op("ReduceSum", List.of(masked, axis1), intAttr("keepdims", 0)); // [B, E]
    String count = g.op("ReduceSum", List.of(mask, axis1), intAttr("keepdims", 1)); // [B, 1]
    // An all-padding row has count 0; dividing by 1 leaves its zero sum as the pooled vector.
    String denominator = g.op("Max", List.of(count, g.scalar("one", 1f)));
    return g.op("Div", List.of(sum, denominator));
  }

  /** Returns {@code x} after each of {@code layers}, each followed by ReLU. */
  private static String relus(GraphBuilder g, String prefix, String x, List<DenseLayer> layers) {
    String h = x;
    for (int i = 0; i < layers.size(); i++) {
      h = g.op("Relu", List.of(dense(g, prefix + "_" + i, h, layers.get(i))));
    }
    return h;
  }

  /** Returns x [B, in] times the layer's weight [out, in] transposed plus its bias: [B, out]. */
  private static String dense(GraphBuilder g, String prefix, String x, DenseLayer layer) {
    String weight = g.floats(prefix + "_weight", layer.weight(), layer.out(), layer.in());
    String bias = g.floats(prefix + "_bias", layer.bias(), layer.out());
    return g.op("Gemm", List.of(x, weight, bias), intAttr("transB", 1));
  }

  /**
   * Writes the tower output of an ensemble to {@code output}: each member's projection [B, D] L2-normalised, the
   * K members side by side [B, K * D], times 1 / sqrt(K). A user vector's inner product with an item vector is then
   * the mean of the K members' cosines, the similarity each member was trained on. A single model's initializers keep
   * their plain names and its normalised vector is the output, as before ensembles existed.
   */
  private static <W> void ensembleVector(GraphBuilder g, List<W> members, Projection<W> projection, String output) {
    if (members.size() == 1) {
      g.opTo(output, "Div", l2Divide(g, projection.build(g, members.get(0), "")));
      return;
    }
    List<String> normalized = new ArrayList<>();
    for (int m = 0; m < members.size(); m++) {
      normalized.add(g.op("Div", l2Divide(g, projection.build(g, members.get(m), "member" + m + "_"))));
    }
    String side = g.op("Concat", normalized, intAttr("axis", 1));
    g.opTo(output, "Mul", List.of(side, g.scalar("ensemble_scale", (float) (1 / Math.sqrt(members.size())))));
  }

  /** Returns the Div inputs of x [B, D] by max(its L2 norm over axis 1, epsilon). */
  private static List<String> l2Divide(GraphBuilder g, String x) {
    // Opset 17 ReduceL2 still takes axes as an attribute (ReduceSum moved them to an input in opset 13).
    String norm = g.op("ReduceL2", List.of(x), intsAttr("axes", 1), intAttr("keepdims", 1)); // [B, 1]
    return List.of(x, g.op("Max", List.of(norm, g.scalar("epsilon", NORM_EPSILON))));
  }

  /** Returns the first of {@code members} after checking that they all take the same inputs and output width. */
  private static <W> W sameShape(String tower, List<W> members, ToIntFunction<W> denseDim,
      ToIntFunction<W> outputDim) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException(tower + " needs at least one model");
    }
    W first = members.get(0);
    for (W w : members) {
      if (denseDim.applyAsInt(w) != denseDim.applyAsInt(first)
          || outputDim.applyAsInt(w) != outputDim.applyAsInt(first)) {
        throw new IllegalArgumentException(tower + " ensemble members differ: dense width " + denseDim.applyAsInt(w)
            + " and output width " + outputDim.applyAsInt(w) + " against " + denseDim.applyAsInt(first) + " and "
            + outputDim.applyAsInt(first));
      }
    }
    return first;
  }
}
