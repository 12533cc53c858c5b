package dev.recsys.training.eval;

import java.util.Arrays;

/**
 * One evaluated user as the evaluation job collects it.
 *
 * @param userId the user's id, used to align models for paired comparisons and to select slices
 * @param ranked the model's recommended item ids, best first, at least as long as the largest cut-off evaluated
 * @param relevant the user's held-out relevant item ids, in any order
 */
public record UserRanking(long userId, long[] ranked, long[] relevant) {

  public UserRanking {
    if (ranked == null || relevant == null) {
      throw new IllegalArgumentException("user " + userId + ": ranked and relevant must not be null");
    }
  }

  /** Returns a ranking for int item ids. */
  public static UserRanking of(long userId, int[] ranked, int[] relevant) {
    return new UserRanking(userId, Arrays.stream(ranked).asLongStream().toArray(),
        Arrays.stream(relevant).asLongStream().toArray());
  }
}
