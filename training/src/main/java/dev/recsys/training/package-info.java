/**
 * The DJL (PyTorch engine) two-tower retrieval and DLRM ranking models, their trainers and offline metrics.
 *
 * <p>Entry points: {@link dev.recsys.training.TrainTwoTower#train} and {@link dev.recsys.training.TrainDlrm#train}
 * take a model config, a {@link dev.recsys.training.TrainConfig} and batches of plain arrays
 * ({@link dev.recsys.training.TwoTowerBatch}, {@link dev.recsys.training.RankingBatch}): an {@code Iterable}
 * iterated once per epoch, or {@link dev.recsys.training.EpochBatches} giving each epoch its own order; the
 * returned model's {@code weights()} feed {@code dev.recsys.export.onnx.OnnxGraphs}.
 *
 * <p>Runtime requirements, for every JVM that trains or runs these models:
 *
 * <ul>
 *   <li>{@code -Dai.djl.offline=true}: DJL then loads the PyTorch native library from the
 *       {@code pytorch-native-cpu} jar on the classpath instead of downloading one (this machine has no network
 *       besides Maven Central, and newer engines want a JNI build that is not on Central).
 *   <li>On machines shared with other work, {@code OMP_WAIT_POLICY=PASSIVE} in the environment (what
 *       {@code ./recsys} sets) or {@code -Dai.djl.pytorch.num_threads=1}: with 2 cores under load, PyTorch's
 *       OpenMP threads spin against each other and training ran over 10x slower (two-tower 1,573 against 20,129
 *       samples/s in {@code TrainingBenchmark} at load average 4.8).
 * </ul>
 */
package dev.recsys.training;
