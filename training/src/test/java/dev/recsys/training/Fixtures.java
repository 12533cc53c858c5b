package dev.recsys.training;

import java.util.List;

/** Small synthetic worlds and configs shared by the training tests. */
final class Fixtures {

  private Fixtures() {}

  static SyntheticTwoTowerData smallWorld() {
    return new SyntheticTwoTowerData(
        new SyntheticTwoTowerData.Sizes(300, 120, 6, 12, 60, 8, 4, 5, 6, 0.8f), 11);
  }

  static TwoTowerConfig smallTwoTower(SyntheticTwoTowerData world) {
    return world.config(8, List.of(16), 8, 0.1f, 0.1f);
  }

  static SyntheticRankingData smallRanking() {
    return new SyntheticRankingData(5, List.of(30, 20, 6), 13);
  }

  static DlrmConfig smallDlrm(SyntheticRankingData data, boolean purchaseHead) {
    return new DlrmConfig(5, data.cardinalities(), 4, List.of(8), List.of(12), purchaseHead);
  }
}
