package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.bundle.BundleLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing new bundles while clients hammer /recommend. */
class HotSwapTest {

  @TempDir
  Path dir;

  @Test
  void healthIs503UntilABundleIsLoaded() throws Exception {
    try (TestServer server = new TestServer(dir, null, false)) {
      assertEquals(503, server.get("/health").status());
      TestServer.Response r = server.post("/recommend", "{\"user_id\":\"u000001\"}");
      assertEquals(503, r.status(), r.text());
      assertTrue(r.body().get("error").asText().contains("no model bundle is loaded"), r.text());
      String v = TestBundles.publish(server.bundles, 1);
      TestServer.Response reload = server.post("/admin/reload", "", TestServer.API_KEY);
      assertEquals(200, reload.status(), reload.text());
      TestServer.Response health = server.get("/health");
      assertEquals(200, health.status());
      assertEquals(v, health.body().get("model_version").asText());
    }
  }

  @Test
  void aBundleWhoseModelDoesNotMatchTheFeatureSetsIsRejectedAndTheOldOneKeepsServing() throws Exception {
    String good = TestBundles.publish(dir.resolve("bundles"), 1);
    try (TestServer server = new TestServer(dir, null, true)) {
      String broken = TestBundles.publishWithRanker(server.bundles, good, BundleLayout.USER_TOWER);
      TestServer.Response reload = server.post("/admin/reload", "", TestServer.API_KEY);
      assertEquals(422, reload.status(), reload.text());
      String message = reload.body().get("error").asText();
      assertTrue(message.contains("bundle " + broken + ": ranker.onnx") && message.contains(
          "spec has dense float32 [?, 23] but the model has no input 'dense'"), message);
      assertTrue(message.contains("still serving " + good), message);
      TestServer.Response r = server.post("/recommend", "{\"user_id\":\"u000001\"}");
      assertEquals(200, r.status(), r.text());
      assertEquals(good, r.body().get("metadata").get("model_version").asText());
      assertTrue(server.get("/metrics").text().contains("recsys_bundle_loads_total{result=\"failure\"}"));
    }
  }

  @Test
  void aFailingModelCallFallsBackToPopularity() throws Exception {
    String good = TestBundles.publish(dir.resolve("bundles"), 1);
    String broken = TestBundles.publishWithBrokenUser(dir.resolve("bundles"), good, "u000002", dir);
    try (TestServer server = new TestServer(dir, null, true)) {
      TestServer.Response r = server.post("/recommend", "{\"user_id\":\"u000002\",\"k\":7}");
      assertEquals(200, r.status(), r.text());
      assertEquals(broken, r.body().get("metadata").get("model_version").asText());
      assertEquals(7, r.body().get("items").size(), r.text());
      assertTrue(r.body().get("items").get(0).get("reason").asText().startsWith("fallback (model error)"), r.text());
      TestServer.Response other = server.post("/recommend", "{\"user_id\":\"u000001\",\"k\":7}");
      assertTrue(other.body().get("items").get(0).get("reason").asText().startsWith("personalized"), other.text());
      assertTrue(server.get("/metrics").text().contains("recsys_fallbacks_total{cause=\"model_error\"} 1"));
    }
  }

  @Test
  void swapsUnderConcurrentRequestsWithoutAFailure() throws Exception {
    String first = TestBundles.publish(dir.resolve("bundles"), 1);
    try (TestServer server = new TestServer(dir, null, true)) {
      AtomicBoolean stop = new AtomicBoolean();
      Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String user = SyntheticBundles.userId(t);
        Thread c = new Thread(() -> {
          while (!stop.get()) {
            try {
              TestServer.Response r = server.post("/recommend", "{\"user_id\":\"" + user + "\",\"k\":10}");
              if (r.status() != 200 || r.body().get("items").size() != 10) {
                failures.add(r.status() + " " + r.text());
              } else {
                versions.computeIfAbsent(r.body().get("metadata").get("model_version").asText(),
                    v -> new AtomicInteger()).incrementAndGet();
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        c.start();
        clients.add(c);
      }
      Thread.sleep(300);
      String second = TestBundles.publish(server.bundles, 2);
      String third = TestBundles.publish(server.bundles, 3);
      long deadline = System.currentTimeMillis() + 15_000;
      while (!third.equals(server.services.bundles().version().orElse("")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      int before = versions.getOrDefault(third, new AtomicInteger()).get();
      while (versions.getOrDefault(third, new AtomicInteger()).get() < before + 20
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      stop.set(true);
      for (Thread c : clients) {
        c.join();
      }
      assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
      assertTrue(versions.containsKey(first), versions.toString());
      assertTrue(versions.containsKey(third), "responses switched to " + third + ": " + versions);
      assertTrue(Set.of(first, second, third).containsAll(versions.keySet()), versions.toString());
      assertNotEquals(first, third);
      TestServer.Response last = server.post("/recommend", "{\"user_id\":\"u000001\"}");
      assertEquals(third, last.body().get("metadata").get("model_version").asText());
    }
  }
}
