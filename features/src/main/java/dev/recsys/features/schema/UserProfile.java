package dev.recsys.features.schema;

import java.time.Instant;
import java.util.Objects;

/** One user profile; see {@link Schemas#USERS}. */
public record UserProfile(
    String userId, Instant createdAt, Integer age, String gender, String segment, String country) {

  public UserProfile {
    Objects.requireNonNull(userId, "user_id");
  }
}
