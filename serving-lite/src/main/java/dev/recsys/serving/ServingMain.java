package dev.recsys.serving;

import dev.recsys.features.config.ConfigLoader;
import dev.recsys.features.config.RecsysConfig;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the recommend server: {@code --conf <overlays> --bundles <dir> [--port <n>]}. Loads the current bundle
 * (failing fast when it does not pass its checks), starts watching for new ones, then listens.
 */
public final class ServingMain {

  private static final Logger LOG = LoggerFactory.getLogger(ServingMain.class);
  private static final String USAGE =
      "usage: ServingMain --conf <overlays> --bundles <bundles root> [--port <n>] [--host <address>]";

  private ServingMain() {}

  public static void main(String[] args) throws Exception {
    String conf = null;
    String bundles = null;
    int port = 8080;
    String host = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--conf" -> conf = value;
        case "--bundles" -> bundles = value;
        case "--port" -> port = value == null ? -1 : Integer.parseInt(value);
        case "--host" -> host = value;
        default -> {
          System.err.println("unknown argument '" + args[i] + "'\n" + USAGE);
          System.exit(2);
        }
      }
      i++;
    }
    if (conf == null || bundles == null || port < 0) {
      System.err.println(USAGE);
      System.exit(2);
    }
    RecsysConfig cfg = ConfigLoader.load(conf);
    Javalin app = start(Path.of(bundles), cfg, host, port);
    Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "serving-shutdown"));
  }

  /** Returns the started server: the current bundle loaded, the watcher running, listening on {@code port}. */
  public static Javalin start(Path bundles, RecsysConfig cfg, int port) throws Exception {
    return start(bundles, cfg, null, port);
  }

  /**
   * Returns the started server listening on {@code host} ({@code 127.0.0.1} for loopback only; null for every
   * interface) and {@code port} (0 for any free one).
   */
  public static Javalin start(Path bundles, RecsysConfig cfg, String host, int port) throws Exception {
    String apiKey = System.getenv(cfg.serving().apiKeyEnv());
    if (apiKey == null || apiKey.isEmpty()) {
      LOG.warn("environment variable {} is not set: /feedback and /admin routes will answer 401",
          cfg.serving().apiKeyEnv());
      apiKey = null;
    }
    Services services = Services.create(bundles, cfg, apiKey, Clock.systemUTC());
    String version = services.bundles().reload();
    services.bundles().startWatching();
    Javalin app = ServingServer.create(services);
    app.events(e -> e.serverStopped(services::close));
    if (host == null) {
      app.start(port);
    } else {
      app.start(host, port);
    }
    LOG.info("serving bundle {} from {} on {}:{}", version, bundles, host == null ? "*" : host, app.port());
    return app;
  }
}
