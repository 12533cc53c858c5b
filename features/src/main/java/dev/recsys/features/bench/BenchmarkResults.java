package dev.recsys.features.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records measured figures in {@code benchmarks/results.json} as
 * {@code {"key": {"value": v, "unit": u, "how": command, "date": d}}}, replacing earlier figures of the same key
 * and keeping the others, and regenerates the table in {@code benchmarks/README.md} from it. Only benchmark
 * commands write these files; nobody edits them by hand.
 */
public final class BenchmarkResults {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchmarkResults() {}

  /** Regenerates {@code README.md} beside the results file given as the only argument. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length == 1 ? args[0] : "benchmarks/results.json");
    Map<String, JsonNode> entries = new TreeMap<>();
    JSON.readTree(file.toFile()).fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
    Files.writeString(file.resolveSibling("README.md"), summary(entries));
  }

  public static void record(Path file, String key, double value, String unit, String how, LocalDate date) {
    try {
      Map<String, JsonNode> entries = new TreeMap<>();
      if (Files.exists(file)) {
        Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(file.toFile()).fields();
        it.forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
      }
      ObjectNode entry = JSON.createObjectNode();
      entry.put("value", value);
      entry.put("unit", unit);
      entry.put("how", how);
      entry.put("date", date.toString());
      entries.put(key, entry);
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), entries);
      Files.writeString(file.resolveSibling("README.md"), summary(entries));
      System.out.printf("recorded %s = %s %s in %s%n", key, value, unit, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update " + file, e);
    }
  }

  /** Returns the 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "unknown". */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The markdown summary of every recorded figure, one row per key. */
  static String summary(Map<String, JsonNode> entries) {
    StringBuilder s = new StringBuilder()
        .append("# Benchmarks\n\n")
        .append("Generated from `results.json` by the benchmark commands (`BenchmarkResults`): re-run them, never\n")
        .append("edit by hand. Each figure was measured where its command ran; on the 2-core development machines\n")
        .append("other builds may have shared the cores.\n\n")
        .append("| key | value | unit | how | date |\n|---|---|---|---|---|\n");
    entries.forEach((k, v) -> s.append("| `").append(k).append("` | ").append(v.path("value").asText())
        .append(" | ").append(v.path("unit").asText()).append(" | `").append(v.path("how").asText())
        .append("` | ").append(v.path("date").asText()).append(" |\n"));
    return s.toString();
  }
}
