package dev.recsys.pipelines.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mean and std from exact sums: the same bits for any split into partitions and any merge order (where plain double
 * sums differ), and the right values.
 */
class ExactMomentsTest {

  private static final List<String> NAMES = List.of("wide", "tiny");

  /** Values whose double sums depend on the order: magnitudes from 1e-6 to 1e6 in one feature. */
  private static List<float[]> rows(int n, long seed) {
    Random rng = new Random(seed);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new float[] {(float) (Math.pow(10, rng.nextInt(13) - 6) * rng.nextGaussian()),
          (float) (1e-3 * rng.nextFloat())});
    }
    return out;
  }

  /** Splits rows into {@code parts} contiguous partitions, accumulates each, merges them in {@code order}. */
  private static ExactMoments partitioned(List<float[]> rows, int parts, List<Integer> order) {
    List<ExactMoments> partials = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      ExactMoments m = new ExactMoments(NAMES);
      for (int i = p * rows.size() / parts; i < (p + 1) * rows.size() / parts; i++) {
        m.add(rows.get(i));
      }
      partials.add(m);
    }
    ExactMoments total = new ExactMoments(NAMES);
    for (int p : order) {
      total.merge(partials.get(p));
    }
    return total;
  }

  private static List<Integer> shuffled(int n, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    return order;
  }

  @Test
  void sameBitsForAnyPartitioningWherePlainDoubleSumsDiffer() {
    List<float[]> rows = rows(20_000, 7);
    ExactMoments one = partitioned(rows, 1, List.of(0));
    List<float[]> reversed = new ArrayList<>(rows);
    Collections.reverse(reversed);
    for (ExactMoments other : List.of(partitioned(rows, 8, shuffled(8, 1)), partitioned(rows, 24, shuffled(24, 2)),
        partitioned(reversed, 5, shuffled(5, 3)))) {
      assertEquals(rows.size(), other.count());
      assertArrayEquals(one.means(), other.means());
      assertArrayEquals(one.stds(), other.stds());
    }
    // The data is such that the order matters to a plain double sum, so the test above can fail.
    double forward = 0;
    double backward = 0;
    for (int i = 0; i < rows.size(); i++) {
      forward += rows.get(i)[0];
      backward += rows.get(rows.size() - 1 - i)[0];
    }
    assertNotEquals(forward, backward);
  }

  @Test
  void meanAndPopulationStd() {
    ExactMoments m = new ExactMoments(NAMES);
    m.add(new float[] {1, 0.5f}).add(new float[] {2, 0.5f}).add(new float[] {3, 0.5f}).add(new float[] {6, 0.5f});
    assertArrayEquals(new double[] {3, 0.5}, m.means());
    assertArrayEquals(new double[] {Math.sqrt(3.5), 0}, m.stds());

    // A large offset: sumSq/n - mean^2 in doubles loses the variance; the exact sums keep it.
    ExactMoments offset = new ExactMoments(NAMES);
    for (float v : new float[] {1e7f, 1e7f + 1, 1e7f + 2, 1e7f + 3}) {
      offset.add(new float[] {v, 0});
    }
    assertEquals(Math.sqrt(1.25), offset.stds()[0], 1e-15);
  }

  @Test
  void noRowsIsTheIdentityAndBadValuesAreRefusedByName() {
    ExactMoments empty = new ExactMoments(NAMES);
    assertArrayEquals(new double[] {0, 0}, empty.means());
    assertArrayEquals(new double[] {1, 1}, empty.stds());

    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> new ExactMoments(NAMES).add(new float[] {1, Float.NaN}));
    assertTrue(nan.getMessage().contains("feature tiny is NaN"), nan.getMessage());
    IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
        () -> new ExactMoments(NAMES).add(new float[] {1}));
    assertEquals("expects 2 features [wide, tiny] but received 1", width.getMessage());
  }
}
