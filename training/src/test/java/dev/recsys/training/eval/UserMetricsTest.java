package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserMetricsTest {

  // Training shares 1: 1/2, 2: 1/4, 3: 1/4, so self-information 1, 2 and 2 bits; item 9 unseen (log2 100 bits).
  private static final ItemCatalog CATALOG = new ItemCatalog(10, Map.of(1L, 50L, 2L, 25L, 3L, 25L));

  private static final List<UserRanking> USERS = List.of(
      new UserRanking(30, new long[] {1, 2, 3}, new long[] {3}),
      new UserRanking(10, new long[] {2, 1, 4}, new long[] {2, 4}),
      new UserRanking(20, new long[] {1, 9, 7}, new long[0]));

  @Test
  void keepsOneValuePerEvaluatedUserInIdOrderAndCountsUsersWithoutRelevantItems() {
    UserMetrics m = UserMetrics.evaluate(USERS, List.of(2, 1), 2, CATALOG);
    assertArrayEquals(new long[] {10, 30}, m.userIds());
    assertEquals(1, m.excludedUsers());
    assertEquals(List.of("recall_at_1", "recall_at_2", "ndcg_at_1", "ndcg_at_2", "map_at_1", "map_at_2",
        "hit_rate_at_1", "hit_rate_at_2", "mrr", "novelty_at_2"), m.perUserMetrics());
    assertArrayEquals(new double[] {0.5, 0.0}, m.values("recall_at_1"));
    assertArrayEquals(new double[] {0.5, 0.0}, m.values("recall_at_2"));
    assertArrayEquals(new double[] {1.0, 1.0 / 3}, m.values("mrr"));
    assertArrayEquals(new double[] {1.0, 0.0}, m.values("hit_rate_at_2"));
    // Top-2 lists: user 10 {2, 1} -> (2 + 1) / 2; user 30 {1, 2} -> the same.
    assertArrayEquals(new double[] {1.5, 1.5}, m.values("novelty_at_2"), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> m.values("recall_at_3"));
  }

  @Test
  void coverageCountsDistinctTopListItemsOverTheCatalogue() {
    List<UserRanking> users = List.of(
        new UserRanking(1, new long[] {1, 2, 8}, new long[] {1}),
        new UserRanking(2, new long[] {2, 3, 7}, new long[] {1}));
    UserMetrics m = UserMetrics.evaluate(users, List.of(1), 2, CATALOG);
    assertEquals("coverage_at_2", m.coverageMetric());
    assertEquals(0.3, m.catalogCoverage(), 1e-15); // {1, 2, 3} of 10
    assertEquals(0.2, m.subset(Set.of(2L)).catalogCoverage(), 1e-15);
  }

  @Test
  void noveltyGivesAnUnseenItemTheSelfInformationOfOneTrainingEvent() {
    UserMetrics m = UserMetrics.evaluate(
        List.of(new UserRanking(1, new long[] {9, 1}, new long[] {1})), List.of(1), 2, CATALOG);
    assertEquals((Math.log(100) / Math.log(2) + 1) / 2, m.values("novelty_at_2")[0], 1e-12);
  }

  @Test
  void aSubsetKeepsTheChosenEvaluatedUsers() {
    UserMetrics m = UserMetrics.evaluate(USERS, List.of(1), 2, CATALOG);
    UserMetrics slice = m.subset(Set.of(30L, 20L, 99L));
    assertArrayEquals(new long[] {30}, slice.userIds());
    assertEquals(1, slice.excludedUsers());
    assertArrayEquals(new double[] {1.0 / 3}, slice.values("mrr"));
    assertEquals(0, m.subset(Set.of()).size());
  }

  @Test
  void failsLoudlyOnBadInput() {
    List<UserRanking> twice = List.of(
        new UserRanking(1, new long[] {1}, new long[] {1}), new UserRanking(1, new long[] {2}, new long[] {2}));
    assertThrows(IllegalArgumentException.class, () -> UserMetrics.evaluate(twice, List.of(1), 2, CATALOG));
    assertThrows(IllegalArgumentException.class, () -> UserMetrics.evaluate(USERS, List.of(1, 1), 2, CATALOG));
    assertThrows(IllegalArgumentException.class, () -> UserMetrics.evaluate(USERS, List.of(0), 2, CATALOG));
    IllegalArgumentException repeat = assertThrows(IllegalArgumentException.class, () -> UserMetrics.evaluate(
        List.of(new UserRanking(7, new long[] {1, 1}, new long[] {1})), List.of(1), 2, CATALOG));
    assertTrue(repeat.getMessage().contains("user 7"), repeat.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ItemCatalog(2, Map.of(1L, 1L, 2L, 1L, 3L, 1L)));
  }

  @Test
  void pairedComparisonNeedsTheSameUsers() {
    UserMetrics all = UserMetrics.evaluate(USERS, List.of(1), 2, CATALOG);
    UserMetrics some = all.subset(Set.of(10L));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> all.requireSameUsers(some, "a", "b"));
    assertTrue(e.getMessage().contains("only in a: [30]"), e.getMessage());
  }
}
