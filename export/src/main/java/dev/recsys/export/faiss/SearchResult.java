package dev.recsys.export.faiss;

/**
 * The k nearest neighbours of each of {@code nq} queries.
 *
 * <p>{@code ids} and {@code scores} are row-major {@code [nq * k]}: query q's results sit at
 * {@code q * k .. q * k + k - 1}, nearest first. Where fewer than k vectors were found the id is -1 (and
 * the score faiss's sentinel: -Float.MAX_VALUE for inner product, Float.MAX_VALUE for L2). Scores are inner
 * products or squared L2 distances, see {@link Metric}. Records compare arrays by reference.
 */
public record SearchResult(long[] ids, float[] scores, int nq, int k) {
  /** Checks that both arrays hold {@code nq * k} entries. */
  public SearchResult {
    if (nq < 0 || k <= 0 || ids.length != (long) nq * k || scores.length != ids.length) {
      throw new IllegalArgumentException("expects ids and scores of length nq * k = " + nq + " * " + k
          + " but got " + ids.length + " ids and " + scores.length + " scores");
    }
  }

  /** Returns the id of query {@code query}'s result at {@code rank} (0 = nearest). */
  public long id(int query, int rank) {
    return ids[offset(query, rank)];
  }

  /** Returns the score of query {@code query}'s result at {@code rank} (0 = nearest). */
  public float score(int query, int rank) {
    return scores[offset(query, rank)];
  }

  private int offset(int query, int rank) {
    if (query < 0 || query >= nq || rank < 0 || rank >= k) {
      throw new IndexOutOfBoundsException("query " + query + ", rank " + rank + " outside nq=" + nq + ", k=" + k);
    }
    return query * k + rank;
  }
}
