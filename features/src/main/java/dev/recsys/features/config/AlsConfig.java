package dev.recsys.features.config;

import java.io.Serializable;

/**
 * The implicit ALS baseline (Spark MLlib), fitted on the positives of the fitted windows.
 *
 * @param rank width of the user and item factors
 * @param maxIter alternating least-squares iterations
 * @param regParam L2 regularisation of the factors
 * @param alpha confidence of an observed (user, item) pair per positive event
 */
public record AlsConfig(int rank, int maxIter, double regParam, double alpha) implements Serializable {

  /** The defaults of {@code conf/base.yaml}, for callers that build a {@link TrainingConfig} in code. */
  public static final AlsConfig DEFAULTS = new AlsConfig(32, 10, 0.1, 10);

  public AlsConfig {
    Check.positive("training.als.rank", rank);
    Check.positive("training.als.max_iter", maxIter);
    Check.finiteNonNegative("training.als.reg_param", regParam);
    if (!(alpha > 0 && Double.isFinite(alpha))) {
      throw new IllegalArgumentException("training.als.alpha must be a finite number > 0, got " + alpha);
    }
  }
}
