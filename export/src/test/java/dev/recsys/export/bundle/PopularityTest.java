package dev.recsys.export.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list serving picks for a context, the fallback order the evaluation scores with, and the file format. */
class PopularityTest {

  private static final Popularity LISTS = new Popularity(List.of("g1", "g2", "g3"), List.of("r1", "g2"),
      Map.of("home", List.of("h1", "g1"), "empty", List.of()), Map.of("mobile", List.of("m1")));

  @Test
  void theMostSpecificNonEmptyListAnswersAContext() {
    assertEquals(new Popularity.Choice("placement:home", List.of("h1", "g1")), LISTS.forContext("home", "mobile"));
    assertEquals(new Popularity.Choice("device:mobile", List.of("m1")), LISTS.forContext("empty", "mobile"));
    assertEquals(new Popularity.Choice("recent", List.of("r1", "g2")), LISTS.forContext("pdp", "tv"));
    assertEquals(new Popularity.Choice("recent", List.of("r1", "g2")), LISTS.forContext(null, null));
  }

  @Test
  void fallbackOrderIsTheContextsListThenTheGlobalOneEachIdOnce() {
    assertEquals(List.of("h1", "g1", "g2", "g3"), LISTS.fallbackOrder("home", "mobile"));
    assertEquals(List.of("m1", "g1", "g2", "g3"), LISTS.fallbackOrder("empty", "mobile"));
    assertEquals(List.of("r1", "g2", "g1", "g3"), LISTS.fallbackOrder("pdp", "tv"));
  }

  @Test
  void withoutRecentEventsTheGlobalListAnswers() {
    Popularity old = new Popularity(List.of("g1", "g2"), List.of(), Map.of(), Map.of());
    assertEquals(new Popularity.Choice("global", List.of("g1", "g2")), old.forContext("home", "mobile"));
    assertEquals(List.of("g1", "g2"), old.fallbackOrder("home", "mobile"));
  }

  @Test
  void theFileRoundTripsWithSnakeCaseKeysAndEqualListsGiveEqualBytes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(BundleLayout.POPULARITY);
    Files.write(file, LISTS.toJson());
    assertEquals(LISTS, Popularity.read(file));
    String json = Files.readString(file);
    assertTrue(json.contains("\"by_placement\"") && json.contains("\"by_device\""), json);
    Map<String, List<String>> placements = new LinkedHashMap<>();
    placements.put("home", List.of("h1", "g1"));
    placements.put("empty", List.of());
    Popularity sameLists = new Popularity(LISTS.global(), LISTS.recent(), placements, LISTS.byDevice());
    assertEquals(json, new String(sameLists.toJson(), StandardCharsets.UTF_8));
  }
}
