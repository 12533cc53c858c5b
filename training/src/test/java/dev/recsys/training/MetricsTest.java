package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void recallAtKChecksWhetherThePositiveIsInTheTopK() {
    float[] items = {1, 0, 0, 1, -1, 0}; // three 2-d items
    float[] users = {1, 0.1f, 0, 1}; // user 0 prefers item 0, user 1 item 1
    assertEquals(0.5, Metrics.recallAtK(users, items, 2, new int[] {0, 0}, 1));
    assertEquals(1.0, Metrics.recallAtK(users, items, 2, new int[] {0, 0}, 2));
    assertEquals(0.0, Metrics.recallAtK(users, items, 2, new int[] {2, 2}, 1));
  }
}
