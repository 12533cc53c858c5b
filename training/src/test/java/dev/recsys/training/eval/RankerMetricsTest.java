package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RankerMetricsTest {

  @Test
  void aucCountsOrderedPairsAndTiesAsHalf() {
    assertEquals(1.0, RankerMetrics.auc(new float[] {0.1f, 0.9f}, new float[] {0, 1}));
    assertEquals(0.0, RankerMetrics.auc(new float[] {0.9f, 0.1f}, new float[] {0, 1}));
    // Pairs (pos, neg): (0.8, 0.2) right, (0.8, 0.8) tie, (0.3, 0.2) right, (0.3, 0.8) wrong: (1 + 0.5 + 1) / 4.
    assertEquals(0.625, RankerMetrics.auc(new float[] {0.8f, 0.3f, 0.2f, 0.8f}, new float[] {1, 1, 0, 0}), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> RankerMetrics.auc(new float[] {1, 2}, new float[] {1, 1}));
  }

  @Test
  void aucGivesTiedScoresTheirAverageRankWhateverTheirOrder() {
    // Every score tied: no pair is ordered, so 0.5 however the labels sit.
    assertEquals(0.5, RankerMetrics.auc(new float[] {3, 3, 3, 3}, new float[] {1, 0, 0, 1}), 1e-12);
    assertEquals(0.5, RankerMetrics.auc(new float[] {3, 3, 3, 3}, new float[] {0, 1, 1, 0}), 1e-12);
    // Positives 0.5 and 0.9, negatives 0.5, 0.5, 0.1. Pairs: 0.9 beats all 3 negatives; 0.5 ties two and beats
    // one: (3 + 0.5 + 0.5 + 1) / 6. The same data in two orders must agree.
    float[] scores = {0.5f, 0.9f, 0.5f, 0.5f, 0.1f};
    float[] labels = {1, 1, 0, 0, 0};
    float[] shuffledScores = {0.5f, 0.1f, 0.5f, 0.9f, 0.5f};
    float[] shuffledLabels = {0, 0, 0, 1, 1};
    assertEquals(5.0 / 6, RankerMetrics.auc(scores, labels), 1e-12);
    assertEquals(5.0 / 6, RankerMetrics.auc(shuffledScores, shuffledLabels), 1e-12);
  }

  @Test
  void aucRejectsNaNScoresAndMismatchedLengths() {
    assertThrows(IllegalArgumentException.class,
        () -> RankerMetrics.auc(new float[] {Float.NaN, 1, 0}, new float[] {1, 0, 1}));
    assertThrows(IllegalArgumentException.class, () -> RankerMetrics.auc(new float[] {1}, new float[] {1, 0}));
  }

  @Test
  void logLossAveragesTheNaturalLogOfTheProbabilityGivenToTheLabel() {
    double expected = (-Math.log(0.75) - Math.log(0.75) + Math.log(2)) / 3;
    assertEquals(expected,
        RankerMetrics.logLoss(new float[] {0.75f, 0.25f, 0.5f}, new float[] {1, 0, 1}), 1e-12);
  }

  @Test
  void logLossClipsCertainProbabilitiesSoAWrongCertaintyStaysFinite() {
    assertEquals(-Math.log(1e-7), RankerMetrics.logLoss(new float[] {0f}, new float[] {1}), 1e-9);
    assertEquals(-Math.log(1e-7), RankerMetrics.logLoss(new float[] {1f}, new float[] {0}), 1e-9);
    assertEquals(-Math.log(1 - 1e-7), RankerMetrics.logLoss(new float[] {1f}, new float[] {1}), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> RankerMetrics.logLoss(new float[] {1.5f}, new float[] {1}));
    assertThrows(IllegalArgumentException.class, () -> RankerMetrics.logLoss(new float[0], new float[0]));
  }
}
