package dev.recsys.serving;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The server's metrics in the Prometheus text exposition format (version 0.0.4), written by hand to keep the
 * classpath small: latency histograms per route and per recommend stage, requests by route and status, bundle
 * loads, fallbacks, rejections, and gauges read at scrape time (bundle age, cache sizes).
 */
public final class ServingMetrics {

  /** Histogram bucket upper bounds in seconds. */
  private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  private final Map<String, Histogram> stages = new ConcurrentHashMap<>();
  private final Map<String, Histogram> routes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> bundleLoads = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
  private final LongAdder rejected = new LongAdder();
  private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, Supplier<String>> infos = new ConcurrentHashMap<>();

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length];
    final DoubleAdder sum = new DoubleAdder();
    final LongAdder count = new LongAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      sum.add(seconds);
      count.increment();
    }
  }

  /** Records one recommend stage ({@code user_tower}, {@code retrieve}, {@code features}, ...) taking {@code nanos}. */
  public void stage(String stage, long nanos) {
    stages.computeIfAbsent(stage, s -> new Histogram()).observe(nanos / 1e9);
  }

  /** Records one finished request of {@code route} with its HTTP status and duration. */
  public void request(String route, int status, long nanos) {
    routes.computeIfAbsent(route, r -> new Histogram()).observe(nanos / 1e9);
    requests.computeIfAbsent(label("route", route) + "," + label("status", Integer.toString(status)),
        k -> new LongAdder()).increment();
  }

  /** Counts a bundle load attempt by result ({@code success}, {@code failure}). */
  public void bundleLoad(String result) {
    bundleLoads.computeIfAbsent(result, r -> new LongAdder()).increment();
  }

  /** Counts an answer served from popularity because of {@code cause} ({@code cold_start}, {@code model_error}). */
  public void fallback(String cause) {
    fallbacks.computeIfAbsent(cause, r -> new LongAdder()).increment();
  }

  /** Counts a request turned away because the worker pool and its queue were full. */
  public void rejected() {
    rejected.increment();
  }

  /** Registers a gauge read at each scrape; {@code name} may carry labels ({@code x{a="b"}}), NaN values are skipped. */
  public void gauge(String name, DoubleSupplier value) {
    gauges.put(name, value);
  }

  /**
   * Registers an info metric: {@code name{label="value"} 1} with the value read at each scrape, skipped while
   * it is null (the loaded bundle's version, for example).
   */
  public void info(String name, String label, Supplier<String> value) {
    infos.put(name + "\0" + label, value);
  }

  /** Returns every metric in the Prometheus text format. */
  public String scrape() {
    StringBuilder out = new StringBuilder(4096);
    histograms(out, "recsys_request_seconds", "Request latency by route.", "route", routes);
    histograms(out, "recsys_stage_seconds", "Recommend latency by pipeline stage.", "stage", stages);
    counters(out, "recsys_requests_total", "Requests by route and status.", requests, null);
    counters(out, "recsys_bundle_loads_total", "Bundle load attempts by result.", bundleLoads, "result");
    counters(out, "recsys_fallbacks_total", "Answers served from popularity, by cause.", fallbacks, "cause");
    out.append("# HELP recsys_rejected_total Requests answered 503 because the worker pool was full.\n")
        .append("# TYPE recsys_rejected_total counter\n")
        .append("recsys_rejected_total ").append(rejected.sum()).append('\n');
    new TreeMap<>(gauges).forEach((name, supplier) -> {
      double v = supplier.getAsDouble();
      if (!Double.isNaN(v)) {
        String family = name.contains("{") ? name.substring(0, name.indexOf('{')) : name;
        out.append("# TYPE ").append(family).append(" gauge\n").append(name).append(' ').append(num(v)).append('\n');
      }
    });
    new TreeMap<>(infos).forEach((key, supplier) -> {
      String v = supplier.get();
      if (v != null) {
        String name = key.substring(0, key.indexOf('\0'));
        out.append("# TYPE ").append(name).append(" gauge\n").append(name).append('{')
            .append(label(key.substring(key.indexOf('\0') + 1), v)).append("} 1\n");
      }
    });
    return out.toString();
  }

  private static void histograms(StringBuilder out, String name, String help, String labelName,
      Map<String, Histogram> byLabel) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    new TreeMap<>(byLabel).forEach((value, h) -> {
      String l = label(labelName, value);
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += h.counts[i].sum();
        out.append(name).append("_bucket{").append(l).append(",le=\"").append(num(BUCKETS[i])).append("\"} ")
            .append(cumulative).append('\n');
      }
      long count = h.count.sum();
      out.append(name).append("_bucket{").append(l).append(",le=\"+Inf\"} ").append(count).append('\n');
      out.append(name).append("_sum{").append(l).append("} ").append(num(h.sum.sum())).append('\n');
      out.append(name).append("_count{").append(l).append("} ").append(count).append('\n');
    });
  }

  private static void counters(StringBuilder out, String name, String help, Map<String, LongAdder> byLabel,
      String labelName) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    new TreeMap<>(byLabel).forEach((key, n) -> out.append(name).append('{')
        .append(labelName == null ? key : label(labelName, key)).append("} ").append(n.sum()).append('\n'));
  }

  /** Returns {@code name="value"} with the value escaped as the text format requires. */
  static String label(String name, String value) {
    return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}
