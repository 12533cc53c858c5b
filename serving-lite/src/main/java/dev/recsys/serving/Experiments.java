package dev.recsys.serving;

import dev.recsys.features.config.ServingConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Assigns users to the variants of an A/B experiment: the SHA-256 of {@code experiment name + '/' + user id} gives
 * a point in [0, 1) that falls into the variants' cumulative weight ranges, so a user stays in one variant across
 * requests, restarts and servers, and a new experiment name reshuffles everyone.
 */
public final class Experiments {

  private final ServingConfig.Experiment experiment;
  private final double totalWeight;

  public Experiments(ServingConfig.Experiment experiment) {
    this.experiment = experiment;
    this.totalWeight = experiment.variants().stream().mapToDouble(ServingConfig.Variant::weight).sum();
  }

  /** Returns the variant of {@code userId}. */
  public ServingConfig.Variant assign(String userId) {
    double point = unit(experiment.name() + "/" + userId) * totalWeight;
    double upTo = 0;
    for (ServingConfig.Variant v : experiment.variants()) {
      upTo += v.weight();
      if (point < upTo) {
        return v;
      }
    }
    return experiment.variants().get(experiment.variants().size() - 1);
  }

  /** Returns the experiment name. */
  public String name() {
    return experiment.name();
  }

  private static double unit(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 7; i++) {
        bits = (bits << 8) | (h[i] & 0xff);
      }
      return (double) bits / (1L << 56);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
