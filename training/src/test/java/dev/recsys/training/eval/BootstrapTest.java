package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  /** Returns n draws of a skewed per-user metric: 0 for 70% of users, else uniform in (0, 1]. */
  private static double[] metric(int n, long seed) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextDouble() < 0.7 ? 0 : random.nextDouble();
    }
    return v;
  }

  @Test
  void theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
    double[] v = metric(500, 1);
    assertEquals(new Bootstrap(1000, 7).mean(v), new Bootstrap(1000, 7).mean(v));
    assertNotEquals(new Bootstrap(1000, 7).mean(v), new Bootstrap(1000, 8).mean(v));
  }

  @Test
  void theIntervalContainsTheMeanAndShrinksWithMoreUsers() {
    Bootstrap bootstrap = Bootstrap.defaults();
    Interval small = bootstrap.mean(metric(100, 2));
    Interval large = bootstrap.mean(metric(10_000, 2));
    for (Interval i : List.of(small, large)) {
      assertTrue(i.contains(i.estimate()), i.toString());
      assertTrue(i.width() > 0, i.toString());
    }
    assertEquals(100, small.n());
    // The standard error falls as 1/sqrt(n): 100x the users, about a tenth of the width.
    assertTrue(large.width() < small.width() / 5, small + " vs " + large);
    // The true mean of the metric is 0.3 * 0.5 = 0.15.
    assertTrue(large.contains(0.15), large.toString());
  }

  @Test
  void theMeanIsExactAndAConstantHasAZeroWidthInterval() {
    Interval i = Bootstrap.defaults().mean(new double[] {0.25, 0.25, 0.25, 0.25});
    assertEquals(new Interval(0.25, 0.25, 0.25, 4), i);
    assertEquals(0.5, Bootstrap.defaults().mean(new double[] {0, 1}).estimate());
  }

  @Test
  void metricsBootstrappedTogetherMatchEachBootstrappedAlone() {
    Bootstrap bootstrap = new Bootstrap(200, 3);
    double[] a = metric(300, 4);
    double[] b = metric(300, 5);
    assertEquals(List.of(bootstrap.mean(a), bootstrap.mean(b)), bootstrap.means(List.of(a, b)));
  }

  @Test
  void pairedDifferenceDetectsASmallConsistentGainThatUnpairedIntervalsMiss() {
    // Users differ a lot from one another; model a adds 0.02 to every user's value of model b, plus a little noise.
    Random random = new Random(6);
    int n = 400;
    double[] b = new double[n];
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = random.nextDouble();
      a[i] = b[i] + 0.02 + 0.01 * random.nextGaussian();
    }
    Bootstrap bootstrap = Bootstrap.defaults();
    Interval diff = bootstrap.pairedDifference(a, b);
    assertEquals(0.02, diff.estimate(), 0.003);
    assertTrue(diff.above(0), diff.toString());
    // Unpaired, the two means' intervals overlap: user-to-user spread swamps the gain.
    assertTrue(bootstrap.mean(a).low() < bootstrap.mean(b).high());
  }

  @Test
  void pairedDifferenceOfEquivalentModelsContainsZero() {
    double[] a = metric(1000, 7);
    Interval identical = Bootstrap.defaults().pairedDifference(a, a.clone());
    assertEquals(new Interval(0, 0, 0, 1000), identical);
    // Two models whose per-user values are independent draws of the same distribution: no real difference.
    Interval independent = Bootstrap.defaults().pairedDifference(a, metric(1000, 8));
    assertTrue(independent.contains(0), independent.toString());
    assertFalse(independent.above(0), independent.toString());
  }
}
