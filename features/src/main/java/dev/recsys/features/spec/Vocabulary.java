package dev.recsys.features.spec;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps values to embedding indexes: 0 is padding, 1 is out-of-vocabulary, known values start at 2 in the order
 * given. Fitted in Spark, stored in {@link FeatureArtifacts}, used unchanged by training and serving.
 */
public final class Vocabulary implements Serializable {

  public static final int PAD = 0;
  public static final int OOV = 1;

  private final List<String> values;
  private final Map<String, Integer> index;

  public Vocabulary(List<String> values) {
    this.values = List.copyOf(values);
    this.index = new HashMap<>(values.size() * 2);
    for (int i = 0; i < this.values.size(); i++) {
      if (index.put(this.values.get(i), i + 2) != null) {
        throw new IllegalArgumentException("vocabulary lists '" + this.values.get(i) + "' twice");
      }
    }
  }

  /** The index of {@code value}; {@link #OOV} for unknown values and for null. */
  public int index(String value) {
    if (value == null) {
      return OOV;
    }
    Integer i = index.get(value);
    return i == null ? OOV : i;
  }

  /** Rows an embedding table for this vocabulary needs: padding, out-of-vocabulary and every value. */
  public int size() {
    return values.size() + 2;
  }

  public List<String> values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v && values.equals(v.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
