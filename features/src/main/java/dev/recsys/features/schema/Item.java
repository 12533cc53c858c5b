package dev.recsys.features.schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One catalog item; see {@link Schemas#ITEMS}. */
public record Item(String itemId, String category, Double price, Instant createdAt, String title, List<String> tags) {

  public Item {
    Objects.requireNonNull(itemId, "item_id");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
