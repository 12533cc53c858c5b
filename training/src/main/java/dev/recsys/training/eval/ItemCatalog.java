package dev.recsys.training.eval;

import java.util.HashMap;
import java.util.Map;

/**
 * The item catalogue the list metrics refer to: its size, for coverage, and how often each item occurred in the
 * training data, for novelty.
 */
public final class ItemCatalog {

  private final long size;
  private final Map<Long, Long> trainCounts;
  private final double total;

  /**
   * Creates a catalogue of {@code size} items with the training interaction count of each item seen in training.
   * Fails when a count is not positive or the counts name more items than the catalogue holds.
   */
  public ItemCatalog(long size, Map<Long, Long> trainCounts) {
    if (size <= 0) {
      throw new IllegalArgumentException("catalog size must be > 0, got " + size);
    }
    if (trainCounts.size() > size) {
      throw new IllegalArgumentException("catalog size is " + size + " but the training counts name "
          + trainCounts.size() + " items");
    }
    long total = 0;
    for (Map.Entry<Long, Long> e : trainCounts.entrySet()) {
      if (e.getValue() <= 0) {
        throw new IllegalArgumentException("training count of item " + e.getKey() + " must be > 0, got "
            + e.getValue());
      }
      total += e.getValue();
    }
    if (total == 0) {
      throw new IllegalArgumentException("training counts are empty: novelty needs item popularity");
    }
    this.size = size;
    this.trainCounts = new HashMap<>(trainCounts);
    this.total = total;
  }

  /** Returns the number of items in the catalogue. */
  public long size() {
    return size;
  }

  /**
   * Returns the self-information -log2(count / total) of {@code item}'s share of training interactions, in bits.
   * An item absent from training counts as seen once, the rarest finite share, rather than giving infinity.
   */
  public double selfInformation(long item) {
    return -Math.log(trainCounts.getOrDefault(item, 1L) / total) / Math.log(2);
  }
}
