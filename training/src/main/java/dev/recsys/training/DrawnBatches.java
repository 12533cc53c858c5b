package dev.recsys.training;

import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

/** Batches drawn from a seeded random source, for the synthetic data sets. */
final class DrawnBatches {

  private DrawnBatches() {}

  /**
   * Returns {@code count} batches made by {@code draw} from one {@code Random} seeded with {@code seed}: every
   * iteration starts the source over, so it yields the same batches.
   */
  static <B> Iterable<B> of(int count, long seed, Function<Random, B> draw) {
    return () -> {
      Random random = new Random(seed);
      return Stream.generate(() -> draw.apply(random)).limit(count).iterator();
    };
  }
}
