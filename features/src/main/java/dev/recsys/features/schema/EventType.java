package dev.recsys.features.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The interaction kinds recsys understands, from weakest to strongest signal; RATING carries explicit feedback. */
public enum EventType {
  VIEW,
  CLICK,
  ADD_TO_CART,
  PURCHASE,
  FAVORITE,
  RATING;

  /** The name used in landing files and tables: lower snake_case, e.g. {@code add_to_cart}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the type for a wire name, or empty for anything unknown (validation quarantines those). */
  public static Optional<EventType> fromWire(String wire) {
    if (wire == null) {
      return Optional.empty();
    }
    return Arrays.stream(values()).filter(t -> t.wireName().equals(wire)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(EventType::wireName).toList();
  }
}
