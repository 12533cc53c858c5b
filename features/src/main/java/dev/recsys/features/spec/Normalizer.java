package dev.recsys.features.spec;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/** Standardises a dense vector feature by feature: {@code (x - mean) / std}, with std floored at 1e-6. */
public record Normalizer(List<String> names, double[] means, double[] stds) implements Serializable {

  public Normalizer {
    names = List.copyOf(names);
    if (means.length != names.size() || stds.length != names.size()) {
      throw new IllegalArgumentException("normalizer expects " + names.size() + " means and stds but received "
          + means.length + " and " + stds.length);
    }
  }

  /** Standardises {@code raw} in place and returns it. */
  public float[] apply(float[] raw) {
    if (raw.length != means.length) {
      throw new IllegalArgumentException("normalizer expects " + means.length + " features " + names
          + " but received " + raw.length);
    }
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (float) ((raw[i] - means[i]) / Math.max(stds[i], 1e-6));
    }
    return raw;
  }

  /** The identity, for fitting: features pass unchanged. */
  public static Normalizer identity(List<String> names) {
    double[] ones = new double[names.size()];
    Arrays.fill(ones, 1.0);
    return new Normalizer(names, new double[names.size()], ones);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalizer n && names.equals(n.names) && Arrays.equals(means, n.means)
        && Arrays.equals(stds, n.stds);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }
}
