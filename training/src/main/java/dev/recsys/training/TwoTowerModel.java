package dev.recsys.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.recsys.export.onnx.TwoTowerWeights;

/**
 * A trained two-tower retrieval model: user and item vectors from plain arrays, and its weights for ONNX export.
 * Not thread-safe; close it to free the native memory.
 */
public final class TwoTowerModel implements AutoCloseable {

  private final TwoTowerConfig config;
  private final TwoTowerBlock block;
  private final Model model;

  TwoTowerModel(TwoTowerConfig config, Device device) {
    this.config = config;
    this.block = new TwoTowerBlock(config);
    this.model = Model.newInstance("two_tower", device);
    model.setBlock(block);
  }

  /** Returns the architecture. */
  public TwoTowerConfig config() {
    return config;
  }

  /** Returns the L2-normalised user vectors, row-major [B, D]. */
  public float[] userVectors(UserFeatures users) {
    checkUsers(users);
    try (NDManager m = model.getNDManager().newSubManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      return block.userVectors(ps, ids(m, users.userIdx()), dense(m, users.dense(), users.denseDim()),
          matrix(m, users.history(), users.historyLength()), false).toFloatArray();
    }
  }

  /** Returns the L2-normalised item vectors, row-major [B, D]. */
  public float[] itemVectors(ItemFeatures items) {
    checkItems(items);
    try (NDManager m = model.getNDManager().newSubManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      return block.itemVectors(ps, ids(m, items.itemIdx()), ids(m, items.category()),
          dense(m, items.dense(), items.denseDim()), matrix(m, items.tokens(), items.tokenLength()), false)
          .toFloatArray();
    }
  }

  /** Returns both towers' weights as plain arrays, for {@code OnnxGraphs}. */
  public TwoTowerWeights weights() {
    return block.weights();
  }

  /** Frees the parameters' native memory. */
  @Override
  public void close() {
    model.close();
  }

  Model djlModel() {
    return model;
  }

  /**
   * Returns the block inputs (see {@link TwoTowerBlock}) for {@code users} and {@code items}, which may have more
   * rows than the users (extra negatives), with the given user and item indexes, which may differ from theirs by id
   * dropout.
   */
  NDList inputs(NDManager m, UserFeatures u, long[] userIdx, ItemFeatures i, long[] itemIdx) {
    checkUsers(u);
    checkItems(i);
    return new NDList(
        ids(m, userIdx), dense(m, u.dense(), u.denseDim()), matrix(m, u.history(), u.historyLength()),
        ids(m, itemIdx), ids(m, i.category()), dense(m, i.dense(), i.denseDim()),
        matrix(m, i.tokens(), i.tokenLength()));
  }

  private void checkUsers(UserFeatures u) {
    Shapes.checkWidth("user_dense", u.denseDim(), config.userDenseDim());
    Shapes.checkIndexes("user_idx", u.userIdx(), config.userVocab());
    Shapes.checkIndexes("hist_items", u.history(), config.itemVocab());
  }

  private void checkItems(ItemFeatures i) {
    Shapes.checkWidth("item_dense", i.denseDim(), config.itemDenseDim());
    Shapes.checkIndexes("item_idx", i.itemIdx(), config.itemVocab());
    Shapes.checkIndexes("item_cat", i.category(), config.categoryVocab());
    Shapes.checkIndexes("item_tokens", i.tokens(), config.tokenVocab());
  }

  /** Returns int64 [B]. */
  static NDArray ids(NDManager m, long[] values) {
    return m.create(values, new Shape(values.length));
  }

  /** Returns int64 [B, width]. */
  static NDArray matrix(NDManager m, long[] values, int width) {
    return m.create(values, new Shape(values.length / width, width));
  }

  /** Returns float32 [B, width]. */
  static NDArray dense(NDManager m, float[] values, int width) {
    return m.create(values, new Shape(values.length / width, width));
  }
}
