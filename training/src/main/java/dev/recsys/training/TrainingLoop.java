package dev.recsys.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch and batch loop both trainers share: batches read ahead on a background thread ({@link Prefetch}),
 * gradient clipping to a global norm ({@link TrainConfig#clipNorm}) and Adam updates, loss, gradient-norm and
 * throughput logging, per-epoch checkpoints and resuming from them, and the {@code maxBatches} limit.
 */
final class TrainingLoop {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
  /** Batches read ahead of the step on a background thread. */
  private static final int PREFETCH_BATCHES = 2;

  /** Model inputs and loss labels of one batch. */
  record BatchArrays(NDList inputs, NDList labels) {}

  /** Turns one batch into arrays owned by {@code manager}; {@code random} drives training-time noise. */
  interface Converter<B> {
    BatchArrays convert(NDManager manager, B batch, Random random);
  }

  /** One update: the batch's loss and its gradients' global L2 norm before clipping (NaN when not clipping). */
  private record Step(float loss, double gradientNorm) {}

  /** What a run did: the losses of every completed epoch and this run's throughput. */
  record Outcome(List<Float> epochLosses, double samplesPerSecond, long batches) {}

  private TrainingLoop() {}

  /**
   * Returns the outcome of training {@code model} (whose block is not yet initialised) on {@code data}, asked for
   * each epoch's batches in turn. With a checkpoint directory the run first restores the last completed epoch and
   * trains only the remaining ones.
   */
  static <B> Outcome run(
      String name,
      Model model,
      Shape[] inputShapes,
      Loss loss,
      String modelConfig,
      TrainConfig cfg,
      EpochBatches<B> data,
      ToIntFunction<B> sizeOf,
      Converter<B> converter) throws IOException {
    model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, inputShapes);
    Checkpoints checkpoints = cfg.checkpointDir() == null
        ? null
        : new Checkpoints(cfg.checkpointDir(), name, modelConfig + "; " + cfg.trajectory());
    List<Float> epochLosses = new ArrayList<>(checkpoints == null ? List.of()
        : checkpoints.restore(model.getBlock(), cfg.epochs()));
    if (!epochLosses.isEmpty()) {
      LOG.info("{}: resumed from {} after epoch {}", name, cfg.checkpointDir(), epochLosses.size());
    }
    // Adam asks the tracker for every update; the schedule moves the rate once per epoch.
    float[] epochRate = {cfg.learningRate()};
    Tracker rate = numUpdate -> epochRate[0];
    DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss)
        .optDevices(new Device[] {cfg.device()})
        .optOptimizer(Adam.builder().optLearningRateTracker(rate).build());
    long totalSamples = 0;
    long totalBatches = 0;
    long totalNanos = 0;
    try (Trainer trainer = model.newTrainer(trainingConfig)) {
      trainer.initialize(inputShapes);
      for (int epoch = epochLosses.size() + 1; epoch <= cfg.epochs(); epoch++) {
        Random random = new Random(cfg.seed() * 1_000_003L + epoch);
        epochRate[0] = cfg.learningRate(epoch);
        long start = System.nanoTime();
        long windowStart = start;
        double lossSum = 0;
        double windowLossSum = 0;
        long samples = 0;
        long windowSamples = 0;
        int batches = 0;
        long dataNanos = 0; // waiting for the source's next batch, as opposed to training on it
        double maxGradientNorm = 0;
        int clipped = 0;
        try (Prefetch<B> epochBatches = new Prefetch<>(name, data.epoch(epoch), PREFETCH_BATCHES)) {
          while (cfg.maxBatches() == 0 || batches < cfg.maxBatches()) {
            long asked = System.nanoTime();
            if (!epochBatches.hasNext()) {
              break;
            }
            B batch = epochBatches.next();
            dataNanos += System.nanoTime() - asked;
            int size = sizeOf.applyAsInt(batch);
            if (size == 0 || size > cfg.batchSize()) {
              throw new IllegalArgumentException(
                  name + " batch " + (batches + 1) + " has " + size + " rows but batch_size is " + cfg.batchSize());
            }
            Step step = step(trainer, converter, batch, random, cfg.clipNorm());
            float batchLoss = step.loss();
            if (cfg.clipNorm() > 0) {
              maxGradientNorm = Math.max(maxGradientNorm, step.gradientNorm());
              if (step.gradientNorm() > cfg.clipNorm()) {
                clipped++;
              }
            }
            lossSum += (double) batchLoss * size;
            windowLossSum += (double) batchLoss * size;
            samples += size;
            windowSamples += size;
            batches++;
            if (batches % cfg.logEvery() == 0) {
              long now = System.nanoTime();
              LOG.info("{} epoch {} batch {}: loss {} (mean of last {} batches), {} samples/s", name, epoch, batches,
                  String.format("%.4f", windowLossSum / windowSamples), cfg.logEvery(),
                  String.format("%.0f", windowSamples * 1e9 / (now - windowStart)));
              windowStart = now;
              windowLossSum = 0;
              windowSamples = 0;
            }
          }
        }
        long nanos = System.nanoTime() - start;
        if (batches == 0) {
          throw new IllegalArgumentException(name + " epoch " + epoch + " got no batches");
        }
        float epochLoss = (float) (lossSum / samples);
        epochLosses.add(epochLoss);
        LOG.info("{} epoch {}/{} done: loss {}, learning rate {}{}, {} batches, {} samples in {} s ({} s of it waiting "
                + "for data), {} samples/s", name, epoch, cfg.epochs(),
            String.format("%.4f", epochLoss), String.format("%.2e", epochRate[0]),
            cfg.clipNorm() > 0 ? String.format(", gradient norm up to %.3g (%d batches clipped to %s)",
                maxGradientNorm, clipped, cfg.clipNorm()) : "", batches, samples,
            String.format("%.1f", nanos / 1e9), String.format("%.1f", dataNanos / 1e9),
            String.format("%.0f", samples * 1e9 / nanos));
        if (checkpoints != null) {
          checkpoints.save(model.getBlock(), epochLosses);
        }
        totalSamples += samples;
        totalBatches += batches;
        totalNanos += nanos;
      }
    }
    return new Outcome(epochLosses, totalNanos == 0 ? 0 : totalSamples * 1e9 / totalNanos, totalBatches);
  }

  /** Returns the loss and gradient norm of one forward, backward, clipping and Adam update on {@code batch}. */
  private static <B> Step step(Trainer trainer, Converter<B> converter, B batch, Random random, float clipNorm) {
    try (NDManager batchManager = trainer.getManager().newSubManager()) {
      BatchArrays arrays = converter.convert(batchManager, batch, random);
      float value;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList predictions = trainer.forward(arrays.inputs());
        NDArray loss = trainer.getLoss().evaluate(arrays.labels(), predictions);
        collector.backward(loss);
        value = loss.getFloat();
      }
      if (!Float.isFinite(value)) {
        throw new IllegalStateException("training loss became " + value + "; lower the learning rate");
      }
      // The norm costs a pass over every gradient (10-15% of the two-tower's throughput on ML-100K): only to clip.
      double norm = clipNorm > 0
          ? clipGradients(trainer.getModel().getBlock().getParameters(), clipNorm, batchManager)
          : Double.NaN;
      trainer.step();
      return new Step(value, norm);
    }
  }

  /**
   * Returns the global L2 norm of the gradients of {@code parameters} and, when it exceeds {@code clipNorm > 0},
   * scales every gradient in place by {@code clipNorm / norm}. A parameter's norm too large for float32 is taken in
   * float64, and norms are squared in double, so huge gradients are still scaled down rather than turned into NaN.
   * Temporaries belong to {@code manager}.
   *
   * @throws IllegalStateException if a gradient is NaN or infinite: an update with it would ruin the parameters
   */
  static double clipGradients(ParameterList parameters, float clipNorm, NDManager manager) {
    List<NDArray> gradients = new ArrayList<>();
    double squares = 0;
    for (Parameter p : parameters.values()) {
      if (p.requiresGradient()) {
        NDArray g = p.getArray().getGradient();
        g.attach(manager);
        gradients.add(g);
        double n = g.norm().getFloat();
        if (n == Double.POSITIVE_INFINITY) {
          n = g.toType(DataType.FLOAT64, false).norm().getDouble(); // the float32 sum of squares overflowed
        }
        if (!Double.isFinite(n)) {
          throw new IllegalStateException("the gradient of " + p.getName() + " has norm " + n);
        }
        squares += n * n;
      }
    }
    double norm = Math.sqrt(squares);
    if (clipNorm > 0 && norm > clipNorm) {
      float scale = (float) (clipNorm / norm);
      gradients.forEach(g -> g.muli(scale));
    }
    return norm;
  }
}
