package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every acknowledged feedback event is in the landing file after the server process is killed (SIGKILL) while
 * clients are still posting.
 */
class FeedbackDurabilityTest {

  @TempDir
  Path dir;

  @Test
  void acknowledgedEventsSurviveKillingTheServer() throws Exception {
    Path bundles = dir.resolve("bundles");
    Path lake = dir.resolve("lake");
    TestBundles.publish(bundles, 5);
    Files.writeString(dir.resolve("base.yaml"), TestServer.baseYaml());
    Path overlay = dir.resolve("durability.yaml");
    Files.writeString(overlay, "storage: {root: '" + lake + "'}\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ServingMain.class.getName(),
        "--conf", overlay.toString(), "--bundles", bundles.toString(), "--port", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    pb.environment().put("RECSYS_API_KEY", TestServer.API_KEY);
    Process server = pb.start();
    String base = "http://127.0.0.1:" + port;
    try {
      awaitHealthy(base, server);
      ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int client = t;
        Thread c = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            String id = "ev-" + client + "-" + i;
            sent.incrementAndGet();
            try {
              TestServer.Response r = TestServer.send(HttpRequest.newBuilder(URI.create(base + "/feedback"))
                  .POST(HttpRequest.BodyPublishers.ofString(TestServer.feedbackJson(id, "u00000" + client,
                      "i0000010", "view", System.currentTimeMillis()))), TestServer.API_KEY);
              if (r.status() == 200) {
                acked.add(id);
              }
            } catch (Exception killed) {
              return;
            }
          }
        });
        c.start();
        clients.add(c);
      }
      while (acked.size() < 30) {
        Thread.sleep(5);
      }
      server.destroyForcibly();
      assertTrue(server.waitFor(20, TimeUnit.SECONDS));
      stop.set(true);
      for (Thread c : clients) {
        c.join();
      }

      Set<String> written = new HashSet<>();
      try (Stream<Path> files = Files.walk(lake.resolve("landing/events"))) {
        for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
          assertTrue(part.toString().contains("batch=feedback-"), part.toString());
          for (String line : Files.readAllLines(part)) {
            try {
              JsonNode event = Json.MAPPER.readTree(line);
              written.add(event.get("event_id").asText());
              assertEquals("view", event.get("event_type").asText());
            } catch (com.fasterxml.jackson.core.JsonProcessingException torn) {
              // Only a last line cut by the kill can be torn, and it was never acknowledged.
            }
          }
        }
      }
      List<String> missing = acked.stream().filter(id -> !written.contains(id)).toList();
      assertTrue(missing.isEmpty(), missing.size() + " of " + acked.size() + " acknowledged events are missing: "
          + missing);
      assertFalse(acked.isEmpty());
      System.out.printf("durability: %d sent, %d acknowledged, %d in the file%n", sent.get(), acked.size(),
          written.size());
    } finally {
      server.destroyForcibly();
    }
  }

  private static void awaitHealthy(String base, Process server) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      assertTrue(server.isAlive(), "server exited early; see server.log");
      try {
        if (TestServer.send(HttpRequest.newBuilder(URI.create(base + "/health")).GET(), null).status() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("server did not become healthy in 30 s");
  }
}
