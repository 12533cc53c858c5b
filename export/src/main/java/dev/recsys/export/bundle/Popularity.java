package dev.recsys.export.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bundle's fallback lists of item ids, most popular first ({@link BundleLayout#POPULARITY}): all-time, recent,
 * and recent per placement and per device. The export writes them, serving answers users it cannot score from them,
 * and the evaluation scores such users with {@link #fallbackOrder}, the order serving answers in.
 *
 * @param global all-time, most events first
 * @param recent the recent window
 * @param byPlacement recent, per placement value
 * @param byDevice recent, per device value
 */
public record Popularity(List<String> global, List<String> recent, Map<String, List<String>> byPlacement,
    Map<String, List<String>> byDevice) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** One list chosen for a context, and which list it is ({@code placement:home}, {@code recent}, ...). */
  public record Choice(String source, List<String> itemIds) {}

  public Popularity {
    global = List.copyOf(global == null ? List.of() : global);
    recent = List.copyOf(recent == null ? List.of() : recent);
    byPlacement = sorted(byPlacement);
    byDevice = sorted(byDevice);
  }

  /** Returns the lists stored at {@code file}. */
  public static Popularity read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readValue(in, Popularity.class);
    }
  }

  /** Returns the JSON form of these lists, as the export writes them (keys sorted, so equal lists give equal bytes). */
  public byte[] toJson() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  /**
   * Returns the most specific non-empty list for the context: the placement's, else the device's, else the
   * recent one, else the global one (null placement or device are skipped).
   */
  public Choice forContext(String placement, String device) {
    List<String> p = placement == null ? null : byPlacement.get(placement);
    if (p != null && !p.isEmpty()) {
      return new Choice("placement:" + placement, p);
    }
    List<String> d = device == null ? null : byDevice.get(device);
    if (d != null && !d.isEmpty()) {
      return new Choice("device:" + device, d);
    }
    return recent.isEmpty() ? new Choice("global", global) : new Choice("recent", recent);
  }

  /** Returns the item ids in the order serving answers from: the {@link #forContext} list, then the global one. */
  public List<String> fallbackOrder(String placement, String device) {
    Set<String> ids = new LinkedHashSet<>(forContext(placement, device).itemIds());
    ids.addAll(global);
    return List.copyOf(ids);
  }

  private static Map<String, List<String>> sorted(Map<String, List<String>> lists) {
    Map<String, List<String>> out = new TreeMap<>();
    if (lists != null) {
      lists.forEach((key, ids) -> out.put(key, List.copyOf(ids)));
    }
    return Collections.unmodifiableMap(out);
  }
}
