package dev.recsys.export.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The trees of an XGBoost model read from its JSON form ({@code Booster.toByteArray("json")}): per node the left
 * and right child (-1 at a leaf), the split feature, the threshold (the leaf value at a leaf) and where a missing
 * value goes. A row goes left when {@code x[feature] < threshold}, as in XGBoost. Single-output models only.
 *
 * @param baseMargin the margin every prediction starts from
 * @param trees the trees, summed
 * @param objective the objective the model was trained with, e.g. {@code rank:ndcg}
 */
public record XgbTrees(float baseMargin, List<Tree> trees, String objective) {

  /** Decimals stay exact until they are rounded once, to float32, as XGBoost stores them. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** One tree in XGBoost's array layout; node 0 is the root. */
  public record Tree(int[] left, int[] right, int[] feature, float[] threshold, boolean[] defaultLeft) {

    boolean isLeaf(int node) {
      return left[node] < 0;
    }
  }

  public XgbTrees {
    trees = List.copyOf(trees);
  }

  /** Parses the JSON model of a single-output tree booster. */
  public static XgbTrees parse(byte[] modelJson) {
    JsonNode root;
    try {
      root = JSON.readTree(modelJson);
    } catch (IOException e) {
      throw new UncheckedIOException("not an XGBoost JSON model: " + e.getMessage(), e);
    }
    JsonNode learner = root.path("learner");
    JsonNode booster = learner.path("gradient_booster");
    String name = booster.path("name").asText();
    if (!name.equals("gbtree")) {
      throw new IllegalArgumentException("only gbtree boosters can be exported, got '" + name + "'");
    }
    JsonNode param = learner.path("learner_model_param");
    if (param.path("num_target").asInt(1) != 1 || param.path("num_class").asInt(0) > 1) {
      throw new IllegalArgumentException("only single-output models can be exported, got " + param);
    }
    // 3.x writes the intercept as a vector ("[5E-1]"); older versions as a scalar ("5E-1").
    String base = param.path("base_score").asText().replace("[", "").replace("]", "").trim();
    List<Tree> trees = new ArrayList<>();
    for (JsonNode t : booster.path("model").path("trees")) {
      if (t.path("categories_nodes").size() > 0) {
        throw new IllegalArgumentException("categorical splits cannot be exported; one-hot encode instead");
      }
      trees.add(new Tree(ints(t.path("left_children")), ints(t.path("right_children")),
          ints(t.path("split_indices")), floats(t.path("split_conditions")), booleans(t.path("default_left"))));
    }
    return new XgbTrees(Float.parseFloat(base), trees, learner.path("objective").path("name").asText());
  }

  /** Returns the margin of one flat feature row, walked in plain Java (a check of the exported graph). */
  public float margin(float[] x) {
    float sum = baseMargin;
    for (Tree t : trees) {
      int node = 0;
      while (!t.isLeaf(node)) {
        float v = x[t.feature()[node]];
        boolean left = Float.isNaN(v) ? t.defaultLeft()[node] : v < t.threshold()[node];
        node = left ? t.left()[node] : t.right()[node];
      }
      sum += t.threshold()[node];
    }
    return sum;
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.parseFloat(a.get(i).decimalValue().toString());
    }
    return out;
  }

  private static boolean[] booleans(JsonNode a) {
    boolean[] out = new boolean[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      out[i] = v.isBoolean() ? v.asBoolean() : v.asInt() != 0;
    }
    return out;
  }
}
