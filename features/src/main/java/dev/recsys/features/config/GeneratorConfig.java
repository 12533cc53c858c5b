package dev.recsys.features.config;

import java.io.Serializable;

/**
 * The synthetic e-commerce data set: {@code events} clean events from {@code users} users over {@code items}
 * items in {@code categories} categories, spread over the {@code days} days before the run date, plus a
 * {@code dirty_share} of dirty rows of every kind and {@code bots} bot users.
 */
public record GeneratorConfig(
    long seed,
    long events,
    int users,
    int items,
    int categories,
    int days,
    double dirtyShare,
    int bots,
    int partitions) implements Serializable {

  public GeneratorConfig {
    Check.positive("generator.events", events);
    Check.positive("generator.users", users);
    Check.positive("generator.items", items);
    Check.positive("generator.categories", categories);
    Check.positive("generator.days", days);
    Check.fraction("generator.dirty_share", dirtyShare, true);
    Check.nonNegative("generator.bots", bots);
    Check.positive("generator.partitions", partitions);
    if (categories > items) {
      throw new IllegalArgumentException(
          "generator.categories (" + categories + ") must not exceed generator.items (" + items + ")");
    }
  }

  public GeneratorConfig withScale(long events, int users, int items) {
    return new GeneratorConfig(seed, events, users, items, Math.min(categories, items), days, dirtyShare, bots,
        partitions);
  }

  public GeneratorConfig withSeed(long seed) {
    return new GeneratorConfig(seed, events, users, items, categories, days, dirtyShare, bots, partitions);
  }
}
