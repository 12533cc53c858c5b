package dev.recsys.serving;

import dev.recsys.features.schema.Event;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.UserAggregates;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The events received through {@code /feedback} since the bundle's snapshot, per user, kept in memory so the
 * next recommendation reflects them. Events are stored by item id, not by item row, so they stay valid across a
 * bundle swap; those at or before a snapshot's as-of instant are already in its aggregates and are skipped.
 */
public final class RecentActivity {

  private final int maxEventsPerUser;
  private final Map<String, Deque<Event>> byUser = new ConcurrentHashMap<>();

  /** Returns an empty store keeping the latest {@code maxEventsPerUser} events of each user. */
  public RecentActivity(int maxEventsPerUser) {
    this.maxEventsPerUser = maxEventsPerUser;
  }

  /** Records one event of its user. */
  public void add(Event e) {
    // compute() is atomic per key, so a concurrent prune cannot drop the deque this event goes into.
    byUser.compute(e.userId(), (user, events) -> {
      Deque<Event> d = events == null ? new ArrayDeque<>() : events;
      synchronized (d) {
        d.addLast(e);
        if (d.size() > maxEventsPerUser) {
          d.removeFirst();
        }
      }
      return d;
    });
  }

  /** Returns the user's events after {@code afterMs}, oldest first by timestamp. */
  public List<Event> since(String userId, long afterMs) {
    Deque<Event> events = byUser.get(userId);
    if (events == null) {
      return List.of();
    }
    List<Event> out = new ArrayList<>();
    synchronized (events) {
      for (Event e : events) {
        if (e.ts().toEpochMilli() > afterMs) {
          out.add(e);
        }
      }
    }
    out.sort((a, b) -> a.ts().compareTo(b.ts()));
    return out;
  }

  /**
   * Drops events at or before {@code asOfMs}, which a newly loaded snapshot already counts, and users left
   * without events; this is what bounds the store between bundles.
   */
  public void prune(long asOfMs) {
    for (String user : byUser.keySet()) {
      byUser.computeIfPresent(user, (u, events) -> {
        synchronized (events) {
          events.removeIf(e -> e.ts().toEpochMilli() <= asOfMs);
          return events.isEmpty() ? null : events;
        }
      });
    }
  }

  /** Returns how many users have recent events in memory. */
  public int users() {
    return byUser.size();
  }

  /**
   * Returns the aggregates {@code u} updated with {@code events} (oldest first), as the Spark job would count
   * them: the event type's count, distinct items, the last event time, spend on purchases, the item's category
   * count and the item prepended to the history (capped at {@code historyLength}). Items the snapshot does not
   * know are counted but left out of the history.
   */
  public static UserAggregates apply(UserAggregates u, List<Event> events, FeatureSnapshots.Items items,
      int historyLength) {
    long[] counts = {u.views(), u.clicks(), u.carts(), u.purchases(), u.favorites(), u.ratings()};
    long unique = u.uniqueItems();
    long last = u.lastEventMs();
    double spend = u.spend();
    float[] categories = u.categoryCounts().clone();
    int[] history = u.history();
    for (Event e : events) {
      counts[e.type().ordinal()]++;
      last = Math.max(last, e.ts().toEpochMilli());
      if (e.type() == EventType.PURCHASE && e.value() != null) {
        spend += e.value();
      }
      int row = items.find(e.itemId());
      if (row < 0) {
        continue;
      }
      int idx = items.itemIdx(row);
      if (!contains(history, idx)) {
        unique++;
      }
      int category = items.aggregates(row).category();
      if (category >= 0 && category < categories.length) {
        categories[category]++;
      }
      int[] next = new int[Math.min(historyLength, history.length + 1)];
      next[0] = idx;
      System.arraycopy(history, 0, next, 1, next.length - 1);
      history = next;
    }
    return new UserAggregates(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], unique, last, spend,
        categories, history);
  }

  private static boolean contains(int[] values, int v) {
    return Arrays.stream(values).anyMatch(x -> x == v);
  }
}
