package dev.recsys.features.spec;

import dev.recsys.features.snapshot.ColumnSpec;
import dev.recsys.features.snapshot.IntColumn;
import dev.recsys.features.snapshot.IntListColumn;
import dev.recsys.features.snapshot.LongColumn;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.snapshot.StringColumn;
import dev.recsys.features.snapshot.VectorColumn;
import java.util.List;

/**
 * The columns of the serving snapshots ({@code users.snap}, {@code items.snap}) and typed readers over them: the
 * server reads the same aggregates the Spark job computed, and calls the same {@link Featurizers}. Prices are
 * stored as the bits of the double (the format has no doubles) so that features match training exactly.
 */
public final class FeatureSnapshots {

  public static final String USERS_FILE = "users.snap";
  public static final String ITEMS_FILE = "items.snap";
  /** Metadata: the instant the aggregates are as of (epoch millis), and the feature set they belong to. */
  public static final String AS_OF_MS = "as_of_ms";
  public static final String FEATURE_SET = "feature_set";

  public static final String USER_IDX = "user_idx";
  public static final String VIEWS = "views";
  public static final String CLICKS = "clicks";
  public static final String CARTS = "carts";
  public static final String PURCHASES = "purchases";
  public static final String FAVORITES = "favorites";
  public static final String RATINGS = "ratings";
  public static final String UNIQUE_ITEMS = "unique_items";
  public static final String LAST_EVENT_MS = "last_event_ms";
  public static final String SPEND_CENTS = "spend_cents";
  public static final String CATEGORY_COUNTS = "category_counts";
  /** Item vocabulary indexes of the latest events, most recent first. */
  public static final String HISTORY = "history";
  /**
   * Rows in the item snapshot of every item the user had any event with (each once), so that answers leave out
   * everything consumed, as the evaluation does, not just the items of the latest {@link #HISTORY}.
   */
  public static final String SEEN_ROWS = "seen_rows";

  public static final String ITEM_IDX = "item_idx";
  public static final String CATEGORY_IDX = "category_idx";
  public static final String CATEGORY = "category";
  public static final String CREATED_MS = "created_ms";
  public static final String PRICE_BITS = "price_bits";
  public static final String ITEM_TOTAL = "item_total";
  public static final String ITEM_RECENT = "item_recent";
  public static final String ITEM_VIEWS = "item_views";
  public static final String ITEM_CLICKS = "item_clicks";
  public static final String ITEM_PURCHASES = "item_purchases";
  public static final String TOKENS = "tokens";

  private FeatureSnapshots() {}

  public static List<ColumnSpec> userColumns(int categories) {
    return List.of(ColumnSpec.ints(USER_IDX), ColumnSpec.longs(VIEWS), ColumnSpec.longs(CLICKS),
        ColumnSpec.longs(CARTS), ColumnSpec.longs(PURCHASES), ColumnSpec.longs(FAVORITES), ColumnSpec.longs(RATINGS),
        ColumnSpec.longs(UNIQUE_ITEMS), ColumnSpec.longs(LAST_EVENT_MS), ColumnSpec.longs(SPEND_CENTS),
        ColumnSpec.vector(CATEGORY_COUNTS, categories), ColumnSpec.intLists(HISTORY), ColumnSpec.intLists(SEEN_ROWS));
  }

  public static List<ColumnSpec> itemColumns() {
    return List.of(ColumnSpec.ints(ITEM_IDX), ColumnSpec.ints(CATEGORY_IDX), ColumnSpec.strings(CATEGORY),
        ColumnSpec.longs(CREATED_MS), ColumnSpec.longs(PRICE_BITS), ColumnSpec.longs(ITEM_TOTAL),
        ColumnSpec.longs(ITEM_RECENT), ColumnSpec.longs(ITEM_VIEWS), ColumnSpec.longs(ITEM_CLICKS),
        ColumnSpec.longs(ITEM_PURCHASES), ColumnSpec.intLists(TOKENS));
  }

