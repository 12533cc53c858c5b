package dev.recsys.features.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes the landing-zone wire format: one JSON object per line, the way upstream producers send events,
 * catalog items and user profiles. Events nest {@code device} and {@code placement} under {@code context}.
 */
public final class LandingJson {

  public static final String CONTEXT = "context";

  /** Millisecond ISO-8601 in UTC, e.g. {@code 2026-11-01T10:22:33.123Z}. */
  public static final DateTimeFormatter TS_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  private static final JsonFactory JSON = new JsonFactory();

  private LandingJson() {}

  public static String format(Instant ts) {
    return TS_FORMAT.format(ts);
  }

  public static String event(Event e) {
    return write(g -> {
      g.writeStringField(Schemas.EVENT_ID, e.eventId());
      g.writeStringField(Schemas.USER_ID, e.userId());
      g.writeStringField(Schemas.ITEM_ID, e.itemId());
      g.writeStringField(Schemas.EVENT_TYPE, e.type().wireName());
      writeNumber(g, Schemas.RATING, e.rating());
      writeNumber(g, Schemas.VALUE, e.value());
      g.writeStringField(Schemas.TS, format(e.ts()));
      g.writeStringField(Schemas.SESSION_ID, e.sessionId());
      g.writeObjectFieldStart(CONTEXT);
      g.writeStringField(Schemas.DEVICE, e.device());
      g.writeStringField(Schemas.PLACEMENT, e.placement());
      g.writeEndObject();
    });
  }

  public static String item(Item item) {
    return write(g -> {
      g.writeStringField(Schemas.ITEM_ID, item.itemId());
      g.writeStringField(Schemas.CATEGORY, item.category());
      writeNumber(g, Schemas.PRICE, item.price());
      g.writeStringField(Schemas.CREATED_AT, item.createdAt() == null ? null : format(item.createdAt()));
      g.writeStringField(Schemas.TITLE, item.title());
      g.writeArrayFieldStart(Schemas.TAGS);
      for (String tag : item.tags()) {
        g.writeString(tag);
      }
      g.writeEndArray();
    });
  }

  public static String user(UserProfile u) {
    return write(g -> {
      g.writeStringField(Schemas.USER_ID, u.userId());
      g.writeStringField(Schemas.CREATED_AT, u.createdAt() == null ? null : format(u.createdAt()));
      if (u.age() == null) {
        g.writeNullField(Schemas.AGE);
      } else {
        g.writeNumberField(Schemas.AGE, u.age());
      }
      g.writeStringField(Schemas.GENDER, u.gender());
      g.writeStringField(Schemas.SEGMENT, u.segment());
      g.writeStringField(Schemas.COUNTRY, u.country());
    });
  }

  private static void writeNumber(JsonGenerator g, String field, Double v) throws IOException {
    if (v == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, v);
    }
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Fields fields) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
