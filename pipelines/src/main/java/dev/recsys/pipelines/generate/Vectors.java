package dev.recsys.pipelines.generate;

import java.util.SplittableRandom;

/** Small dense-vector helpers for the latent tastes of the synthetic world. */
final class Vectors {

  private Vectors() {}

  static double normal(SplittableRandom rng) {
    // Box-Muller; 1 - u avoids log(0).
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  static float[] gaussian(SplittableRandom rng, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) normal(rng);
    }
    return v;
  }

  static float[] unit(float[] v) {
    double norm = Math.sqrt(dot(v, v));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
