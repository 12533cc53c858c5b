package dev.recsys.serving;

import dev.recsys.export.bundle.BundleVersion;
import dev.recsys.features.bench.BenchmarkResults;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The serving benchmark: for each catalog size, builds a deterministic synthetic bundle ({@link SyntheticBundles}:
 * ONNX user tower and DLRM of the real shapes, FAISS index, snapshots), starts the server on 127.0.0.1 with every
 * user in one DLRM variant (so each request runs the full pipeline: snapshot features, user tower, FAISS top
 * {@code serving.retrieval_pool}, DLRM over all candidates in one batch, rules, top k), drives
 * {@code POST /recommend} with {@code wrk} (Debian package {@code wrk}) at each connection count, and prints
 * p50 / p99 / requests per second with the time of each pipeline stage from the server's {@code /metrics}
 * histograms. With {@code --results} the figures go to {@code benchmarks/results.json} as
 * {@code serving.items_1e6.c2.p99_ms} and alike. Bounded: each size takes its build, a warm-up and
 * {@code --seconds} per connection count; the server stops by itself.
 *
 * <pre>
 * ServingBenchmark [--items 100000,1000000] [--users 10000] [--index IVF1024,Flat] [--connections 2,8]
 *     [--seconds 20] [--warmup 10] [--conf local] [--dir /tmp/recsys-serving-bench] [--results FILE]
 * </pre>
 */
public final class ServingBenchmark {

