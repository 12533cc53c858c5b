package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void aucCountsOrderedPairsAndTiesAsHalf() {
    assertEquals(1.0, Metrics.auc(new float[] {0.1f, 0.9f}, new float[] {0, 1}));
    assertEquals(0.0, Metrics.auc(new float[] {0.9f, 0.1f}, new float[] {0, 1}));
    // Pairs (pos, neg): (0.8, 0.2) right, (0.8, 0.8) tie, (0.3, 0.2) right, (0.3, 0.8) wrong: (1 + 0.5 + 1) / 4.
    assertEquals(0.625, Metrics.auc(new float[] {0.8f, 0.3f, 0.2f, 0.8f}, new float[] {1, 1, 0, 0}), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Metrics.auc(new float[] {1, 2}, new float[] {1, 1}));
  }

  @Test
  void recallAtKChecksWhetherThePositiveIsInTheTopK() {
    float[] items = {1, 0, 0, 1, -1, 0}; // three 2-d items
    float[] users = {1, 0.1f, 0, 1}; // user 0 prefers item 0, user 1 item 1
    assertEquals(0.5, Metrics.recallAtK(users, items, 2, new int[] {0, 0}, 1));
    assertEquals(1.0, Metrics.recallAtK(users, items, 2, new int[] {0, 0}, 2));
    assertEquals(0.0, Metrics.recallAtK(users, items, 2, new int[] {2, 2}, 1));
  }
}
