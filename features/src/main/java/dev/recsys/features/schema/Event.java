package dev.recsys.features.schema;

import java.time.Instant;
import java.util.Objects;

/** One interaction event, as producers send it and the server's feedback route receives it. */
public record Event(
    String eventId,
    String userId,
    String itemId,
    EventType type,
    Double rating,
    Double value,
    Instant ts,
    String sessionId,
    String device,
    String placement) {

  public Event {
    Objects.requireNonNull(eventId, "event_id");
    Objects.requireNonNull(userId, "user_id");
    Objects.requireNonNull(itemId, "item_id");
    Objects.requireNonNull(type, "event_type");
    Objects.requireNonNull(ts, "ts");
  }
}
