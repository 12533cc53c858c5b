package dev.recsys.features.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The fitted state of a feature set, a versioned artifact that training and serving load from the same file:
 * the small vocabularies (categories, devices, placements, content tokens), price bucket edges, the history and
 * token lengths, and the normalisers of the dense feature groups. User and item id vocabularies are large and live
 * in the snapshot files as index columns.
 */
public record FeatureArtifacts(
    String featureSet,
    String version,
    int historyLength,
    int tokenLength,
    Vocabulary categories,
    Vocabulary devices,
    Vocabulary placements,
    Vocabulary tokens,
    double[] priceEdges,
    Normalizer userDense,
    Normalizer itemDense) implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  public FeatureArtifacts {
    Objects.requireNonNull(featureSet, "feature_set");
    Objects.requireNonNull(version, "version");
    if (!userDense.names().equals(Featurizers.USER_DENSE)) {
      throw new IllegalArgumentException("user normalizer is for " + userDense.names() + " but the featurizer makes "
          + Featurizers.USER_DENSE);
    }
    if (!itemDense.names().equals(Featurizers.ITEM_DENSE)) {
      throw new IllegalArgumentException("item normalizer is for " + itemDense.names() + " but the featurizer makes "
          + Featurizers.ITEM_DENSE);
    }
  }

  /** Price buckets: unknown, then one more than there are edges. */
  public int priceBuckets() {
    return priceEdges.length + 2;
  }

  public void write(OutputStream out) throws IOException {
    JSON.writeValue(out, new Stored(this));
  }

  public static FeatureArtifacts read(InputStream in) throws IOException {
    return JSON.readValue(in, Stored.class).artifacts();
  }

  /** The JSON shape: vocabularies as plain value lists. */
  private record Stored(String featureSet, String version, int historyLength, int tokenLength,
      List<String> categories, List<String> devices, List<String> placements, List<String> tokens,
      double[] priceEdges, Normalizer userDense, Normalizer itemDense) {

    Stored(FeatureArtifacts a) {
      this(a.featureSet, a.version, a.historyLength, a.tokenLength, a.categories.values(), a.devices.values(),
          a.placements.values(), a.tokens.values(), a.priceEdges, a.userDense, a.itemDense);
    }

    FeatureArtifacts artifacts() {
      return new FeatureArtifacts(featureSet, version, historyLength, tokenLength, new Vocabulary(categories),
          new Vocabulary(devices), new Vocabulary(placements), new Vocabulary(tokens), priceEdges, userDense,
          itemDense);
    }
  }
}
