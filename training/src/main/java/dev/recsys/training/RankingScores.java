package dev.recsys.training;

/**
 * DLRM predictions for a batch.
 *
 * @param clickProb click probability [B]
 * @param purchaseProb purchase probability [B]; null when the model has no purchase head
 */
public record RankingScores(float[] clickProb, float[] purchaseProb) {}