  private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
      Pattern.MULTILINE);
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
  private static final Pattern STAGE = Pattern.compile(
      "^recsys_stage_seconds_(bucket|sum|count)\\{stage=\"([a-z_]+)\"(?:,le=\"([^\"]+)\")?\\} ([0-9.Ee+-]+)$",
      Pattern.MULTILINE);
  /** The snapshots' as-of instant: fixed, so that the same options build the same bundle. */
  private static final long AS_OF_MS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final long SEED = 42;
  private static final int CATEGORIES = 20;
  private static final int DIM = 32;

  private ServingBenchmark() {}

  /** One stage's histogram between two scrapes: bucket bounds (seconds, +Inf last), cumulative counts, sum. */
  record StageHistogram(List<Double> bounds, List<Double> cumulative, double sum) {

    double count() {
      return cumulative.isEmpty() ? 0 : cumulative.get(cumulative.size() - 1);
    }

    double meanMs() {
      return count() == 0 ? Double.NaN : sum / count() * 1000;
    }

    /** Returns the upper bound (ms) of the bucket holding quantile {@code q}; infinite past the last bound. */
    double quantileBoundMs(double q) {
      double want = q * count();
      for (int i = 0; i < bounds.size(); i++) {
        if (cumulative.get(i) >= want) {
          return bounds.get(i) * 1000;
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }

  /** What wrk measured at one connection count. */
  record Run(int connections, double p50Ms, double p99Ms, double rps, long non2xx) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("--items", "100000,1000000");
    opts.put("--users", "10000");
    opts.put("--index", "IVF1024,Flat");
    opts.put("--connections", "2,8");
    opts.put("--seconds", "20");
    opts.put("--warmup", "10");
    opts.put("--conf", "local");
    opts.put("--dir", System.getProperty("java.io.tmpdir") + "/recsys-serving-bench");
    opts.put("--results", "");
    for (int i = 0; i < args.length; i += 2) {
      if (!opts.containsKey(args[i]) || i + 1 >= args.length) {
        System.err.println("unknown option or missing value: " + args[i] + "; options: " + opts.keySet());
        System.exit(2);
      }
      opts.put(args[i], args[i + 1]);
    }
    Path dir = Path.of(opts.get("--dir"));
    Files.createDirectories(dir);
    int users = Integer.parseInt(opts.get("--users"));
    int seconds = Integer.parseInt(opts.get("--seconds"));
    int warmup = Integer.parseInt(opts.get("--warmup"));
    List<Integer> connections = ints(opts.get("--connections"));
    // Every user in one DLRM variant: the default experiment sends half of them to retrieval only.
    Path overlay = dir.resolve("bench-overlay.yaml");
    Files.writeString(overlay, """
        serving:
          experiment:
            name: serving_benchmark
            variants:
              - name: dlrm
                weight: 1.0
                ranker: dlrm
        """);
    RecsysConfig base = ConfigLoader.load(opts.get("--conf") + "," + overlay);
    RecsysConfig cfg = base.withStorage(new StorageConfig(dir.resolve("lake").toString()));
    Path script = dir.resolve("recommend.lua");
    Files.writeString(script, lua(users));
    String machine = machine();
    System.out.printf(Locale.ROOT, "serving benchmark on %s; retrieval pool %d, %d worker(s), queue %d, onnx threads "
            + "%d, nprobe %d, JVM %s%n", machine, cfg.serving().retrievalPool(), cfg.serving().workerThreads(),
        cfg.serving().queue(), cfg.serving().onnxThreads(), cfg.serving().faissNprobe(),
        String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));

    for (int items : ints(opts.get("--items"))) {
      Path bundles = dir.resolve("bundles-" + items);
      deleteTree(bundles);
      long start = System.nanoTime();
      SyntheticBundles.Spec spec = new SyntheticBundles.Spec(users, items, CATEGORIES, DIM, opts.get("--index"), SEED,
          AS_OF_MS);
      String version = SyntheticBundles.publish(bundles, BundleVersion.of(Instant.now(), "bench" + items), spec, null);
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "built bundle %s: %d items, %d users, dim %d, index %s in %.1f s%n", version,
          items, users, DIM, spec.indexFactory(), buildSeconds);

      List<Run> runs = new ArrayList<>();
      String load;
      Javalin app = ServingMain.start(bundles, cfg, "127.0.0.1", 0);
      try {
        String url = "http://127.0.0.1:" + app.port();
        warmUp(url, users, warmup);
        String loadBefore = BenchmarkResults.loadAverage();
        for (int c : connections) {
          String before = scrape(url);
          String out = wrk(url, script, c, seconds);
          String after = scrape(url);
          Run run = parse(c, out);
          runs.add(run);
          System.out.printf(Locale.ROOT, "items=%d connections=%d p50=%.2fms p99=%.2fms rps=%.1f non2xx=%d%n", items,
              c, run.p50Ms(), run.p99Ms(), run.rps(), run.non2xx());
          System.out.print(stageTable(stages(before, after)));
        }
        load = loadBefore + " before, " + BenchmarkResults.loadAverage() + " after";
      } finally {
        app.stop();
      }
      deleteTree(bundles);
      if (!opts.get("--results").isEmpty()) {
        record(Path.of(opts.get("--results")), items, users, spec.indexFactory(), cfg, seconds, machine, load,
            buildSeconds, runs);
      }
    }
  }

  private static void record(Path results, int items, int users, String index, RecsysConfig cfg, int seconds,
      String machine, String load, double buildSeconds, List<Run> runs) {
    String size = sizeKey(items);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String how = String.format(Locale.ROOT, "./recsys bench-serving --items %d: wrk %d s on 127.0.0.1, full pipeline "
            + "(%s nprobe %d, pool %d, DLRM, %d users), %s, /proc/loadavg %s", items, seconds, index,
        cfg.serving().faissNprobe(), cfg.serving().retrievalPool(), users, machine, load);
    for (Run r : runs) {
      String prefix = "serving." + size + ".c" + r.connections() + ".";
      if (r.non2xx() > 0) {
        System.out.printf("not recording %s*: %d responses were not 2xx%n", prefix, r.non2xx());
        continue;
      }
      BenchmarkResults.record(results, prefix + "p50_ms", round2(r.p50Ms()), "ms", how, today);
      BenchmarkResults.record(results, prefix + "p99_ms", round2(r.p99Ms()), "ms", how, today);
      BenchmarkResults.record(results, prefix + "rps", Math.round(r.rps() * 10) / 10.0, "requests/s", how, today);
    }
    BenchmarkResults.record(results, "serving." + size + ".bundle_build_s", Math.round(buildSeconds * 10) / 10.0,
        "s", how, today);
  }

  /** Returns {@code items_1e6} for 1000000, {@code items_1e5} for 100000, {@code items_N} otherwise. */
  static String sizeKey(int items) {
    int exp = 0;
    int n = items;
    while (n >= 10 && n % 10 == 0) {
      n /= 10;
      exp++;
    }
    return n == 1 ? "items_1e" + exp : "items_" + items;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
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

  // Sequential requests for a while, so the JIT has compiled the request path before wrk measures it.
  private static void warmUp(String url, int users, int seconds) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long until = System.currentTimeMillis() + seconds * 1000L;
    for (int i = 0; System.currentTimeMillis() < until; i++) {
      String body = String.format(Locale.ROOT, "{\"user_id\":\"u%06d\",\"k\":20}", i % users);
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url + "/recommend"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("warm-up request answered " + r.statusCode());
      }
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

  static Run parse(int connections, String wrk) {
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
    if (!pct.containsKey("50") || !pct.containsKey("99") || !rps.find()) {
      throw new IllegalStateException("cannot read p50, p99 and requests/sec from wrk's output:\n" + wrk);
    }
    return new Run(connections, pct.get("50"), pct.get("99"), Double.parseDouble(rps.group(1)),
        non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
  }

  private static String scrape(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Returns each stage's histogram of the requests between two scrapes of {@code /metrics}. */
  static Map<String, StageHistogram> stages(String before, String after) {
    Map<String, Map<String, Double>> b = parseStages(before);
    Map<String, Map<String, Double>> a = parseStages(after);
    Map<String, StageHistogram> out = new LinkedHashMap<>();
    a.forEach((stage, values) -> {
      Map<String, Double> prev = b.getOrDefault(stage, Map.of());
      List<Double> bounds = new ArrayList<>();
      List<Double> cumulative = new ArrayList<>();
      values.forEach((k, v) -> {
        if (k.startsWith("le=")) {
          String le = k.substring(3);
          bounds.add(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le));
          cumulative.add(v - prev.getOrDefault(k, 0.0));
        }
      });
      StageHistogram h = new StageHistogram(bounds, cumulative, values.get("sum") - prev.getOrDefault("sum", 0.0));
      if (h.count() > 0) {
        out.put(stage, h);
      }
    });
    return out;
  }

  private static Map<String, Map<String, Double>> parseStages(String metrics) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    Matcher m = STAGE.matcher(metrics);
    while (m.find()) {
      String key = m.group(1).equals("bucket") ? "le=" + m.group(3) : m.group(1);
      out.computeIfAbsent(m.group(2), s -> new LinkedHashMap<>()).put(key, Double.parseDouble(m.group(4)));
    }
    return out;
  }

  /** The per-stage lines: requests, mean, and the histogram buckets holding p50 and p99. */
  static String stageTable(Map<String, StageHistogram> stages) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "  %-12s %8s %9s %9s %9s%n", "stage", "count",
        "mean_ms", "p50<=ms", "p99<=ms"));
    stages.forEach((stage, h) -> s.append(String.format(Locale.ROOT, "  %-12s %8.0f %9.3f %9s %9s%n", stage,
        h.count(), h.meanMs(), bound(h.quantileBoundMs(0.5)), bound(h.quantileBoundMs(0.99)))));
    return s.toString();
  }

  private static String bound(double ms) {
    return Double.isInfinite(ms) ? "+Inf" : String.format(Locale.ROOT, "%.1f", ms);
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // Not Linux: the core count is still known.
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores";
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
