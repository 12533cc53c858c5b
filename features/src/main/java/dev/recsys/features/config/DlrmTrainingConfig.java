package dev.recsys.features.config;

import java.io.Serializable;

/**
 * The DLRM ranker's own training length and width: it learns from ranking rows (a few times the two-tower's
 * positives, labelled by click or rating) and over-fits them long before the two-tower has converged, so it does
 * not take {@code training.epochs} and {@code training.embedding_dim}. The other optimiser settings (learning rate
 * and schedule, clipping, batch size, seed) are shared.
 *
 * @param epochs passes over the ranking rows (a cosine schedule spans these)
 * @param embeddingDim width of every categorical embedding table and of the bottom MLP's output
 */
public record DlrmTrainingConfig(int epochs, int embeddingDim) implements Serializable {

  public DlrmTrainingConfig {
    Check.positive("training.dlrm.epochs", epochs);
    Check.positive("training.dlrm.embedding_dim", embeddingDim);
  }
}
