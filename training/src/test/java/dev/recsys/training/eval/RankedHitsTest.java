package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RankedHitsTest {

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // Ranked 5, 3, 9, 1, 7; relevant {3, 7, 8}: hits at positions 1 and 4 (ranks 2 and 5), item 8 never listed.
  private final RankedHits hits = RankedHits.of(new long[] {5, 3, 9, 1, 7}, new long[] {8, 7, 3});

  @Test
  void recallDividesHitsByAllRelevantItems() {
    assertEquals(0.0, hits.recallAt(1));
    assertEquals(1.0 / 3, hits.recallAt(2), 1e-15);
    assertEquals(1.0 / 3, hits.recallAt(4), 1e-15);
    assertEquals(2.0 / 3, hits.recallAt(5), 1e-15);
    assertEquals(2.0 / 3, hits.recallAt(500), 1e-15);
  }

  @Test
  void hitRateIsOneOnceAnyRelevantItemIsInTheTopK() {
    assertEquals(0.0, hits.hitRateAt(1));
    assertEquals(1.0, hits.hitRateAt(2));
  }

  @Test
  void ndcgNormalisesByTheIdealOverMinOfRelevantAndK() {
    // k=2: DCG = 1/log2(3); ideal puts 2 = min(3, 2) hits at ranks 1, 2: 1 + 1/log2(3).
    assertEquals((1 / log2(3)) / (1 + 1 / log2(3)), hits.ndcgAt(2), 1e-15);
    // k=5: DCG = 1/log2(3) + 1/log2(6); ideal has 3 hits: 1 + 1/log2(3) + 1/log2(4).
    assertEquals((1 / log2(3) + 1 / log2(6)) / (1 + 1 / log2(3) + 0.5), hits.ndcgAt(5), 1e-15);
    assertEquals(0.0, hits.ndcgAt(1));
  }

  @Test
  void averagePrecisionSumsPrecisionAtHitsOverMinOfRelevantAndK() {
    // k=5: precision 1/2 at rank 2 and 2/5 at rank 5, divided by min(3, 5) = 3.
    assertEquals((0.5 + 0.4) / 3, hits.averagePrecisionAt(5), 1e-15);
    // k=2: only the hit at rank 2, divided by min(3, 2) = 2.
    assertEquals(0.25, hits.averagePrecisionAt(2), 1e-15);
  }

  @Test
  void reciprocalRankUsesTheFirstHitInTheWholeList() {
    assertEquals(0.5, hits.reciprocalRank());
    assertEquals(0.25, RankedHits.of(new int[] {4, 5, 6, 7}, new int[] {7}).reciprocalRank());
    assertEquals(0.0, RankedHits.of(new int[] {1, 2}, new int[] {9}).reciprocalRank());
  }

  @Test
  void aPerfectRankingScoresOneEverywhere() {
    RankedHits perfect = RankedHits.of(new long[] {1, 2, 3}, new long[] {2, 1});
    assertEquals(1.0, perfect.ndcgAt(3), 1e-15);
    assertEquals(1.0, perfect.ndcgAt(1), 1e-15);
    assertEquals(1.0, perfect.averagePrecisionAt(3), 1e-15);
    assertEquals(1.0, perfect.averagePrecisionAt(1), 1e-15);
    assertEquals(1.0, perfect.recallAt(2));
    assertEquals(0.5, perfect.recallAt(1));
  }

  @Test
  void repeatedRelevantItemsCountOnceAndRepeatedRankedItemsFail() {
    assertEquals(2, RankedHits.of(new long[] {1}, new long[] {4, 4, 1}).relevantCount());
    assertEquals(0.5, RankedHits.of(new long[] {1}, new long[] {4, 4, 1}).recallAt(1));
    assertThrows(IllegalArgumentException.class, () -> RankedHits.of(new long[] {1, 2, 1}, new long[] {1}));
    assertThrows(IllegalArgumentException.class, () -> RankedHits.of(new long[] {1, 2}, new long[0]));
    assertThrows(IllegalArgumentException.class, () -> hits.recallAt(0));
  }
}
