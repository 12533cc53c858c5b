package dev.recsys.pipelines.train;

import java.util.Arrays;
import java.util.BitSet;
import java.util.PriorityQueue;

/** Exact top-k selection over a score per catalogue row. */
final class TopK {

  private TopK() {}

  /**
   * Returns the rows of the {@code k} highest {@code scores}, best first, skipping {@code excluded} rows and rows
   * scored NaN; ties go to the lower row, so rankings are deterministic.
   */
  static long[] of(float[] scores, int k, BitSet excluded) {
    // Min-heap on (score, -row): its head is the weakest of the kept rows.
    PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1, (a, b) -> {
      int c = Float.compare(scores[a], scores[b]);
      return c != 0 ? c : Integer.compare(b, a);
    });
    for (int row = 0; row < scores.length; row++) {
      if (excluded.get(row) || Float.isNaN(scores[row])) {
        continue;
      }
      heap.add(row);
      if (heap.size() > k) {
        heap.poll();
      }
    }
    long[] out = new long[heap.size()];
    for (int i = out.length - 1; i >= 0; i--) {
      out[i] = heap.poll();
    }
    return out;
  }

  /** Returns the inner product of {@code user} with every item vector. */
  static float[] innerProducts(float[] user, float[][] items) {
    float[] out = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      float s = 0;
      float[] v = items[i];
      for (int j = 0; j < v.length; j++) {
        s += user[j] * v[j];
      }
      out[i] = s;
    }
    return out;
  }

  /** Returns {@code rows} reordered by descending {@code scores} (parallel arrays), ties by the original order. */
  static long[] reorder(long[] rows, float[] scores) {
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    long[] out = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[order[i]];
    }
    return out;
  }
}
