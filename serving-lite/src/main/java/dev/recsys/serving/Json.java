package dev.recsys.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.recsys.features.schema.Event;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.LandingJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The server's JSON: the mapper for responses (snake_case) and readers of request bodies that fail with 400s. */
public final class Json {

  /** Serialises response records with snake_case field names. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private Json() {}

  /** Returns the parsed body, or throws {@link BadRequest} with the parser's message for malformed JSON. */
  public static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new BadRequest("request body is empty; expected a JSON object");
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed JSON: " + e.getOriginalMessage());
    }
  }

  /** Returns epoch millis from an ISO-8601 instant string or an epoch-millis integer. */
  static long timestamp(JsonNode t, String field) {
    if (t.isIntegralNumber() && t.canConvertToLong()) {
      return t.longValue();
    }
    if (t.isTextual()) {
      try {
        return Instant.parse(t.textValue()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new BadRequest(field + " must be an ISO-8601 instant like 2026-11-01T10:22:33.123Z, got '"
            + t.textValue() + "'");
      }
    }
    throw new BadRequest(field + " must be an ISO-8601 instant string or epoch millis, got " + t);
  }

  /**
   * Returns the event of a {@code /feedback} body in the landing wire format ({@link LandingJson#event}):
   * {@code user_id}, {@code item_id}, {@code event_type} and {@code ts} are required; a missing {@code event_id}
   * is generated.
   */
  public static Event event(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new BadRequest("request body must be a JSON object (one event in the landing format)");
    }
    String userId = required(body, "user_id");
    String itemId = required(body, "item_id");
    String typeName = required(body, "event_type");
    EventType type = EventType.fromWire(typeName).orElseThrow(() -> new BadRequest("event_type '" + typeName
        + "' is unknown; known types: " + String.join(", ", EventType.wireNames())));
    JsonNode ts = body.get("ts");
    if (ts == null || ts.isNull()) {
      throw new BadRequest("ts is required");
    }
    String eventId = optional(body, "event_id");
    JsonNode context = body.get(LandingJson.CONTEXT);
    if (context != null && !context.isNull() && !context.isObject()) {
      throw new BadRequest("context must be an object with device and placement, got " + context);
    }
    boolean hasContext = context != null && context.isObject();
    return new Event(eventId == null ? UUID.randomUUID().toString() : eventId, userId, itemId, type,
        number(body, "rating"), number(body, "value"), Instant.ofEpochMilli(timestamp(ts, "ts")),
        optional(body, "session_id"), hasContext ? optional(context, "device") : null,
        hasContext ? optional(context, "placement") : null);
  }

  private static String required(JsonNode node, String field) {
    String v = optional(node, field);
    if (v == null || v.isBlank()) {
      throw new BadRequest(field + " is required");
    }
    return v;
  }

  private static String optional(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRequest(field + " must be a string, got " + v);
    }
    return v.textValue();
  }

  private static Double number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new BadRequest(field + " must be a number, got " + v);
    }
    return v.doubleValue();
  }
}
