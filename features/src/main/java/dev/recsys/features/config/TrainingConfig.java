package dev.recsys.features.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * How models are trained and when a new one may be published.
 *
 * @param seed seeds parameter initialisation, id dropout and the order of training rows
 * @param epochs passes over the train split for the two-tower
 * @param batchSize rows per training batch
 * @param learningRate Adam learning rate (of the first epoch, with a cosine schedule)
 * @param learningRateSchedule how the learning rate changes over the epochs: constant, or cosine decay from
 *     {@code learningRate} towards zero by the last epoch
 * @param clipGradNorm largest global L2 norm of one batch's gradients in the two-tower and the DLRM: a larger one
 *     is scaled down to it before the Adam update; 0 never clips
 * @param logEvery log loss and throughput every this many batches
 * @param embeddingDim width of every two-tower embedding table
 * @param hiddenSizes hidden widths of each tower's MLP and of the DLRM's bottom and top MLPs
 * @param outputDim width of the two-tower user and item vectors
 * @param temperature softmax temperature of the two-tower loss
 * @param logqWeight weight of the two-tower loss's sampling-bias (log-q) correction: 1 is the exact correction, above
 *     1 pushes popular items down further, 0 leaves the in-batch popularity bias in
 * @param idDropout share of two-tower rows whose ids are replaced by the oov index (cold-start robustness)
 * @param uniformNegatives catalogue items drawn uniformly as extra two-tower negatives for every batch, besides
 *     the in-batch ones (mixed negative sampling); 0 uses in-batch negatives only
 * @param twoTowerModels two-tower models trained alike but for their seeds ({@code seed}, {@code seed + 1}, ...) and
 *     exported as one: their L2-normalised vectors side by side, scaled by 1 / sqrt(n), so retrieval ranks by the
 *     mean of their cosines (an ensemble: it averages out what each seed learned by chance)
 * @param fitOnValidation fit every model on the train and validation windows, not train alone: the final fit
 *     before the test window, once settings are chosen on validation (which such models cannot be evaluated on)
 * @param gateMetric metric the quality gate compares, e.g. {@code ndcg_at_10}
 * @param gateMargin absolute margin, in the metric's units, by which a candidate must beat the published model
 *     (or, for the first publication, every baseline); the paired 95% interval must clear it too
 * @param ranker the ranker that is gated and exported: the DLRM or the XGBoost ranker (both are trained)
 * @param rankerWeight weight of the ranker's logit in the final order, added to the two-tower logit
 *     ({@code FinalScore}); 0 orders by retrieval alone
 * @param dlrm epochs and width of the DLRM ranker
 * @param xgboost settings of the XGBoost ranker
 * @param als settings of the ALS baseline
 * @param device where DJL trains the two-tower and the DLRM: {@code cpu}, or {@code gpu} (the first CUDA device;
 *     training then fails at once, with a message, when DJL's PyTorch build sees no GPU)
 */
public record TrainingConfig(
    int seed,
    int epochs,
    int batchSize,
    double learningRate,
    LearningRateSchedule learningRateSchedule,
    double clipGradNorm,
    int logEvery,
    int embeddingDim,
    List<Integer> hiddenSizes,
    int outputDim,
    double temperature,
    Double logqWeight,
    double idDropout,
    int uniformNegatives,
    Integer twoTowerModels,
    boolean fitOnValidation,
    String gateMetric,
    double gateMargin,
    Ranker ranker,
    double rankerWeight,
    DlrmTrainingConfig dlrm,
    XgboostConfig xgboost,
    AlsConfig als,
    Device device) implements Serializable {

  /** Which trained ranker re-orders the retrieved candidates in the gate and in the exported bundle. */
  public enum Ranker {
    DLRM,
    XGBOOST
  }

  /** How the learning rate of the two-tower and the DLRM changes from epoch to epoch. */
  public enum LearningRateSchedule {
    /** The same rate for every epoch. */
    CONSTANT,
    /** Half a cosine from the rate at the first epoch to zero after the last. */
    COSINE
  }

  /** Where DJL runs training. */
  public enum Device {
    CPU,
    GPU
  }

  @JsonCreator
  public TrainingConfig {
    Check.positive("training.epochs", epochs);
    Check.positive("training.batch_size", batchSize);
    Check.positive("training.learning_rate", learningRate);
    // A training report written before the schedule existed has none: those runs trained at a constant rate. (The
    // config loader refuses a missing key before this constructor runs.)
    learningRateSchedule = Objects.requireNonNullElse(learningRateSchedule, LearningRateSchedule.CONSTANT);
    // Reports from before clipping existed read 0: those runs did not clip.
    Check.finiteNonNegative("training.clip_grad_norm", clipGradNorm);
    Check.positive("training.log_every", logEvery);
    Check.positive("training.embedding_dim", embeddingDim);
    hiddenSizes = List.copyOf(hiddenSizes);
    hiddenSizes.forEach(h -> Check.positive("training.hidden_sizes", h));
    Check.positive("training.output_dim", outputDim);
    Check.positive("training.temperature", temperature);
    // A training report written before the key existed has none: those runs applied the exact correction.
    logqWeight = Objects.requireNonNullElse(logqWeight, 1.0);
    Check.finiteNonNegative("training.logq_weight", logqWeight);
    Check.fraction("training.id_dropout", idDropout, true);
    if (uniformNegatives < 0) {
      throw new IllegalArgumentException("training.uniform_negatives must be >= 0, got " + uniformNegatives);
    }
    // A training report written before the key existed has none: those runs trained one two-tower model.
    twoTowerModels = Objects.requireNonNullElse(twoTowerModels, 1);
    Check.positive("training.two_tower_models", twoTowerModels);
    Check.nonBlank("training.gate_metric", gateMetric);
    Check.finiteNonNegative("training.gate_margin", gateMargin);
    Objects.requireNonNull(ranker, "training.ranker (dlrm | xgboost)");
    Check.finiteNonNegative("training.ranker_weight", rankerWeight);
    // A training report written before the key existed has none: its DLRM trained as long and as wide as the
    // two-tower.
    dlrm = Objects.requireNonNullElse(dlrm, new DlrmTrainingConfig(epochs, embeddingDim));
    Objects.requireNonNull(xgboost, "training.xgboost");
    // A training report written before the key existed has none: its ALS ran with these settings (its rank was the
    // output width, 32 in every configuration then).
    als = Objects.requireNonNullElse(als, AlsConfig.DEFAULTS);
    Objects.requireNonNull(device, "training.device");
  }

  /**
   * The settings without the schedule, clipping, log-q weight, uniform-negatives, two-tower-models,
   * fit-on-validation, ranker, DLRM, ALS and device keys: a constant learning rate, unclipped gradients, the exact
   * log-q correction, in-batch negatives only, one two-tower model, the train window alone, the DLRM ranks with
   * weight 1 and trains as long and as wide as the two-tower, XGBoost and ALS have their defaults, DJL runs on CPU.
   */
  public TrainingConfig(int seed, int epochs, int batchSize, double learningRate, int logEvery, int embeddingDim,
      List<Integer> hiddenSizes, int outputDim, double temperature, double idDropout, String gateMetric,
      double gateMargin) {
    this(seed, epochs, batchSize, learningRate, LearningRateSchedule.CONSTANT, 0, logEvery, embeddingDim,
        hiddenSizes, outputDim, temperature, 1.0, idDropout, 0, 1, false, gateMetric, gateMargin, Ranker.DLRM, 1.0,
        new DlrmTrainingConfig(epochs, embeddingDim), XgboostConfig.DEFAULTS, AlsConfig.DEFAULTS, Device.CPU);
  }

  /** Returns a copy that trains both DJL models {@code epochs} epochs, at another batch size (benchmarks). */
  public TrainingConfig withEpochs(int epochs, int batchSize) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight,
        new DlrmTrainingConfig(epochs, dlrm.embeddingDim()), xgboost, als, device);
  }

  /** Returns a copy with another batch size. */
  public TrainingConfig withBatchSize(int batchSize) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight, dlrm, xgboost, als, device);
  }

  /** Returns a copy that draws {@code uniformNegatives} extra two-tower negatives per batch. */
  public TrainingConfig withUniformNegatives(int uniformNegatives) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight, dlrm, xgboost, als, device);
  }

  /** Returns a copy that fits the models on the validation window too, or not. */
  public TrainingConfig withFitOnValidation(boolean fitOnValidation) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight, dlrm, xgboost, als, device);
  }

  /** Returns a copy that trains and exports an ensemble of {@code twoTowerModels} two-tower models. */
  public TrainingConfig withTwoTowerModels(int twoTowerModels) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight, dlrm, xgboost, als, device);
  }

  /** Returns a copy that gates and exports {@code ranker}, with other XGBoost settings. */
  public TrainingConfig withRanker(Ranker ranker, XgboostConfig xgboost) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight, dlrm, xgboost, als, device);
  }

  /** Returns a copy whose DLRM trains {@code dlrm}'s epochs at its width. */
  public TrainingConfig withDlrm(DlrmTrainingConfig dlrm) {
    return new TrainingConfig(seed, epochs, batchSize, learningRate, learningRateSchedule, clipGradNorm, logEvery,
        embeddingDim, hiddenSizes, outputDim, temperature, logqWeight, idDropout, uniformNegatives, twoTowerModels,
        fitOnValidation, gateMetric, gateMargin, ranker, rankerWeight, dlrm, xgboost, als, device);
  }
}
