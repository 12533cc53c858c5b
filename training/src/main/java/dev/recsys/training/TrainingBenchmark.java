package dev.recsys.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the training throughput (samples/s) of both models at batch size 1024 on synthetic data of realistic
 * shape: 10k users, 5k items, history 50, 16 dense features per tower, 6 sparse columns for DLRM. Batches are made
 * before timing, so the figure covers array conversion, forward, backward and the Adam update. Run with
 * {@code -Dai.djl.offline=true} (and {@code -Dai.djl.pytorch.num_threads=1} on a machine shared with other work);
 * optional argument: timed batches per model (default 40).
 */
public final class TrainingBenchmark {

  private static final int BATCH = 1024;
  private static final int WARMUP_BATCHES = 3;

  private TrainingBenchmark() {}

  public static void main(String[] args) throws IOException {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 40;

    SyntheticTwoTowerData world = new SyntheticTwoTowerData(
        new SyntheticTwoTowerData.Sizes(10_000, 5_000, 50, 200, 2_000, 50, 8, 16, 16, 0.8f), 1);
    TwoTowerConfig twoTower = world.config(32, List.of(128, 64), 32, 0.05f, 0.05f);
    List<TwoTowerBatch> towerData = materialise(world.batches(BATCH, batches, 2));
    TrainTwoTower.train(twoTower, settings().withMaxBatches(WARMUP_BATCHES), towerData).model().close();
    TrainingResult<TwoTowerModel> towers = TrainTwoTower.train(twoTower, settings(), towerData);
    towers.model().close();

    SyntheticRankingData ranking = new SyntheticRankingData(16, List.of(10_000, 5_000, 200, 50, 20, 10), 1);
    DlrmConfig dlrm = new DlrmConfig(16, ranking.cardinalities(), 16, List.of(64), List.of(128, 64), true);
    List<RankingBatch> rankingData = materialise(ranking.batches(BATCH, batches, 2));
    TrainDlrm.train(dlrm, settings().withMaxBatches(WARMUP_BATCHES), rankingData).model().close();
    TrainingResult<DlrmModel> ranker = TrainDlrm.train(dlrm, settings(), rankingData);
    ranker.model().close();

    System.out.printf("batch %d, %d timed batches, %d cores, ai.djl.pytorch.num_threads=%s%n", BATCH, batches,
        Runtime.getRuntime().availableProcessors(), System.getProperty("ai.djl.pytorch.num_threads", "(default)"));
    System.out.printf("two-tower (D=32, MLP 128-64, H=50, T=8): %,.0f samples/s%n", towers.samplesPerSecond());
    System.out.printf("DLRM (S=6, d=16, top 128-64, two heads): %,.0f samples/s%n", ranker.samplesPerSecond());
  }

  private static TrainConfig settings() {
    return TrainConfig.of(1e-3f, 1, BATCH, 1).withLogEvery(10);
  }

  private static <B> List<B> materialise(Iterable<B> batches) {
    List<B> list = new ArrayList<>();
    batches.forEach(list::add);
    return list;
  }
}
