package dev.recsys.pipelines.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The evaluation's cold-start order against the lists serving itself would choose. */
class PopularityTest {

  private static final Popularity LISTS = new Popularity(List.of("g1", "g2", "g3"), List.of("r1", "g2"),
      Map.of("home", List.of("h1", "g1"), "empty", List.of()), Map.of("mobile", List.of("m1")));

  @Test
  void coldStartOrderIsServingsContextListThenTheGlobalOne() {
    dev.recsys.serving.Popularity served = new dev.recsys.serving.Popularity(LISTS.global(), LISTS.recent(),
        LISTS.byPlacement(), LISTS.byDevice());
    String[][] contexts = {{"home", "mobile"}, {"pdp", "mobile"}, {"empty", "mobile"}, {"pdp", "tv"},
        {null, null}, {"home", null}};
    for (String[] c : contexts) {
      Set<String> expected = new LinkedHashSet<>(served.forContext(c[0], c[1]).itemIds());
      expected.addAll(served.global());
      assertEquals(new ArrayList<>(expected), LISTS.coldStartOrder(c[0], c[1]), c[0] + " / " + c[1]);
    }
    assertEquals(List.of("h1", "g1", "g2", "g3"), LISTS.coldStartOrder("home", "mobile"));
    assertEquals(List.of("m1", "g1", "g2", "g3"), LISTS.coldStartOrder("empty", "mobile"));
    assertEquals(List.of("r1", "g2", "g1", "g3"), LISTS.coldStartOrder("pdp", "tv"));
  }

  @Test
  void withoutRecentEventsTheGlobalListAnswers() {
    Popularity old = new Popularity(List.of("g1", "g2"), List.of(), Map.of(), Map.of());
    assertEquals(List.of("g1", "g2"), old.coldStartOrder("home", "mobile"));
  }
}
