package dev.recsys.serving;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bundle's fallback lists of item ids, most popular first ({@code popularity.json}): all-time, recent, and
 * recent per placement and per device.
 */
public record Popularity(List<String> global, List<String> recent, Map<String, List<String>> byPlacement,
    Map<String, List<String>> byDevice) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One list chosen for a context, and which list it is ({@code placement:home}, {@code recent}, ...). */
  public record Choice(String source, List<String> itemIds) {}

  public Popularity {
    global = List.copyOf(global == null ? List.of() : global);
    recent = List.copyOf(recent == null ? List.of() : recent);
    byPlacement = Map.copyOf(byPlacement == null ? Map.of() : byPlacement);
    byDevice = Map.copyOf(byDevice == null ? Map.of() : byDevice);
  }

  /** Returns the lists stored at {@code file}. */
  public static Popularity read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readValue(in, Popularity.class);
    }
  }

  /** Returns the JSON form of these lists, as the export writes {@code popularity.json}. */
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
}
