package dev.recsys.features.config;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the recommend server answers: the retrieval pool size, the business rules (diversity and freshness), bundle
 * watching, the worker pool, the API key's environment variable, feedback time slices and the A/B experiment.
 *
 * @param retrievalPool candidates FAISS returns per request, all ranked in one batch
 * @param maxPerCategoryTop10 at most this many items of one category among the first ten
 * @param freshnessBoost {@code a} in {@code score * (1 + a * exp(-age_days / tau))}; 0 turns the boost off
 * @param freshnessTauDays {@code tau} of the same formula, in days
 * @param watchIntervalMs how often the bundles root's {@code CURRENT} file is polled for a new bundle
 * @param verifyChecksums whether loading a bundle reads every file and checks its SHA-256 (else sizes only)
 * @param onnxThreads intra-op threads of each ONNX Runtime call
 * @param onnxDevice where ONNX Runtime runs the towers and the ranker: {@code cpu}, or {@code cuda} (its CUDA
 *     execution provider, device 0; needs the onnxruntime_gpu jar, which {@code ./recsys serve} uses with the gpu
 *     overlay, and a GPU, else loading a bundle fails with a message)
 * @param faissNprobe inverted lists an IVF index search visits (ignored by other index types)
 * @param workers request threads doing model work; 0 means one per core
 * @param queue requests that may wait for a worker; beyond it the server answers 503 at once
 * @param apiKeyEnv the environment variable holding the key that {@code /feedback} and admin routes require
 * @param serverId names this server's feedback files ({@code part-<server_id>.jsonl})
 * @param feedbackSliceMinutes feedback files start a new batch folder every this many minutes
 * @param experiment the A/B experiment users are split into
 */
public record ServingConfig(
    int retrievalPool,
    int maxPerCategoryTop10,
    double freshnessBoost,
    double freshnessTauDays,
    long watchIntervalMs,
    boolean verifyChecksums,
    int onnxThreads,
    OnnxDevice onnxDevice,
    int faissNprobe,
    int workers,
    int queue,
    String apiKeyEnv,
    String serverId,
    int feedbackSliceMinutes,
    Experiment experiment) implements Serializable {

  /** How a variant orders the retrieved candidates. */
  public enum Ranker {
    /** By the DLRM click probability. */
    DLRM,
    /** By the two-tower retrieval score alone. */
    RETRIEVAL_ONLY
  }

  /** Where ONNX Runtime runs a session. */
  public enum OnnxDevice {
    /** The default CPU execution provider. */
    CPU,
    /** The CUDA execution provider on device 0 (ONNX Runtime falls back to CPU per node it cannot place). */
    CUDA
  }

  /** One arm of the experiment: its name, its share of users (weights are relative) and its ranker. */
  public record Variant(String name, double weight, Ranker ranker) implements Serializable {
    public Variant {
      Check.nonBlank("serving.experiment.variants.name", name);
      Check.positive("serving.experiment.variants[" + name + "].weight", weight);
      Objects.requireNonNull(ranker, "serving.experiment.variants[" + name + "].ranker");
    }
  }

  /** An experiment: users are hashed with {@code name} into {@code variants} by weight. */
  public record Experiment(String name, List<Variant> variants) implements Serializable {
    public Experiment {
      Check.nonBlank("serving.experiment.name", name);
      if (variants == null || variants.isEmpty()) {
        throw new IllegalArgumentException("serving.experiment.variants must list at least one variant");
      }
      variants = List.copyOf(variants);
      Set<String> names = new HashSet<>();
      for (Variant v : variants) {
        if (!names.add(v.name())) {
          throw new IllegalArgumentException("serving.experiment.variants lists '" + v.name() + "' twice");
        }
      }
    }
  }

  public ServingConfig {
    Check.positive("serving.retrieval_pool", retrievalPool);
    Check.positive("serving.max_per_category_top10", maxPerCategoryTop10);
    if (!(freshnessBoost >= 0)) {
      throw new IllegalArgumentException("serving.freshness_boost must not be negative, got " + freshnessBoost);
    }
    Check.positive("serving.freshness_tau_days", freshnessTauDays);
    Check.positive("serving.watch_interval_ms", watchIntervalMs);
    Check.positive("serving.onnx_threads", onnxThreads);
    Objects.requireNonNull(onnxDevice, "serving.onnx_device");
    Check.positive("serving.faiss_nprobe", faissNprobe);
    Check.nonNegative("serving.workers", workers);
    Check.nonNegative("serving.queue", queue);
    Check.nonBlank("serving.api_key_env", apiKeyEnv);
    Check.nonBlank("serving.server_id", serverId);
    if (!serverId.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("serving.server_id must be letters, digits, '_', '.' or '-', got '"
          + serverId + "'");
    }
    Check.positive("serving.feedback_slice_minutes", feedbackSliceMinutes);
    if (60 % feedbackSliceMinutes != 0) {
      throw new IllegalArgumentException("serving.feedback_slice_minutes must divide 60, got " + feedbackSliceMinutes);
    }
    Objects.requireNonNull(experiment, "serving.experiment");
  }

  /** Returns {@link #workers}, or the number of cores when it is 0. */
  public int workerThreads() {
    return workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
  }
}
