package dev.recsys.pipelines.validate;

import java.util.Locale;

/** Why a row was quarantined; the lower-case name is the code stored with the row and counted in reports. */
public enum Reason {
  /** The line was not a JSON event object (cut off, not JSON, not an object). */
  MALFORMED,
  NULL_EVENT_ID,
  NULL_USER_ID,
  NULL_ITEM_ID,
  NULL_EVENT_TYPE,
  NULL_TS,
  /** A field could not be coerced to its type: a timestamp, rating or value that is not one. */
  BAD_TYPE,
  UNKNOWN_EVENT_TYPE,
  /** Later than the run time plus the allowed clock skew. */
  FUTURE_TS,
  /** Older than the retention window. */
  EXPIRED_TS,
  /** An event id seen before, in this run or an earlier one. */
  DUPLICATE_EVENT_ID,
  /** Same user, item, event type and timestamp as an event kept before. */
  DUPLICATE_EVENT,
  /** The user exceeded the events-per-day limit on that day. */
  BOT;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
