package dev.recsys.export.bundle;

/**
 * The files of a recsys model bundle (format version 1), written by the export job and read by the server.
 *
 * <ul>
 *   <li>{@link #ARTIFACTS}: the fitted {@code FeatureArtifacts} (vocabularies, normalisers) as JSON;
 *   <li>{@link #USERS}, {@link #ITEMS}: the feature snapshots ({@code FeatureSnapshots}); item rows are the item
 *       positions used everywhere else (index ids, vectors);
 *   <li>{@link #USER_TOWER}, {@link #ITEM_TOWER}: the two-tower ONNX models ({@code FeatureSets.RETRIEVAL_V1});
 *   <li>{@link #RANKER}: the DLRM ONNX model ({@code FeatureSets.RANKING_V1});
 *   <li>{@link #ITEM_VECTORS}: a snapshot with entity {@code item_vectors}, the same ids in the same order as
 *       {@link #ITEMS}, and one vector column {@link #VECTOR_COLUMN} (L2-normalised item tower outputs);
 *   <li>{@link #INDEX}: a FAISS index over those vectors (inner product), ids = item rows;
 *   <li>{@link #INDEX_ROWS} (optional): the item row of each index id ({@link IndexRows}) when they differ, after
 *       a refresh added items; without it index ids are the item rows;
 *   <li>{@link #POPULARITY}: fallback lists of item ids, most popular first: {@code global}, {@code recent}, and
 *       {@code by_placement} / {@code by_device} maps of recent popularity per context value.
 * </ul>
 */
public final class BundleLayout {

  public static final String ARTIFACTS = "feature_artifacts.json";
  public static final String USERS = "users.snap";
  public static final String ITEMS = "items.snap";
  public static final String USER_TOWER = "user_tower.onnx";
  public static final String ITEM_TOWER = "item_tower.onnx";
  public static final String RANKER = "ranker.onnx";
  public static final String ITEM_VECTORS = "item_vectors.snap";
  public static final String VECTOR_COLUMN = "vec";
  public static final String INDEX = "items.faiss";
  public static final String INDEX_ROWS = "index_rows.bin";
  public static final String POPULARITY = "popularity.json";

  private BundleLayout() {}
}
