package dev.recsys.features.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FinalScoreTest {

  @Test
  void addsTheWeightedRankerLogitToTheTwoTowerLogit() {
    FinalScore s = new FinalScore(0.05, 2.0);
    // 0.3 / 0.05 + 2 * logit(0.8) = 6 + 2 * ln 4
    assertEquals(6 + 2 * Math.log(4), s.score(0.3f, 0.8f), 1e-5);
    // Weight 0 orders by retrieval alone; a certain click_prob stays finite.
    assertArrayEquals(new float[] {2f, 4f}, new FinalScore(0.5, 0).scores(new float[] {1f, 2f}, new float[] {1f, 0f}));
    assertTrue(Float.isFinite(s.score(0.1f, 1f)) && Float.isFinite(s.score(0.1f, 0f)));
  }

  @Test
  void theRankerCanOvertakeASimilarCandidateButNotAFarBetterOne() {
    FinalScore s = new FinalScore(0.05, 1.0);
    float[] similarities = {0.50f, 0.49f, 0.15f};
    float[] clickProbs = {0.2f, 0.8f, 0.99f};
    float[] scores = s.scores(similarities, clickProbs);
    assertTrue(scores[1] > scores[0], "a liked, equally retrieved item moves up");
    assertTrue(scores[0] > scores[2], "a far weaker retrieval is not rescued by the ranker");
  }

  @Test
  void roundTripsThroughItsDescriptionAndRefusesBadSettings() {
    FinalScore s = new FinalScore(0.05, 0.5);
    assertEquals(s, FinalScore.read(s.describe()));
    assertThrows(IllegalArgumentException.class, () -> new FinalScore(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new FinalScore(0.05, -1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FinalScore.read(java.util.Map.of("temperature", 0.05)));
    assertTrue(e.getMessage().contains("ranker_weight"), e.getMessage());
  }
}
