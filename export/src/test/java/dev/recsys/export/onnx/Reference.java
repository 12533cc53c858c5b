package dev.recsys.export.onnx;

import java.util.List;
import java.util.Random;

/** Plain-Java forward passes that spell out what the ONNX graphs must compute, plus random weights for tests. */
final class Reference {

  private Reference() {}

  static EmbeddingTable table(Random r, int rows, int dim) {
    return new EmbeddingTable(gaussian(r, rows * dim), rows, dim);
  }

  static DenseLayer layer(Random r, int in, int out) {
    return new DenseLayer(gaussian(r, in * out), gaussian(r, out), in, out);
  }

  static float[] gaussian(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * 0.5);
    }
    return a;
  }

  /** Returns the user vectors [B, D] for user_idx [B], user_dense [B, Du], hist_items [B, H]. */
  static float[] userTower(UserTowerWeights w, long[] userIdx, float[] dense, long[] hist, int history) {
    int b = userIdx.length;
    float[] out = new float[b * w.outputDim()];
    for (int i = 0; i < b; i++) {
      float[] x = concat(
          row(w.userIds(), userIdx[i]),
          meanPool(w.itemIds(), hist, i * history, history),
          slice(dense, i * w.denseDim(), w.denseDim()));
      float[] y = normalise(mlp(x, w.hidden(), w.projection()));
      System.arraycopy(y, 0, out, i * y.length, y.length);
    }
    return out;
  }

  /** Returns the item vectors [B, D] for item_idx [B], item_cat [B], item_dense [B, Di], item_tokens [B, T]. */
  static float[] itemTower(ItemTowerWeights w, long[] itemIdx, long[] cat, float[] dense, long[] tokens, int t) {
    int b = itemIdx.length;
    float[] out = new float[b * w.outputDim()];
    for (int i = 0; i < b; i++) {
      float[] x = concat(
          row(w.itemIds(), itemIdx[i]),
          row(w.categories(), cat[i]),
          meanPool(w.tokens(), tokens, i * t, t),
          slice(dense, i * w.denseDim(), w.denseDim()));
      float[] y = normalise(mlp(x, w.hidden(), w.projection()));
      System.arraycopy(y, 0, out, i * y.length, y.length);
    }
    return out;
  }

  /** Returns the probabilities [B, heads] (click, then purchase) for dense [B, Dd] and sparse [B, S]. */
  static float[][] dlrm(DlrmWeights w, float[] dense, long[] sparse) {
    int s = w.tables().size();
    int b = sparse.length / s;
    float[][] probs = new float[b][];
    for (int i = 0; i < b; i++) {
      float[] bottom = slice(dense, i * w.denseDim(), w.denseDim());
      for (DenseLayer l : w.bottom()) {
        bottom = relu(apply(l, bottom));
      }
      float[][] vectors = new float[s + 1][];
      vectors[0] = bottom;
      for (int k = 0; k < s; k++) {
        vectors[k + 1] = row(w.tables().get(k), sparse[i * s + k]);
      }
      float[] pairs = new float[(s + 1) * s / 2];
      int p = 0;
      for (int a = 0; a <= s; a++) {
        for (int c = a + 1; c <= s; c++) {
          float dot = 0;
          for (int d = 0; d < bottom.length; d++) {
            dot += vectors[a][d] * vectors[c][d];
          }
          pairs[p++] = dot;
        }
      }
      float[] logits = mlp(concat(bottom, pairs), w.topHidden(), w.head());
      probs[i] = new float[logits.length];
      for (int h = 0; h < logits.length; h++) {
        probs[i][h] = (float) (1 / (1 + Math.exp(-logits[h])));
      }
    }
    return probs;
  }

  private static float[] mlp(float[] x, List<DenseLayer> hidden, DenseLayer last) {
    float[] h = x;
    for (DenseLayer l : hidden) {
      h = relu(apply(l, h));
    }
    return apply(last, h);
  }

  private static float[] apply(DenseLayer l, float[] x) {
    float[] y = new float[l.out()];
    for (int o = 0; o < l.out(); o++) {
      double acc = l.bias()[o];
      for (int k = 0; k < l.in(); k++) {
        acc += l.weight()[o * l.in() + k] * x[k];
      }
      y[o] = (float) acc;
    }
    return y;
  }

  private static float[] relu(float[] x) {
    float[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(0, y[i]);
    }
    return y;
  }

  private static float[] normalise(float[] x) {
    double sq = 0;
    for (float v : x) {
      sq += v * v;
    }
    double norm = Math.max(Math.sqrt(sq), OnnxGraphs.NORM_EPSILON);
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) (x[i] / norm);
    }
    return y;
  }

  private static float[] meanPool(EmbeddingTable t, long[] ids, int from, int length) {
    float[] sum = new float[t.dim()];
    int count = 0;
    for (int k = from; k < from + length; k++) {
      if (ids[k] > 0) {
        float[] r = row(t, ids[k]);
        for (int d = 0; d < sum.length; d++) {
          sum[d] += r[d];
        }
        count++;
      }
    }
    for (int d = 0; d < sum.length; d++) {
      sum[d] /= Math.max(count, 1);
    }
    return sum;
  }

  private static float[] row(EmbeddingTable t, long id) {
    return slice(t.data(), (int) id * t.dim(), t.dim());
  }

  private static float[] slice(float[] a, int from, int length) {
    float[] s = new float[length];
    System.arraycopy(a, from, s, 0, length);
    return s;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