  /** Reads user aggregates from a users snapshot; the column handles are resolved once. */
  public static final class Users {
    private final Snapshot snapshot;
    private final IntColumn userIdx;
    private final LongColumn[] counts;
    private final LongColumn uniqueItems;
    private final LongColumn lastEventMs;
    private final LongColumn spendCents;
    private final VectorColumn categoryCounts;
    private final IntListColumn history;
    private final IntListColumn seenRows;

    public Users(Snapshot snapshot) {
      this.snapshot = snapshot;
      this.userIdx = snapshot.intColumn(USER_IDX);
      this.counts = new LongColumn[] {snapshot.longColumn(VIEWS), snapshot.longColumn(CLICKS),
          snapshot.longColumn(CARTS), snapshot.longColumn(PURCHASES), snapshot.longColumn(FAVORITES),
          snapshot.longColumn(RATINGS)};
      this.uniqueItems = snapshot.longColumn(UNIQUE_ITEMS);
      this.lastEventMs = snapshot.longColumn(LAST_EVENT_MS);
      this.spendCents = snapshot.longColumn(SPEND_CENTS);
      this.categoryCounts = snapshot.vectorColumn(CATEGORY_COUNTS);
      this.history = snapshot.intListColumn(HISTORY);
      this.seenRows = snapshot.intListColumn(SEEN_ROWS);
    }

    public Snapshot snapshot() {
      return snapshot;
    }

    /** The row of a user id, or -1 for a user the snapshot does not know. */
    public int find(String userId) {
      return snapshot.find(userId);
    }

    public int userIdx(int row) {
      return userIdx.get(row);
    }

    /** The item snapshot rows of every item the user had an event with ({@link #SEEN_ROWS}). */
    public int[] seenRows(int row) {
      return seenRows.get(row);
    }

    public UserAggregates aggregates(int row) {
      return new UserAggregates(counts[0].get(row), counts[1].get(row), counts[2].get(row), counts[3].get(row),
          counts[4].get(row), counts[5].get(row), uniqueItems.get(row), lastEventMs.get(row),
          spendCents.get(row) / 100.0, categoryCounts.get(row), history.get(row));
    }
  }

  /** Reads item aggregates and attributes from an items snapshot; rows are the items' catalog positions. */
  public static final class Items {
    private final Snapshot snapshot;
    private final IntColumn itemIdx;
    private final IntColumn categoryIdx;
    private final StringColumn category;
    private final LongColumn createdMs;
    private final LongColumn priceBits;
    private final LongColumn total;
    private final LongColumn recent;
    private final LongColumn views;
    private final LongColumn clicks;
    private final LongColumn purchases;
    private final IntListColumn tokens;

    public Items(Snapshot snapshot) {
      this.snapshot = snapshot;
      this.itemIdx = snapshot.intColumn(ITEM_IDX);
      this.categoryIdx = snapshot.intColumn(CATEGORY_IDX);
      this.category = snapshot.stringColumn(CATEGORY);
      this.createdMs = snapshot.longColumn(CREATED_MS);
      this.priceBits = snapshot.longColumn(PRICE_BITS);
      this.total = snapshot.longColumn(ITEM_TOTAL);
      this.recent = snapshot.longColumn(ITEM_RECENT);
      this.views = snapshot.longColumn(ITEM_VIEWS);
      this.clicks = snapshot.longColumn(ITEM_CLICKS);
      this.purchases = snapshot.longColumn(ITEM_PURCHASES);
      this.tokens = snapshot.intListColumn(TOKENS);
    }

    public Snapshot snapshot() {
      return snapshot;
    }

    public int find(String itemId) {
      return snapshot.find(itemId);
    }

    public int itemIdx(int row) {
      return itemIdx.get(row);
    }

    public String category(int row) {
      return category.get(row);
    }

    public ItemAggregates aggregates(int row) {
      return new ItemAggregates(total.get(row), recent.get(row), views.get(row), clicks.get(row),
          purchases.get(row), createdMs.get(row), categoryIdx.get(row), Double.longBitsToDouble(priceBits.get(row)),
          tokens.get(row));
    }
  }
}
