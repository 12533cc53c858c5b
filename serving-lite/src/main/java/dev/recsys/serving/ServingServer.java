package dev.recsys.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recsys.features.schema.Event;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP layer: each handler validates, makes one domain call and returns JSON. Model work runs through
 * {@link Admission} (503 at once when full); errors map to JSON {@code {"error": ...}} with 400 for bad input,
 * 401 for a missing or wrong API key, 404 for unknown items and 503 before a bundle is loaded.
 */
public final class ServingServer {

  private static final Logger LOG = LoggerFactory.getLogger(ServingServer.class);
  static final String API_KEY_HEADER = "X-Api-Key";
  /** Jetty threads beyond the admitted requests: acceptor, selector, and the cheap routes (health, metrics). */
  private static final int SPARE_THREADS = 8;

  private ServingServer() {}

  /** Thrown when a protected route gets no key or the wrong one. */
  static final class Unauthorized extends RuntimeException {
    Unauthorized(String message) {
      super(message);
    }
  }

  /** Returns the app (not started) serving {@code s}; call {@code start(port)} on it. */
  public static Javalin create(Services s) {
    int threads = s.admission().limit() + SPARE_THREADS;
    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.useVirtualThreads = false;
      cfg.jetty.threadPool = new QueuedThreadPool(threads, Math.min(threads, SPARE_THREADS));
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      cfg.requestLogger.http((ctx, ms) -> s.metrics().request(route(ctx), ctx.statusCode(), (long) (ms * 1e6)));
    });

    app.post("/recommend", ctx -> {
      RecommendRequest req = RecommendRequest.parse(Json.parse(ctx.body()), System.currentTimeMillis());
      ctx.json(s.admission().run(() -> s.recommender().recommend(req)));
    });
    app.get("/similar-items/{item_id}", ctx -> {
      int k = similarK(ctx.queryParam("k"));
      String itemId = ctx.pathParam("item_id");
      ctx.json(s.admission().run(() -> s.recommender().similar(itemId, k)));
    });
    app.post("/feedback", ctx -> {
      requireKey(ctx, s);
      Event e = Json.event(Json.parse(ctx.body()));
      Path file = s.feedback().append(e);
      s.activity().add(e);
      ctx.json(Map.of("accepted", true, "event_id", e.eventId(), "file", file.getFileName().toString()));
    });
    app.post("/admin/reload", ctx -> {
      requireKey(ctx, s);
      try {
        ctx.json(Map.of("model_version", s.bundles().reload()));
      } catch (Exception e) {
        LOG.error("reload failed", e);
        error(ctx, HttpStatus.UNPROCESSABLE_CONTENT, "reload failed, still serving "
            + s.bundles().version().orElse("nothing") + ": " + e.getMessage());
      }
    });
    app.get("/health", ctx -> {
      var version = s.bundles().version();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", version.isPresent() ? "ok" : "loading");
      version.ifPresent(v -> body.put("model_version", v));
      ctx.status(version.isPresent() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    });
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(s.metrics().scrape()));

    app.exception(BadRequest.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(Unauthorized.class, (e, ctx) -> error(ctx, HttpStatus.UNAUTHORIZED, e.getMessage()));
    app.exception(Recommender.UnknownItem.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
    app.exception(Recommender.NotReady.class,
        (e, ctx) -> error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    app.exception(Admission.Overloaded.class, (e, ctx) -> {
      s.metrics().rejected();
      ctx.header("Retry-After", "1");
      error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    });
    app.error(HttpStatus.NOT_FOUND, ctx -> {
      // Unknown items already carry a JSON error; Javalin's own "not found" text is replaced.
      String type = ctx.res().getContentType();
      if (type == null || !type.startsWith("application/json")) {
        error(ctx, HttpStatus.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path()
            + "; routes: POST /recommend, GET /similar-items/{item_id}, POST /feedback, GET /health, GET /metrics, "
            + "POST /admin/reload");
      }
    });
    return app;
  }

  private static int similarK(String raw) {
    if (raw == null) {
      return RecommendRequest.DEFAULT_K;
    }
    try {
      int k = Integer.parseInt(raw);
      if (k >= 1 && k <= RecommendRequest.MAX_K) {
        return k;
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted range.
    }
    throw new BadRequest("k must be an integer in 1.." + RecommendRequest.MAX_K + ", got '" + raw + "'");
  }

  private static void requireKey(Context ctx, Services s) {
    String given = ctx.header(API_KEY_HEADER);
    if (s.apiKey() == null) {
      throw new Unauthorized("this server has no API key configured (environment variable "
          + s.cfg().apiKeyEnv() + "), so " + ctx.path() + " is closed");
    }
    if (given == null) {
      throw new Unauthorized("missing " + API_KEY_HEADER + " header");
    }
    if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), s.apiKey().getBytes(StandardCharsets.UTF_8))) {
      throw new Unauthorized("wrong " + API_KEY_HEADER);
    }
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message, "status", status.getCode()));
  }

  private static String route(Context ctx) {
    try {
      String path = ctx.endpointHandlerPath();
      return path == null || path.isEmpty() || path.equals("*") ? "unmatched" : path;
    } catch (IllegalStateException noEndpoint) {
      // Javalin has no endpoint path for requests that matched no route (404s).
      return "unmatched";
    }
  }
}
