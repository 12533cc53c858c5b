package dev.recsys.export.onnx;

/** The input and output names of the exported models; the feature pipeline and the server use the same names. */
public final class TensorNames {

  /** User index, int64 [B]. */
  public static final String USER_IDX = "user_idx";
  /** User dense features, float32 [B, Du]. */
  public static final String USER_DENSE = "user_dense";
  /** Item indexes of the user's history, int64 [B, H], 0-padded. */
  public static final String HIST_ITEMS = "hist_items";
  /** L2-normalised user vector, float32 [B, D]. */
  public static final String USER_VEC = "user_vec";

  /** Item index, int64 [B]. */
  public static final String ITEM_IDX = "item_idx";
  /** Item category index, int64 [B]. */
  public static final String ITEM_CAT = "item_cat";
  /** Item dense features, float32 [B, Di]. */
  public static final String ITEM_DENSE = "item_dense";
  /** Content-token indexes of the item, int64 [B, T], 0-padded. */
  public static final String ITEM_TOKENS = "item_tokens";
  /** L2-normalised item vector, float32 [B, D]. */
  public static final String ITEM_VEC = "item_vec";
  /** Log of each positive item's sampling probability, float32 [B]; training only (log-q correction). */
  public static final String ITEM_LOG_Q = "item_log_q";

  /** Ranking dense features, float32 [B, Dd]. */
  public static final String DENSE = "dense";
  /** Ranking categorical features, int64 [B, S]; column s indexes embedding table s. */
  public static final String SPARSE = "sparse";
  /** Click probability, float32 [B]. */
  public static final String CLICK_PROB = "click_prob";
  /** Purchase probability, float32 [B]; only in models with the purchase head. */
  public static final String PURCHASE_PROB = "purchase_prob";

  /** Ranking score of a ranking-objective model (tree ensemble margin), float32 [B]; higher ranks first. */
  public static final String RANK_SCORE = "rank_score";

  private TensorNames() {}
}
