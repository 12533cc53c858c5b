package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recsys.features.spec.ItemAggregates;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final long DAY = 86_400_000L;

  private static Rules.Scored item(int row, String category, double score, long createdMs) {
    return new Rules.Scored(row, "i" + row, category, createdMs, score, 1, "r");
  }

  @Test
  void freshnessBoostFollowsTheFormula() {
    Rules rules = new Rules(0.5, 7, 3);
    assertEquals(1.5, rules.freshness(NOW, NOW), 1e-12);
    assertEquals(1 + 0.5 * Math.exp(-1), rules.freshness(NOW - 7 * DAY, NOW), 1e-12);
    assertEquals(1.0, rules.freshness(ItemAggregates.UNKNOWN_CREATED, NOW));
  }

  @Test
  void capsCategoriesInTheTopTenAndKeepsTheRestByScore() {
    List<Rules.Scored> in = new ArrayList<>();
    // Best first: 8 of a, then 4 each of b, c, d.
    String[] categories = {"a", "a", "a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c", "d", "d",
        "d", "d"};
    for (int i = 0; i < categories.length; i++) {
      in.add(item(i, categories[i], 100 - i, ItemAggregates.UNKNOWN_CREATED));
    }
    List<Rules.Scored> out = new Rules(0, 7, 3).apply(in, NOW, 12);
    assertEquals(List.of("i0", "i1", "i2", "i8", "i9", "i10", "i12", "i13", "i14", "i16", "i3", "i4"),
        out.stream().map(Rules.Scored::itemId).toList());
  }

  @Test
  void aFreshItemOvertakesAnOldOneWithASlightlyHigherScore() {
    List<Rules.Scored> in = List.of(item(1, "a", 1.0, NOW - 300 * DAY), item(2, "b", 0.9, NOW));
    List<Rules.Scored> out = new Rules(0.2, 7, 3).apply(in, NOW, 2);
    assertEquals("i2", out.get(0).itemId());
    assertEquals(0.9 * 1.2, out.get(0).score(), 1e-9);
    assertEquals("r, fresh item x1.20", out.get(0).explained());
  }
}
