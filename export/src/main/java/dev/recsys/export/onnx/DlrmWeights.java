package dev.recsys.export.onnx;

import java.util.List;

/**
 * A DLRM ranking model as plain arrays. The bottom MLP maps the dense features to the embedding width d; with
 * the S embeddings it forms n = S + 1 vectors whose pairwise dot products (i &lt; j, row-major order) are
 * concatenated after the bottom output and fed to the top MLP and the head.
 *
 * @param denseDim width of the {@code dense} input
 * @param bottom bottom MLP, each layer followed by ReLU; the last one outputs d
 * @param tables one embedding table per {@code sparse} column, all of width d
 * @param topHidden top MLP hidden layers, each followed by ReLU; may be empty
 * @param head the last linear layer: one logit (click) or two (click, purchase)
 */
public record DlrmWeights(
    int denseDim, List<DenseLayer> bottom, List<EmbeddingTable> tables, List<DenseLayer> topHidden, DenseLayer head) {

  public DlrmWeights {
    bottom = List.copyOf(bottom);
    tables = List.copyOf(tables);
    topHidden = List.copyOf(topHidden);
    if (bottom.isEmpty() || tables.isEmpty()) {
      throw new IllegalArgumentException("DLRM needs at least one bottom layer and one embedding table");
    }
    int d = Layers.chain("DLRM bottom", denseDim, bottom);
    for (int s = 0; s < tables.size(); s++) {
      if (tables.get(s).dim() != d) {
        throw new IllegalArgumentException(
            "DLRM table " + s + " has width " + tables.get(s).dim() + " but the bottom MLP outputs " + d);
      }
    }
    int n = tables.size() + 1;
    int width = Layers.chain("DLRM top", d + n * (n - 1) / 2, topHidden);
    Layers.chain("DLRM head", width, List.of(head));
    if (head.out() != 1 && head.out() != 2) {
      throw new IllegalArgumentException("DLRM head must output 1 (click) or 2 (click, purchase) logits, got "
          + head.out());
    }
  }

  /** Returns whether the model has the {@code purchase_prob} head. */
  public boolean hasPurchaseHead() {
    return head.out() == 2;
  }
}
