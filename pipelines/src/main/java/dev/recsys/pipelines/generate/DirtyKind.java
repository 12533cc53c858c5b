package dev.recsys.pipelines.generate;

/** The kinds of bad rows the generator mixes into landing files, one for each check the validator makes. */
public enum DirtyKind {
  NULL_USER_ID,
  NULL_ITEM_ID,
  NULL_TS,
  NULL_EVENT_TYPE,
  /** The same event id twice: a redelivered copy, or a different event reusing an id. */
  DUPLICATE_EVENT_ID,
  /** Same user, item, type and timestamp under a new event id. */
  DUPLICATE_EVENT,
  FUTURE_TS,
  EXPIRED_TS,
  UNKNOWN_EVENT_TYPE,
  /** A line that is not a JSON object (truncated in transit). */
  MALFORMED,
  /** A field whose value has the wrong type: an unparseable timestamp, a rating of "five". */
  BAD_TYPE,
  /** Traffic of a bot user: far more events on one day than any person makes. */
  BOT
}
