package dev.recsys.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved models, loaded in a fresh model object, give exactly what the trained ones give. */
class SavedModelsTest {

  @Test
  void loadedModelsGiveTheTrainedOutputs(@TempDir Path dir) throws Exception {
    SyntheticTwoTowerData world = Fixtures.smallWorld();
    SyntheticRankingData ranking = Fixtures.smallRanking();
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 5).withMaxBatches(3);
    assertFalse(SavedModels.exist(dir));
    try (TwoTowerModel towers = TrainTwoTower.train(world.config(8, List.of(16), 6, 0.1f, 0.1f), train,
            world.batches(64, 3, 1)).model();
        TwoTowerModel other = TrainTwoTower.train(world.config(8, List.of(16), 6, 0.1f, 0.1f), train.withSeed(6),
            world.batches(64, 3, 2)).model();
        DlrmModel dlrm = TrainDlrm.train(new DlrmConfig(5, ranking.cardinalities(), 4, List.of(8), List.of(6), true),
            train, ranking.batches(64, 3, 1)).model()) {
      SavedModels.saveTwoTowers(List.of(towers, other), dir);
      SavedModels.save(dlrm, dir);
      assertTrue(SavedModels.exist(dir));
      for (String file : SavedModels.files(2)) {
        assertTrue(Files.isRegularFile(dir.resolve(file)), file);
      }

      TwoTowerBatch batch = world.sample(16, new Random(3));
      RankingFeatures rows = ranking.sample(32, new Random(4)).features();
      List<TwoTowerModel> loaded = SavedModels.loadTwoTowers(dir);
      try (TwoTowerModel loadedTowers = loaded.get(0);
          TwoTowerModel loadedOther = loaded.get(1);
          DlrmModel loadedDlrm = SavedModels.loadDlrm(dir)) {
        assertEquals(2, loaded.size());
        assertEquals(towers.config(), loadedTowers.config());
        assertEquals(dlrm.config(), loadedDlrm.config());
        assertArrayEquals(towers.userVectors(batch.users()), loadedTowers.userVectors(batch.users()));
        assertArrayEquals(towers.itemVectors(batch.items()), loadedTowers.itemVectors(batch.items()));
        assertArrayEquals(other.userVectors(batch.users()), loadedOther.userVectors(batch.users()));
        assertFalse(java.util.Arrays.equals(towers.userVectors(batch.users()), other.userVectors(batch.users())),
            "the members were trained with other seeds");
        assertArrayEquals(dlrm.predict(rows).clickProb(), loadedDlrm.predict(rows).clickProb());
        assertArrayEquals(dlrm.predict(rows).purchaseProb(), loadedDlrm.predict(rows).purchaseProb());
      }
    }
  }

  @Test
  void refusesParametersOfAnotherArchitecture(@TempDir Path dir) throws Exception {
    SyntheticRankingData ranking = Fixtures.smallRanking();
    TrainConfig train = TrainConfig.of(0.01f, 1, 64, 5).withMaxBatches(1);
    try (DlrmModel small = TrainDlrm.train(new DlrmConfig(5, ranking.cardinalities(), 4, List.of(8), List.of(6),
            false), train, ranking.batches(64, 1, 1)).model();
        DlrmModel wide = TrainDlrm.train(new DlrmConfig(5, ranking.cardinalities(), 4, List.of(12), List.of(6),
            false), train, ranking.batches(64, 1, 1)).model()) {
      SavedModels.save(small, dir);
      Path smallJson = dir.resolve(SavedModels.DLRM + ".json");
      String smallConfig = Files.readString(smallJson);
      SavedModels.save(wide, dir);
      Files.writeString(smallJson, smallConfig); // the parameters of one model under the config of another
      IOException e = assertThrows(IOException.class, () -> SavedModels.loadDlrm(dir));
      assertTrue(e.getMessage().contains("where the model has"), e.getMessage());
    }
  }
}
