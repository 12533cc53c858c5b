package dev.recsys.pipelines.generate;

import java.util.SplittableRandom;

/** Seed derivation: every user gets its own stream, so output does not depend on how work is partitioned. */
final class Seeds {

  private Seeds() {}

  /** A well-mixed 64-bit seed from a base seed and a stream id (SplitMix64 finaliser). */
  static long mix(long seed, long stream) {
    long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static int[] permutation(SplittableRandom rng, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
