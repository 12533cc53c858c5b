package dev.recsys.training;

import java.util.Iterator;

/**
 * The training batches of each epoch, so a source can show every epoch its own (seeded) order and a resumed run
 * gets the order of the epoch it resumes at.
 */
@FunctionalInterface
public interface EpochBatches<B> {

  /** Returns the batches of {@code epoch} (1 for the first), starting the data over. */
  Iterator<B> epoch(int epoch);

  /** Returns {@code batches} in the same order every epoch. */
  static <B> EpochBatches<B> of(Iterable<B> batches) {
    return epoch -> batches.iterator();
  }
}
