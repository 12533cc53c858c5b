package dev.recsys.features.schema;

import static dev.recsys.features.schema.Column.optional;
import static dev.recsys.features.schema.Column.required;
import static dev.recsys.features.schema.ColumnType.DOUBLE;
import static dev.recsys.features.schema.ColumnType.INT;
import static dev.recsys.features.schema.ColumnType.STRING;
import static dev.recsys.features.schema.ColumnType.STRING_ARRAY;
import static dev.recsys.features.schema.ColumnType.TIMESTAMP;

import java.util.List;

/**
 * The one definition of recsys' entity tables: interaction events, the item catalog and user profiles.
 *
 * <p>Landing files carry the same fields as JSON lines (see {@link LandingJson}); events nest {@code device} and
 * {@code placement} under {@code context} there and are flattened in tables.
 */
public final class Schemas {

  public static final String EVENT_ID = "event_id";
  public static final String USER_ID = "user_id";
  public static final String ITEM_ID = "item_id";
  public static final String EVENT_TYPE = "event_type";
  public static final String RATING = "rating";
  public static final String VALUE = "value";
  public static final String TS = "ts";
  public static final String SESSION_ID = "session_id";
  public static final String DEVICE = "device";
  public static final String PLACEMENT = "placement";

  public static final String CATEGORY = "category";
  public static final String PRICE = "price";
  public static final String CREATED_AT = "created_at";
  public static final String TITLE = "title";
  public static final String TAGS = "tags";

  public static final String AGE = "age";
  public static final String GENDER = "gender";
  public static final String SEGMENT = "segment";
  public static final String COUNTRY = "country";

  /** A user's interaction with an item; the clean events table and everything downstream use these columns. */
  public static final TableSchema EVENTS = new TableSchema("events", 1, List.of(
      required(EVENT_ID, STRING, "unique id assigned by the producer; duplicates are quarantined"),
      required(USER_ID, STRING, "user the event belongs to"),
      required(ITEM_ID, STRING, "item interacted with"),
      required(EVENT_TYPE, STRING, "one of " + EventType.wireNames()),
      optional(RATING, DOUBLE, "explicit rating, only for event_type=rating"),
      optional(VALUE, DOUBLE, "monetary value of a purchase or add_to_cart, else null"),
      required(TS, TIMESTAMP, "when the event happened (UTC)"),
      optional(SESSION_ID, STRING, "client session; null when the source has none"),
      optional(DEVICE, STRING, "context: mobile, desktop, tablet, tv, ..."),
      optional(PLACEMENT, STRING, "context: the surface that showed the item (home, search, pdp, cart, ...)")));

  /** The item catalog; items without any events still get recommended from category and content tokens. */
  public static final TableSchema ITEMS = new TableSchema("items", 1, List.of(
      required(ITEM_ID, STRING, "item id as used in events"),
      optional(CATEGORY, STRING, "top-level category"),
      optional(PRICE, DOUBLE, "current list price"),
      optional(CREATED_AT, TIMESTAMP, "when the item entered the catalog"),
      optional(TITLE, STRING, "display title"),
      optional(TAGS, STRING_ARRAY, "content tags (genres, attributes)")));

  /** User profiles; every field but the id is optional since sources rarely know them all. */
  public static final TableSchema USERS = new TableSchema("users", 1, List.of(
      required(USER_ID, STRING, "user id as used in events"),
      optional(CREATED_AT, TIMESTAMP, "sign-up time"),
      optional(AGE, INT, "age in years"),
      optional(GENDER, STRING, "as reported by the source"),
      optional(SEGMENT, STRING, "source-specific segment, e.g. MovieLens occupation"),
      optional(COUNTRY, STRING, "country or region code")));

  private Schemas() {}
}
