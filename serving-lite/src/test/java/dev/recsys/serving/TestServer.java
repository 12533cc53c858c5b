package dev.recsys.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recsys.features.config.ConfigLoader;
import dev.recsys.features.config.RecsysConfig;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A server on a random port over a bundles root, with the repo's base config plus a test overlay. */
final class TestServer implements AutoCloseable {

  static final String API_KEY = "test-key";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path bundles;
  final Path lake;
  final Services services;
  final Javalin app;
  final String base;

  /** A parsed response. */
  record Response(int status, JsonNode body, String text) {}

  /** Starts a server; loads the current bundle first when {@code load}. */
  TestServer(Path dir, String overlay, boolean load) throws Exception {
    this.bundles = dir.resolve("bundles");
    this.lake = dir.resolve("lake");
    Files.createDirectories(bundles);
    RecsysConfig cfg = config(lake, overlay);
    this.services = Services.create(bundles, cfg, API_KEY, Clock.systemUTC());
    if (load) {
      services.bundles().reload();
    }
    services.bundles().startWatching();
    this.app = ServingServer.create(services);
    app.events(e -> e.serverStopped(services::close));
    app.start(0);
    this.base = "http://127.0.0.1:" + app.port();
  }

  /** Returns the repo's base config with storage under {@code lake}, fast bundle polling and {@code overlay}. */
  static RecsysConfig config(Path lake, String overlay) throws IOException {
    return ConfigLoader.fromYaml(baseYaml(), "storage: {root: '" + lake + "'}\nserving: {watch_interval_ms: 100}",
        overlay == null ? "{}" : overlay);
  }

  static String baseYaml() throws IOException {
    return Files.readString(repoRoot().resolve("conf/base.yaml"));
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("recsys.repo.root", "..")).toAbsolutePath().normalize();
  }

  Response get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), null);
  }

  Response post(String path, String json) throws Exception {
    return post(path, json, null);
  }

  Response post(String path, String json, String apiKey) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json)),
        apiKey);
  }

  static Response send(HttpRequest.Builder b, String apiKey) throws Exception {
    if (apiKey != null) {
      b.header(ServingServer.API_KEY_HEADER, apiKey);
    }
    HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      body = Json.MAPPER.readTree(r.body());
    }
    return new Response(r.statusCode(), body, r.body());
  }

  static String feedbackJson(String eventId, String user, String item, String type, long tsMs) {
    return "{\"event_id\":\"" + eventId + "\",\"user_id\":\"" + user + "\",\"item_id\":\"" + item
        + "\",\"event_type\":\"" + type + "\",\"rating\":null,\"value\":null,\"ts\":" + tsMs
        + ",\"session_id\":\"s1\",\"context\":{\"device\":\"mobile\",\"placement\":\"home\"}}";
  }

  @Override
  public void close() {
    app.stop();
  }
}
