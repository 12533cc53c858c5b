package dev.recsys.serving;

import dev.recsys.export.bundle.BundleVersion;
import dev.recsys.features.config.ConfigLoader;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a synthetic bundle, starts the server on loopback and drives {@code POST /recommend} with {@code wrk}
 * (Debian package {@code wrk}) at each connection count, printing p50 / p99 / requests per second and the mean
 * time of each pipeline stage from {@code /metrics}. Writes nothing but its scratch directory.
 *
 * <pre>
 * ServingBenchmark --items 100000 [--users 10000] [--index IVF1024,Flat] [--connections 2,8] [--seconds 20]
 *     [--conf local] [--dir /tmp/recsys-bench]
 * </pre>
 */
public final class ServingBenchmark {

  private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
      Pattern.MULTILINE);
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
  private static final Pattern STAGE = Pattern.compile(
      "^recsys_stage_seconds_(sum|count)\\{stage=\"([a-z_]+)\"\\} ([0-9.Ee+-]+)$", Pattern.MULTILINE);

  private ServingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>(Map.of("--items", "100000", "--users", "10000", "--index",
        "IVF1024,Flat", "--connections", "2,8", "--seconds", "20", "--conf", "local", "--dir",
        System.getProperty("java.io.tmpdir") + "/recsys-serving-bench"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opts.containsKey(args[i])) {
        System.err.println("unknown option " + args[i] + "; options: " + opts.keySet());
        System.exit(2);
      }
      opts.put(args[i], args[i + 1]);
    }
    int items = Integer.parseInt(opts.get("--items"));
    int users = Integer.parseInt(opts.get("--users"));
    Path dir = Path.of(opts.get("--dir"));
    Path bundles = dir.resolve("bundles-" + items);
    Files.createDirectories(dir);

    long start = System.nanoTime();
    SyntheticBundles.Spec spec = new SyntheticBundles.Spec(users, items, 20, 32, opts.get("--index"), 42,
        System.currentTimeMillis() - 3_600_000L);
    String version = SyntheticBundles.publish(bundles, BundleVersion.of(Instant.now(), "bench" + items), spec, null);
    System.out.printf(Locale.ROOT, "built bundle %s: %d items, %d users, dim 32, index %s in %.1f s%n", version,
        items, users, spec.indexFactory(), (System.nanoTime() - start) / 1e9);

    RecsysConfig base = ConfigLoader.load(opts.get("--conf"));
    RecsysConfig cfg = base.withStorage(new StorageConfig(dir.resolve("lake").toString()));
    Javalin app = ServingMain.start(bundles, cfg, 0);
    try {
      String url = "http://127.0.0.1:" + app.port();
      Path script = dir.resolve("recommend.lua");
      Files.writeString(script, lua(users));
      warmUp(url, users);
      for (String c : opts.get("--connections").split(",")) {
        int connections = Integer.parseInt(c.trim());
        String before = scrape(url);
        String out = wrk(url, script, connections, Integer.parseInt(opts.get("--seconds")));
        String after = scrape(url);
        report(items, connections, out, stageMeans(before, after));
      }
    } finally {
      app.stop();
    }
  }

  private static String lua(int users) {
    return """
        -- POST /recommend for random synthetic users (ids u000000..), k = 20, rotating contexts.
        local devices = {"mobile", "desktop", "tablet"}
        local placements = {"home", "pdp", "cart"}
        local n = 0
        request = function()
          n = n + 1
          local body = string.format('{"user_id":"u%06d","k":20,"context":{"device":"%s","placement":"%s"}}',
            math.random(0, USERS - 1), devices[n % 3 + 1], placements[math.floor(n / 3) % 3 + 1])
          return wrk.format("POST", "/recommend", {["Content-Type"] = "application/json"}, body)
        end
        """.replace("USERS", Integer.toString(users));
  }

  // Ten seconds of sequential requests, so the JIT has compiled the request path before wrk measures it.
  private static void warmUp(String url, int users) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long until = System.currentTimeMillis() + 10_000;
    for (int i = 0; System.currentTimeMillis() < until; i++) {
      String body = String.format(Locale.ROOT, "{\"user_id\":\"u%06d\",\"k\":20}", i % users);
      client.send(HttpRequest.newBuilder(URI.create(url + "/recommend"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
    }
  }

  private static String wrk(String url, Path script, int connections, int seconds) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t", Integer.toString(Math.min(connections, 2)), "-c",
        Integer.toString(connections), "-d", seconds + "s", "--latency", "-s", script.toString(), url)
        .redirectErrorStream(true).start();
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not finish");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || out.contains(script.getFileName() + ":")) {
      throw new IllegalStateException("wrk failed (is the Debian package wrk installed? does the script load?):\n" + out);
    }
    return out;
  }

  private static String scrape(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Returns the mean milliseconds of each stage between two scrapes. */
  private static Map<String, Double> stageMeans(String before, String after) {
    Map<String, double[]> b = stages(before);
    Map<String, double[]> a = stages(after);
    Map<String, Double> means = new LinkedHashMap<>();
    a.forEach((stage, sumCount) -> {
      double[] prev = b.getOrDefault(stage, new double[2]);
      double n = sumCount[1] - prev[1];
      if (n > 0) {
        means.put(stage, (sumCount[0] - prev[0]) / n * 1000);
      }
    });
    return means;
  }

  private static Map<String, double[]> stages(String metrics) {
    Map<String, double[]> out = new LinkedHashMap<>();
    Matcher m = STAGE.matcher(metrics);
    while (m.find()) {
      out.computeIfAbsent(m.group(2), s -> new double[2])[m.group(1).equals("sum") ? 0 : 1] =
          Double.parseDouble(m.group(3));
    }
    return out;
  }

  private static void report(int items, int connections, String wrk, Map<String, Double> stages) {
    Map<String, Double> pct = new LinkedHashMap<>();
    Matcher m = PERCENTILE.matcher(wrk);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      pct.put(m.group(1), switch (m.group(3)) {
        case "us" -> v / 1000;
        case "s" -> v * 1000;
        default -> v;
      });
    }
    Matcher rps = RPS.matcher(wrk);
    Matcher non2xx = NON_2XX.matcher(wrk);
    List<String> stageText = new ArrayList<>();
    stages.forEach((s, ms) -> stageText.add(String.format(Locale.ROOT, "%s %.2f", s, ms)));
    System.out.printf(Locale.ROOT, "items=%d connections=%d p50=%.2fms p99=%.2fms rps=%s non2xx=%s | stage means "
            + "(ms): %s%n", items, connections, pct.getOrDefault("50", Double.NaN), pct.getOrDefault("99", Double.NaN),
        rps.find() ? rps.group(1) : "?", non2xx.find() ? non2xx.group(1) : "0", String.join(", ", stageText));
  }
}
