package dev.recsys.training.eval;

/**
 * The paired difference of one per-user metric between two models evaluated on the same users.
 *
 * @param metric the compared metric, higher is better
 * @param a the first model
 * @param b the second model
 * @param diff mean over users of {@code a - b}
 * @param ciLow lower end of the 95% paired bootstrap interval of {@code diff}
 * @param ciHigh upper end of that interval
 * @param beats whether {@code a} beats {@code b}: the whole interval is above zero
 * @param n the number of users both models were evaluated on
 */
public record Comparison(
    String metric, String a, String b, double diff, double ciLow, double ciHigh, boolean beats, int n) {

  public Comparison {
    if (beats != (ciLow > 0)) {
      throw new IllegalArgumentException("beats must be true exactly when ci_low > 0, got beats=" + beats
          + " with ci_low " + ciLow);
    }
  }

  /** Returns the comparison of {@code a} with {@code b} on {@code metric} from the paired interval of a - b. */
  public static Comparison of(String metric, String a, String b, Interval difference) {
    return new Comparison(metric, a, b, difference.estimate(), difference.low(), difference.high(),
        difference.above(0), difference.n());
  }

  /** Returns whether {@code b} beats {@code a}: the whole interval is below zero. */
  public boolean beaten() {
    return ciHigh < 0;
  }
}
