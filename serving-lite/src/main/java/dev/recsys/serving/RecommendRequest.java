package dev.recsys.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /recommend} body.
 *
 * @param tsMs the request time used for time features and freshness; the server clock when the body has none
 */
public record RecommendRequest(String userId, int k, String device, String placement, long tsMs,
    Set<String> excludeItemIds, Set<String> filterCategories) {

  public static final int DEFAULT_K = 20;
  public static final int MAX_K = 200;
  private static final Set<String> FIELDS = Set.of("user_id", "k", "context", "exclude_item_ids", "filter_categories");
  private static final Set<String> CONTEXT_FIELDS = Set.of("device", "placement", "ts");

  /** Returns the request in {@code body}, or throws {@link BadRequest} naming the first bad field. */
  public static RecommendRequest parse(JsonNode body, long nowMs) {
    if (body == null || !body.isObject()) {
      throw new BadRequest("request body must be a JSON object");
    }
    unknownFields(body, FIELDS, "");
    String userId = text(body, "user_id", true);
    if (userId.isBlank()) {
      throw new BadRequest("user_id must not be empty");
    }
    int k = DEFAULT_K;
    JsonNode kNode = body.get("k");
    if (kNode != null && !kNode.isNull()) {
      if (!kNode.isIntegralNumber() || !kNode.canConvertToInt()) {
        throw new BadRequest("k must be an integer in 1.." + MAX_K + ", got " + kNode);
      }
      k = kNode.intValue();
      if (k < 1 || k > MAX_K) {
        throw new BadRequest("k must be in 1.." + MAX_K + ", got " + k);
      }
    }
    String device = null;
    String placement = null;
    long ts = nowMs;
    JsonNode context = body.get("context");
    if (context != null && !context.isNull()) {
      if (!context.isObject()) {
        throw new BadRequest("context must be an object with device, placement and optional ts, got " + context);
      }
      unknownFields(context, CONTEXT_FIELDS, "context.");
      device = text(context, "device", false);
      placement = text(context, "placement", false);
      JsonNode t = context.get("ts");
      if (t != null && !t.isNull()) {
        ts = Json.timestamp(t, "context.ts");
      }
    }
    return new RecommendRequest(userId, k, device, placement, ts, strings(body, "exclude_item_ids"),
        strings(body, "filter_categories"));
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new BadRequest("unknown field '" + prefix + name + "'; known fields: " + String.join(", ",
            known.stream().sorted().toList()));
      }
    }
  }

  private static String text(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadRequest(field + " is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRequest(field + " must be a string, got " + v.getNodeType().name().toLowerCase() + " " + v);
    }
    return v.textValue();
  }

  private static Set<String> strings(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Set.of();
    }
    if (!v.isArray()) {
      throw new BadRequest(field + " must be an array of strings, got " + v);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new BadRequest(field + " must be an array of strings, but holds " + e);
      }
      out.add(e.textValue());
    }
    return Set.copyOf(out);
  }
}
