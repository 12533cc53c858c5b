package dev.recsys.features.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a ranked list is ordered: the two-tower logit of the candidate plus the ranker's logit, weighted,
 * {@code similarity / temperature + rankerWeight * logit(click_prob)}. The retrieval score carries what the user's
 * history says about the item; the ranker adds what the pair's features say. Re-ordering by the ranker alone threw
 * the first away (on MovieLens, whose rankers learn from ratings, the DLRM's order fell below popularity's). Evaluation and serving
 * both order by this; the bundle's manifest records its settings with the ranker ({@link #KEY}).
 *
 * @param temperature the two-tower's softmax temperature, which turns a similarity into its training logit
 * @param rankerWeight weight of the ranker's logit, >= 0
 */
public record FinalScore(double temperature, double rankerWeight) {

  /** The key of the ranker's manifest outputs that holds these settings. */
  public static final String KEY = "final_score";

  private static final double EPSILON = 1e-7;

  public FinalScore {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("final score temperature must be > 0, got " + temperature);
    }
    if (!(rankerWeight >= 0) || !Double.isFinite(rankerWeight)) {
      throw new IllegalArgumentException("final score ranker weight must be >= 0, got " + rankerWeight);
    }
  }

  /** Returns the score of a candidate with two-tower {@code similarity} and ranker {@code clickProb}. */
  public float score(float similarity, float clickProb) {
    double p = Math.min(Math.max(clickProb, EPSILON), 1 - EPSILON);
    return (float) (similarity / temperature + rankerWeight * Math.log(p / (1 - p)));
  }

  /** Returns the scores of candidates, {@code similarities} and {@code clickProbs} aligned. */
  public float[] scores(float[] similarities, float[] clickProbs) {
    if (similarities.length != clickProbs.length) {
      throw new IllegalArgumentException(similarities.length + " similarities but " + clickProbs.length
          + " ranker scores");
    }
    float[] out = new float[similarities.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = score(similarities[i], clickProbs[i]);
    }
    return out;
  }

  /** Returns the settings as the manifest records them. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("formula", "similarity / temperature + ranker_weight * logit(click_prob)");
    out.put("temperature", temperature);
    out.put("ranker_weight", rankerWeight);
    return out;
  }

  /** Returns the settings {@link #describe} wrote. */
  public static FinalScore read(Map<?, ?> described) {
    Object t = described.get("temperature");
    Object w = described.get("ranker_weight");
    if (!(t instanceof Number) || !(w instanceof Number)) {
      throw new IllegalArgumentException(KEY + " needs numeric temperature and ranker_weight, got " + described);
    }
    return new FinalScore(((Number) t).doubleValue(), ((Number) w).doubleValue());
  }
}
