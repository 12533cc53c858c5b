package dev.recsys.training;

import java.util.List;

/**
 * Architecture and loss settings of the two-tower model. Vocabulary sizes count the padding (0) and
 * out-of-vocabulary (1) rows, so a catalogue of n items needs {@code itemVocab = n + 2}.
 *
 * @param userVocab rows of the user-id table
 * @param itemVocab rows of the item-id table (shared by the item tower and the user's history pooling)
 * @param categoryVocab rows of the category table
 * @param tokenVocab rows of the content-token table
 * @param userDenseDim Du, width of {@code user_dense}
 * @param itemDenseDim Di, width of {@code item_dense}
 * @param embeddingDim width of every embedding table
 * @param hiddenSizes hidden layer widths of each tower's MLP (ReLU after each); may be empty
 * @param outputDim D, width of the L2-normalised user and item vectors
 * @param temperature τ of the sampled softmax: logits are dot products / τ
 * @param logqWeight w of the sampling-bias correction: logits subtract w times the log of each item's expected count
 *     among the sampled ones; 1 is the exact correction, 0 none ({@link InBatchSoftmaxLoss})
 * @param idDropout share of training rows whose user and item index is replaced by the oov index 1, so the towers
 *     learn to place unseen users and new items from their other features; 0 turns it off
 */
public record TwoTowerConfig(
    int userVocab,
    int itemVocab,
    int categoryVocab,
    int tokenVocab,
    int userDenseDim,
    int itemDenseDim,
    int embeddingDim,
    List<Integer> hiddenSizes,
    int outputDim,
    float temperature,
    float logqWeight,
    float idDropout) {

  public TwoTowerConfig {
    Check.vocab("two_tower.user_vocab", userVocab);
    Check.vocab("two_tower.item_vocab", itemVocab);
    Check.vocab("two_tower.category_vocab", categoryVocab);
    Check.vocab("two_tower.token_vocab", tokenVocab);
    Check.positive("two_tower.user_dense_dim", userDenseDim);
    Check.positive("two_tower.item_dense_dim", itemDenseDim);
    Check.positive("two_tower.embedding_dim", embeddingDim);
    hiddenSizes = List.copyOf(hiddenSizes);
    hiddenSizes.forEach(h -> Check.positive("two_tower.hidden_sizes", h));
    Check.positive("two_tower.output_dim", outputDim);
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("two_tower.temperature must be > 0, got " + temperature);
    }
    if (!(logqWeight >= 0 && Float.isFinite(logqWeight))) {
      throw new IllegalArgumentException("two_tower.logq_weight must be finite and >= 0, got " + logqWeight);
    }
    if (!(idDropout >= 0 && idDropout < 1)) {
      throw new IllegalArgumentException("two_tower.id_dropout must be in [0, 1), got " + idDropout);
    }
  }
}
