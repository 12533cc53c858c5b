package dev.recsys.pipelines.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Records measured figures in {@code benchmarks/results.json} as
 * {@code {"key": {"value": v, "unit": u, "how": command, "date": d}}}, replacing earlier figures of the same key
 * and keeping the others. Only benchmark commands write it; nobody edits it by hand.
 */
public final class BenchmarkResults {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private BenchmarkResults() {}

  public static void record(Path file, String key, double value, String unit, String how, LocalDate date) {
    try {
      ObjectNode root = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
      ObjectNode entry = JSON.createObjectNode();
      entry.put("value", value);
      entry.put("unit", unit);
      entry.put("how", how);
      entry.put("date", date.toString());
      root.set(key, entry);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Object sorted = JSON.treeToValue(root, java.util.TreeMap.class);
      JSON.writeValue(file.toFile(), sorted);
      System.out.printf("recorded %s = %s %s in %s%n", key, value, unit, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update " + file, e);
    }
  }
}
