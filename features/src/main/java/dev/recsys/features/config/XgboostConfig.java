package dev.recsys.features.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The XGBoost ranker ({@code rank:ndcg} on the DLRM's ranking rows, one group per request).
 *
 * @param device {@code cpu}, or {@code cuda}, which is refused at training time unless a GPU and the GPU build
 *     of XGBoost are present (a CUDA request to the CPU build aborts the JVM)
 * @param numWorkers XGBoost workers, one barrier task each; the Spark application needs at least this many task
 *     slots, or training waits forever, so it is checked before training
 * @param rounds boosting rounds (trees)
 * @param maxDepth maximum depth of each tree
 * @param eta learning rate (shrinkage of each tree), in (0, 1]
 */
public record XgboostConfig(Device device, int numWorkers, int rounds, int maxDepth, double eta)
    implements Serializable {

  /** Where XGBoost builds its trees. */
  public enum Device {
    CPU,
    CUDA;

    /** Returns the name XGBoost's {@code device} parameter takes. */
    public String xgboostName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The defaults of {@code conf/base.yaml}, for callers that build a {@link TrainingConfig} in code. */
  public static final XgboostConfig DEFAULTS = new XgboostConfig(Device.CPU, 1, 100, 6, 0.1);

  public XgboostConfig {
    Objects.requireNonNull(device, "training.xgboost.device (cpu | cuda)");
    Check.positive("training.xgboost.num_workers", numWorkers);
    Check.positive("training.xgboost.rounds", rounds);
    Check.positive("training.xgboost.max_depth", maxDepth);
    if (!(eta > 0 && eta <= 1)) {
      throw new IllegalArgumentException("training.xgboost.eta must be in (0, 1], got " + eta);
    }
  }
}
