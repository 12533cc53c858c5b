package dev.recsys.features.spec;

import java.util.List;

/**
 * The named, versioned feature sets: which inputs each model gets, with their shapes. The ONNX export checks model
 * inputs against these, and the bundle manifest records them.
 */
public final class FeatureSets {

  /** One model input: name, element type ({@code float32} or {@code int64}) and width (per example). */
  public record Input(String name, String type, int width, String description) {}

  /** A versioned list of inputs. */
  public record FeatureSet(String name, int version, List<Input> inputs) {
    public String id() {
      return name + "_v" + version;
    }
  }

  public static final int HISTORY_LENGTH = 50;
  public static final int TOKEN_LENGTH = 8;

  /** Two-tower retrieval: the user tower and the item tower inputs. */
  public static final FeatureSet RETRIEVAL_V1 = new FeatureSet("retrieval", 1, List.of(
      new Input("user_idx", "int64", 1, "user id vocabulary index (1 = unknown user)"),
      new Input("user_dense", "float32", Featurizers.USER_DENSE.size(), "standardised " + Featurizers.USER_DENSE),
      new Input("hist_items", "int64", HISTORY_LENGTH, "item indexes of the latest events, most recent first"),
      new Input("item_idx", "int64", 1, "item id vocabulary index (1 = new item)"),
      new Input("item_cat", "int64", 1, "category vocabulary index"),
      new Input("item_dense", "float32", Featurizers.ITEM_DENSE.size(), "standardised " + Featurizers.ITEM_DENSE),
      new Input("item_tokens", "int64", TOKEN_LENGTH, "content token indexes (title words, tags)")));

  /** Sparse inputs of the ranking model, in column order of {@code sparse}. */
  public static final List<String> RANKING_SPARSE = List.of("item_idx", "item_cat", "price_bucket", "device",
      "placement");

  /** DLRM ranking: dense user, item, context and pair features; sparse item and context ids. */
  public static final FeatureSet RANKING_V1 = new FeatureSet("ranking", 1, List.of(
      new Input("dense", "float32", Featurizers.USER_DENSE.size() + Featurizers.ITEM_DENSE.size()
          + Featurizers.CONTEXT_DENSE.size() + Featurizers.PAIR_DENSE.size(),
          "user_dense ++ item_dense ++ " + Featurizers.CONTEXT_DENSE + " ++ " + Featurizers.PAIR_DENSE),
      new Input("sparse", "int64", RANKING_SPARSE.size(), String.join(", ", RANKING_SPARSE))));

  private FeatureSets() {}
}
