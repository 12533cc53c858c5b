package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.features.config.ServingConfig;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.spec.FeatureSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints over HTTP against a real tiny bundle. */
class ServingServerTest {

  @TempDir
  static Path dir;
  static TestServer server;
  static String version;

  @BeforeAll
  static void start() throws Exception {
    version = TestBundles.publish(dir.resolve("bundles"), 11);
    server = new TestServer(dir, null, true);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.get("items").forEach(i -> ids.add(i.get("item_id").asText()));
    return ids;
  }

  private static JsonNode recommend(String json) throws Exception {
    TestServer.Response r = server.post("/recommend", json);
    assertEquals(200, r.status(), r.text());
    return r.body();
  }

  @Test
  void recommendsForAKnownUserThroughTheModels() throws Exception {
    JsonNode body = recommend("{\"user_id\":\"u000001\",\"k\":15,\"context\":{\"device\":\"mobile\","
        + "\"placement\":\"home\"}}");
    assertEquals("u000001", body.get("user_id").asText());
    JsonNode items = body.get("items");
    assertEquals(15, items.size(), body.toString());
    JsonNode meta = body.get("metadata");
    assertEquals(version, meta.get("model_version").asText());
    assertEquals(TestBundles.ITEMS, meta.get("retrieval_pool_size").asInt(), "pool = min(500, items)");
    String variant = meta.get("variant").asText();
    assertEquals(new Experiments(server.services.cfg().experiment()).assign("u000001").name(), variant);
    assertTrue(meta.get("latency_ms").asLong() >= 0);
    double previous = Double.MAX_VALUE;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      assertEquals(i + 1, item.get("rank").asInt());
      assertTrue(seen.add(item.get("item_id").asText()), "duplicate item in " + body);
      assertTrue(item.get("reason").asText().startsWith("personalized: "), item.toString());
      if (i > Rules.DIVERSE_POSITIONS) {
        assertTrue(item.get("score").asDouble() <= previous, "scores after the top ten descend: " + body);
      }
      previous = item.get("score").asDouble();
    }
  }

  @Test
  void eachVariantUsesItsRanker() throws Exception {
    Experiments experiments = new Experiments(server.services.cfg().experiment());
    Map<ServingConfig.Ranker, String> reasons = new HashMap<>();
    for (int u = 0; u < 20 && reasons.size() < 2; u++) {
      String user = SyntheticBundles.userId(u);
      JsonNode body = recommend("{\"user_id\":\"" + user + "\",\"k\":3}");
      ServingConfig.Variant v = experiments.assign(user);
      assertEquals(v.name(), body.get("metadata").get("variant").asText());
      reasons.put(v.ranker(), body.get("items").get(0).get("reason").asText());
    }
    assertTrue(reasons.get(ServingConfig.Ranker.DLRM).contains("dlrm click_prob"), reasons.toString());
    assertTrue(reasons.get(ServingConfig.Ranker.RETRIEVAL_ONLY).contains("two-tower similarity"), reasons.toString());
  }

  @Test
  void neverReturnsConsumedExcludedOrFilteredItemsAndCapsCategoriesInTopTen() throws Exception {
    // A user who has seen more items than the history holds: all of them are consumed.
    String user = null;
    Set<String> seen = new HashSet<>();
    try (Snapshot users = Snapshot.open(dir.resolve("bundles").resolve(version).resolve(BundleLayout.USERS))) {
      for (int row = 0; row < users.rows() && user == null; row++) {
        int[] rows = users.getIntList(FeatureSnapshots.SEEN_ROWS, row);
        if (rows.length > users.getIntList(FeatureSnapshots.HISTORY, row).length + 10) {
          user = users.id(row);
          IntStream.of(rows).forEach(r -> seen.add(SyntheticBundles.itemId(r)));
        }
      }
    }
    assertNotNull(user, "no synthetic user has seen more than their history");
    List<String> all = ids(recommend("{\"user_id\":\"" + user + "\",\"k\":" + RecommendRequest.MAX_K + "}"));
    assertEquals(RecommendRequest.MAX_K, all.size());
    for (String id : all) {
      assertFalse(seen.contains(id), id + " was consumed by " + user);
    }
    List<String> first = all.subList(0, 50);
    Map<String, Integer> perCategory = new HashMap<>();
    first.subList(0, Rules.DIVERSE_POSITIONS).forEach(id -> perCategory.merge(TestBundles.category(id), 1,
        Integer::sum));
    int cap = server.services.cfg().maxPerCategoryTop10();
    perCategory.values().forEach(n -> assertTrue(n <= cap, "category cap " + cap + " broken: " + perCategory));

    List<String> excluded = first.subList(0, 3);
    List<String> second = ids(recommend("{\"user_id\":\"" + user + "\",\"k\":50,\"exclude_item_ids\":[\""
        + String.join("\",\"", excluded) + "\"],\"filter_categories\":[\"cat0\",\"cat1\"]}"));
    assertEquals(50, second.size());
    for (String id : second) {
      assertFalse(excluded.contains(id), id + " was excluded: " + second);
      String c = TestBundles.category(id);
      assertFalse(c.equals("cat0") || c.equals("cat1"), id + " is in a filtered category " + c);
    }
  }

  @Test
  void coldStartUsersGetTheContextsPopularItems() throws Exception {
    JsonNode body = recommend("{\"user_id\":\"someone-new\",\"k\":5,\"context\":{\"placement\":\"home\"}}");
    assertEquals(5, body.get("items").size());
    for (JsonNode item : body.get("items")) {
      assertTrue(item.get("reason").asText().startsWith("cold start"), item.toString());
      assertTrue(item.get("reason").asText().contains("placement:home"), item.toString());
    }
    JsonNode fallback = recommend("{\"user_id\":\"someone-else\",\"k\":5,\"context\":{\"placement\":\"nowhere\","
        + "\"device\":\"fridge\"}}");
    assertTrue(fallback.get("items").get(0).get("reason").asText().contains("popular in recent"), fallback.toString());
  }

  @Test
  void feedbackIsReflectedInTheNextRecommendation() throws Exception {
    String user = "u000004";
    List<String> before = ids(recommend("{\"user_id\":\"" + user + "\",\"k\":10}"));
    String clicked = before.get(0);
    TestServer.Response ack = server.post("/feedback",
        TestServer.feedbackJson("ev-reflect-1", user, clicked, "click", System.currentTimeMillis()), TestServer.API_KEY);
    assertEquals(200, ack.status(), ack.text());
    assertTrue(ack.body().get("accepted").asBoolean());
    List<String> after = ids(recommend("{\"user_id\":\"" + user + "\",\"k\":10}"));
    assertFalse(after.contains(clicked), "clicked " + clicked + " is consumed now: " + after);
    try (Stream<Path> files = Files.walk(server.lake.resolve("landing/events"))) {
      List<Path> parts = files.filter(p -> p.getFileName().toString().equals("part-serving-0.jsonl")).toList();
      assertFalse(parts.isEmpty());
      assertTrue(parts.get(0).getParent().getFileName().toString().startsWith("batch=feedback-"), parts.toString());
      String all = String.join("\n", parts.stream().map(p -> {
        try {
          return Files.readString(p);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList());
      assertTrue(all.contains("\"event_id\":\"ev-reflect-1\""), all);
      assertTrue(all.contains("\"context\":{\"device\":\"mobile\",\"placement\":\"home\"}"), all);
    }
  }

  @Test
  void similarItemsExcludeTheItemItself() throws Exception {
    TestServer.Response r = server.get("/similar-items/i0000007?k=5");
    assertEquals(200, r.status(), r.text());
    List<String> ids = ids(r.body());
    assertEquals(5, ids.size());
    assertFalse(ids.contains("i0000007"));
    assertEquals(version, r.body().get("model_version").asText());
  }

  @Test
  void badInputGetsA4xxWithAMessageAndTheServerKeepsServing() throws Exception {
    assertBad(server.post("/recommend", "{\"user_id\": \"u1\", "), 400, "malformed JSON");
    assertBad(server.post("/recommend", ""), 400, "body is empty");
    assertBad(server.post("/recommend", "[1,2]"), 400, "JSON object");
    assertBad(server.post("/recommend", "{\"k\":5}"), 400, "user_id is required");
    assertBad(server.post("/recommend", "{\"user_id\":42}"), 400, "user_id must be a string");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"k\":0}"), 400, "k must be in 1..200");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"k\":201}"), 400, "k must be in 1..200");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"k\":\"ten\"}"), 400, "k must be an integer");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"k\":2.5}"), 400, "k must be an integer");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"context\":\"mobile\"}"), 400, "context must be");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"context\":{\"ts\":\"yesterday\"}}"), 400,
        "context.ts must be an ISO-8601");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"exclude_item_ids\":\"i1\"}"), 400,
        "exclude_item_ids must be an array");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"filter_categories\":[1]}"), 400,
        "filter_categories must be an array of strings");
    assertBad(server.post("/recommend", "{\"user_id\":\"u1\",\"kk\":3}"), 400, "unknown field 'kk'");
    assertBad(server.get("/similar-items/nope"), 404, "item 'nope' is not in bundle");
    assertBad(server.get("/similar-items/i0000001?k=abc"), 400, "k must be an integer in 1..200");
    assertBad(server.get("/similar-items/i0000001?k=0"), 400, "k must be an integer in 1..200");
    assertBad(server.post("/feedback", "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"like\",\"ts\":1}",
        TestServer.API_KEY), 400, "event_type 'like' is unknown");
    assertBad(server.post("/feedback", "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\"}",
        TestServer.API_KEY), 400, "ts is required");
    assertBad(server.get("/nothing-here"), 404, "no route GET /nothing-here");
    assertEquals(200, server.get("/health").status());
    assertEquals(200, server.post("/recommend", "{\"user_id\":\"u000001\"}").status());
  }

  private static void assertBad(TestServer.Response r, int status, String message) {
    assertEquals(status, r.status(), r.text());
    assertNotNull(r.body(), "JSON error body expected: " + r.text());
    assertTrue(r.body().get("error").asText().contains(message), "expected '" + message + "' in " + r.text());
  }

  @Test
  void protectedRoutesNeedTheApiKey() throws Exception {
    String event = TestServer.feedbackJson("ev-key", "u000001", "i0000001", "view", System.currentTimeMillis());
    assertBad(server.post("/feedback", event), 401, "missing X-Api-Key");
    assertBad(server.post("/feedback", event, "wrong"), 401, "wrong X-Api-Key");
    assertBad(server.post("/admin/reload", "", "wrong"), 401, "wrong X-Api-Key");
    TestServer.Response reload = server.post("/admin/reload", "", TestServer.API_KEY);
    assertEquals(200, reload.status(), reload.text());
    assertEquals(version, reload.body().get("model_version").asText());
  }

  @Test
  void healthAndMetrics() throws Exception {
    TestServer.Response health = server.get("/health");
    assertEquals(200, health.status());
    assertEquals(version, health.body().get("model_version").asText());
    recommend("{\"user_id\":\"u000001\",\"k\":5}");
    TestServer.Response metrics = server.get("/metrics");
    assertEquals(200, metrics.status());
    String text = metrics.text();
    for (String expected : List.of("recsys_stage_seconds_bucket{stage=\"user_tower\",le=\"0.001\"}",
        "recsys_stage_seconds_count{stage=\"retrieve\"}", "recsys_stage_seconds_count{stage=\"rules\"}",
        "recsys_requests_total{route=\"/recommend\",status=\"200\"}", "recsys_request_seconds_bucket{route=",
        "recsys_bundle_info{version=\"" + version + "\"} 1", "recsys_bundle_age_seconds ",
        "recsys_recent_activity_users ", "recsys_bundle_loads_total{result=\"success\"}")) {
      assertTrue(text.contains(expected), "missing " + expected + " in\n" + text);
    }
  }
}
