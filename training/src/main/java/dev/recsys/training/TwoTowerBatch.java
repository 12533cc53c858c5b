package dev.recsys.training;

/**
 * One two-tower training batch: row i pairs a user with an item the user interacted with (the positive); the
 * other rows' items are its in-batch negatives.
 *
 * @param users user-tower inputs [B, ...]
 * @param items item-tower inputs of the positives [B, ...]
 * @param itemLogQ log of each positive item's sampling probability [B], for the log-q correction
 */
public record TwoTowerBatch(UserFeatures users, ItemFeatures items, float[] itemLogQ) {

  public TwoTowerBatch {
    if (users.size() != items.size()) {
      throw new IllegalArgumentException(
          "batch has " + users.size() + " users but " + items.size() + " items; rows must pair up");
    }
    Shapes.checkRows("item_log_q", itemLogQ.length, users.size(), 1);
  }

  /** Returns the number of (user, item) pairs B. */
  public int size() {
    return users.size();
  }
}
