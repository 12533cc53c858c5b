package dev.recsys.pipelines.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recsys.features.spec.ModelInputs;
import dev.recsys.training.ItemFeatures;
import dev.recsys.training.RankingFeatures;
import dev.recsys.training.UserFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxModelsTest {

  @Test
  void batchesHoldTheRowsInOrderRowMajor() {
    UserFeatures users = OnnxModels.userBatch(List.of(
        new ModelInputs.UserTower(4, new float[] {1, 2}, new long[] {7, 8, 0}),
        new ModelInputs.UserTower(5, new float[] {3, 4}, new long[] {9, 0, 0})));
    assertArrayEquals(new long[] {4, 5}, users.userIdx());
    assertArrayEquals(new float[] {1, 2, 3, 4}, users.dense());
    assertArrayEquals(new long[] {7, 8, 0, 9, 0, 0}, users.history());
    assertEquals(2, users.denseDim());
    assertEquals(3, users.historyLength());

    ItemFeatures items = OnnxModels.itemBatch(List.of(
        new ModelInputs.ItemTower(2, 3, new float[] {0.5f}, new long[] {11, 12}),
        new ModelInputs.ItemTower(6, 1, new float[] {-1}, new long[] {13, 0})));
    assertArrayEquals(new long[] {2, 6}, items.itemIdx());
    assertArrayEquals(new long[] {3, 1}, items.category());
    assertArrayEquals(new float[] {0.5f, -1}, items.dense());
    assertArrayEquals(new long[] {11, 12, 13, 0}, items.tokens());

    RankingFeatures ranking = OnnxModels.rankingBatch(List.of(
        new ModelInputs.Ranking(new float[] {1, 2, 3}, new long[] {4}),
        new ModelInputs.Ranking(new float[] {5, 6, 7}, new long[] {8})));
    assertArrayEquals(new float[] {1, 2, 3, 5, 6, 7}, ranking.dense());
    assertArrayEquals(new long[] {4, 8}, ranking.sparse());
    assertEquals(3, ranking.denseDim());
  }

  @Test
  void aRowOfAnotherWidthIsRefusedByInputAndRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModels.userBatch(List.of(
        new ModelInputs.UserTower(4, new float[] {1, 2}, new long[] {7, 8}),
        new ModelInputs.UserTower(5, new float[] {3, 4}, new long[] {9, 0, 0}))));
    assertEquals("hist_items of row 1 has 3 values but row 0 has 2", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> OnnxModels.rankingBatch(List.of(
        new ModelInputs.Ranking(new float[] {1, 2, 3}, new long[] {4}),
        new ModelInputs.Ranking(new float[] {5, 6}, new long[] {8}))));
    assertEquals("dense of row 1 has 2 values but row 0 has 3", e.getMessage());
  }
}
