package dev.recsys.training;

/**
 * The user-tower inputs for a batch of users as flat row-major arrays; 1st axis is batch.
 *
 * @param userIdx user indexes [B] (0 padding, 1 out-of-vocabulary, real users from 2)
 * @param dense user dense features [B, denseDim]
 * @param denseDim width of {@code dense}
 * @param history item indexes of each user's history [B, historyLength], 0-padded
 * @param historyLength H &gt; 0, the same for every row of the batch; a user without history has a row of 0s
 */
public record UserFeatures(long[] userIdx, float[] dense, int denseDim, long[] history, int historyLength) {

  public UserFeatures {
    Shapes.checkRows("user_dense", dense.length, userIdx.length, denseDim);
    Shapes.checkRows("hist_items", history.length, userIdx.length, historyLength);
  }

  /** Returns the number of users B. */
  public int size() {
    return userIdx.length;
  }
}
