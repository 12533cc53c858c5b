package dev.recsys.training;

import java.util.List;

/**
 * Architecture of the DLRM ranking model.
 *
 * @param denseDim Dd, width of the {@code dense} input
 * @param cardinalities rows of embedding table s for {@code sparse} column s, counting padding (0) and oov (1)
 * @param embeddingDim d, width of every embedding table and of the bottom MLP's output
 * @param bottomHidden hidden widths of the bottom MLP before its last layer to d (ReLU after every layer)
 * @param topHidden hidden widths of the top MLP (ReLU after each) before the logit head
 * @param purchaseHead whether to add the second head, {@code purchase_prob}, trained on purchase labels
 */
public record DlrmConfig(
    int denseDim,
    List<Integer> cardinalities,
    int embeddingDim,
    List<Integer> bottomHidden,
    List<Integer> topHidden,
    boolean purchaseHead) {

  public DlrmConfig {
    Check.positive("dlrm.dense_dim", denseDim);
    cardinalities = List.copyOf(cardinalities);
    if (cardinalities.isEmpty()) {
      throw new IllegalArgumentException("dlrm.cardinalities must list at least one sparse column");
    }
    cardinalities.forEach(c -> Check.vocab("dlrm.cardinalities", c));
    Check.positive("dlrm.embedding_dim", embeddingDim);
    bottomHidden = List.copyOf(bottomHidden);
    bottomHidden.forEach(h -> Check.positive("dlrm.bottom_hidden", h));
    topHidden = List.copyOf(topHidden);
    topHidden.forEach(h -> Check.positive("dlrm.top_hidden", h));
  }

  /** Returns the number of sparse columns S. */
  public int sparseDim() {
    return cardinalities.size();
  }

  /** Returns the number of logits the head outputs: 1 (click) or 2 (click, purchase). */
  public int heads() {
    return purchaseHead ? 2 : 1;
  }
}
