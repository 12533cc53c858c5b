package dev.recsys.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic retrieval world with real structure, for tests and benchmarks: users and items belong to clusters,
 * a user's interactions come from its own cluster with probability {@code affinity} (else from any item), and an
 * item's category, tokens and dense features, like a user's dense features and history, carry its cluster with
 * noise. Indexes follow the recsys convention: 0 padding, 1 oov, real ids from 2.
 */
public final class SyntheticTwoTowerData {

  /**
   * Sizes of the world.
   *
   * @param users number of users
   * @param items number of items
   * @param clusters number of taste clusters
   * @param categories number of item categories
   * @param tokens number of content tokens
   * @param historyLength H, history slots per user (filled 1..H, the rest padding)
   * @param tokensPerItem T, token slots per item (filled 1..T, the rest padding)
   * @param userDenseDim Du
   * @param itemDenseDim Di
   * @param affinity probability that an interaction stays in the user's cluster
   */
  public record Sizes(
      int users,
      int items,
      int clusters,
      int categories,
      int tokens,
      int historyLength,
      int tokensPerItem,
      int userDenseDim,
      int itemDenseDim,
      float affinity) {

    public Sizes {
      for (int n : new int[] {users, items, clusters, categories, tokens, historyLength, tokensPerItem,
          userDenseDim, itemDenseDim}) {
        Check.positive("synthetic sizes", n);
      }
      if (items < clusters || categories < clusters || tokens < clusters) {
        throw new IllegalArgumentException("need at least one item, category and token per cluster");
      }
      if (!(affinity >= 0 && affinity <= 1)) {
        throw new IllegalArgumentException("affinity must be in [0, 1], got " + affinity);
      }
    }
  }

  /** Probability that an item's category or a token comes from its cluster's share rather than at random. */
  private static final double FEATURE_SIGNAL = 0.8;
  private static final double DENSE_NOISE = 0.7;

  private final Sizes sizes;
  private final int[] userCluster;
  private final int[] itemCluster;
  private final int[][] clusterItems;
  private final long[] itemCategory;
  private final long[] itemTokens; // [items, T]
  private final float[] itemDense; // [items, Di]
  private final float[] userDense; // [users, Du]
  private final long[] history; // [users, H]
  private final float[] itemLogQ; // [items]

  /** Builds the world from {@code seed}. */
  public SyntheticTwoTowerData(Sizes sizes, long seed) {
    this.sizes = sizes;
    Random r = new Random(seed);
    userCluster = new int[sizes.users()];
    itemCluster = new int[sizes.items()];
    for (int u = 0; u < sizes.users(); u++) {
      userCluster[u] = r.nextInt(sizes.clusters());
    }
    List<List<Integer>> members = new ArrayList<>();
    for (int c = 0; c < sizes.clusters(); c++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < sizes.items(); i++) {
      // The first items cover every cluster, so none is empty.
      itemCluster[i] = i < sizes.clusters() ? i : r.nextInt(sizes.clusters());
      members.get(itemCluster[i]).add(i);
    }
    clusterItems = members.stream().map(m -> m.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);

    itemCategory = new long[sizes.items()];
    itemTokens = new long[sizes.items() * sizes.tokensPerItem()];
    for (int i = 0; i < sizes.items(); i++) {
      itemCategory[i] = 2 + clusterShare(r, itemCluster[i], sizes.categories());
      int filled = 1 + r.nextInt(sizes.tokensPerItem());
      for (int t = 0; t < filled; t++) {
        itemTokens[i * sizes.tokensPerItem() + t] = 2 + clusterShare(r, itemCluster[i], sizes.tokens());
      }
    }
    itemDense = clusterFeatures(r, itemCluster, sizes.itemDenseDim());
    userDense = clusterFeatures(r, userCluster, sizes.userDenseDim());

    history = new long[sizes.users() * sizes.historyLength()];
    for (int u = 0; u < sizes.users(); u++) {
      int filled = 1 + r.nextInt(sizes.historyLength());
      for (int h = 0; h < filled; h++) {
        history[u * sizes.historyLength() + h] = 2 + interaction(r, u);
      }
    }

    int[] usersPerCluster = new int[sizes.clusters()];
    for (int c : userCluster) {
      usersPerCluster[c]++;
    }
    itemLogQ = new float[sizes.items()];
    for (int i = 0; i < sizes.items(); i++) {
      int c = itemCluster[i];
      double q = (double) usersPerCluster[c] / sizes.users() * sizes.affinity() / clusterItems[c].length
          + (1 - sizes.affinity()) / sizes.items();
      itemLogQ[i] = (float) Math.log(q);
    }
  }

  /** Returns the sizes. */
  public Sizes sizes() {
    return sizes;
  }

  /** Returns a model config whose vocabularies and dense widths fit this world, with the exact log-q correction. */
  public TwoTowerConfig config(
      int embeddingDim, List<Integer> hiddenSizes, int outputDim, float temperature, float idDropout) {
    return new TwoTowerConfig(sizes.users() + 2, sizes.items() + 2, sizes.categories() + 2, sizes.tokens() + 2,
        sizes.userDenseDim(), sizes.itemDenseDim(), embeddingDim, hiddenSizes, outputDim, temperature, 1f,
        idDropout);
  }

  /** Returns {@code count} batches of {@code batchSize} interactions; every iteration yields the same batches. */
  public Iterable<TwoTowerBatch> batches(int batchSize, int count, long seed) {
    return DrawnBatches.of(count, seed, random -> sample(batchSize, random));
  }

  /** Returns {@code size} interactions: random users, each with an item drawn from its preferences. */
  public TwoTowerBatch sample(int size, Random random) {
    long[] users = new long[size];
    long[] items = new long[size];
    float[] logQ = new float[size];
    for (int k = 0; k < size; k++) {
      int u = random.nextInt(sizes.users());
      int i = interaction(random, u);
      users[k] = 2 + u;
      items[k] = 2 + i;
      logQ[k] = itemLogQ[i];
    }
    return new TwoTowerBatch(users(users), items(items), logQ);
  }

  /** Returns the user-tower inputs of the users with the given indexes (real users, from 2). */
  public UserFeatures users(long[] userIdx) {
    int du = sizes.userDenseDim();
    int h = sizes.historyLength();
    float[] dense = new float[userIdx.length * du];
    long[] hist = new long[userIdx.length * h];
    for (int k = 0; k < userIdx.length; k++) {
      int u = (int) userIdx[k] - 2;
      System.arraycopy(userDense, u * du, dense, k * du, du);
      System.arraycopy(history, u * h, hist, k * h, h);
    }
    return new UserFeatures(userIdx, dense, du, hist, h);
  }

  /** Returns the item-tower inputs of the items with the given indexes (real items, from 2). */
  public ItemFeatures items(long[] itemIdx) {
    int di = sizes.itemDenseDim();
    int t = sizes.tokensPerItem();
    long[] cats = new long[itemIdx.length];
    float[] dense = new float[itemIdx.length * di];
    long[] tokens = new long[itemIdx.length * t];
    for (int k = 0; k < itemIdx.length; k++) {
      int i = (int) itemIdx[k] - 2;
      cats[k] = itemCategory[i];
      System.arraycopy(itemDense, i * di, dense, k * di, di);
      System.arraycopy(itemTokens, i * t, tokens, k * t, t);
    }
    return new ItemFeatures(itemIdx, cats, dense, di, tokens, t);
  }

  /** Returns the item-tower inputs of the whole catalogue; row k is item index k + 2. */
  public ItemFeatures allItems() {
    long[] idx = new long[sizes.items()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i + 2;
    }
    return items(idx);
  }

  /** Returns {@code perBatch} uniform negatives per batch drawn from the whole catalogue ({@link #allItems}). */
  public UniformNegatives uniformNegatives(int perBatch) {
    return new UniformNegatives(allItems(), itemLogQ.clone(), perBatch);
  }

  /** Returns an item of user {@code u}'s cluster with probability affinity, else any item (0-based ids). */
  private int interaction(Random r, int u) {
    if (r.nextDouble() < sizes.affinity()) {
      int[] own = clusterItems[userCluster[u]];
      return own[r.nextInt(own.length)];
    }
    return r.nextInt(sizes.items());
  }

  /** Returns a value in [0, n): from cluster c's contiguous share of [0, n) with probability FEATURE_SIGNAL. */
  private int clusterShare(Random r, int c, int n) {
    if (r.nextDouble() >= FEATURE_SIGNAL) {
      return r.nextInt(n);
    }
    int from = (int) ((long) c * n / sizes.clusters());
    int to = (int) ((long) (c + 1) * n / sizes.clusters());
    return from + r.nextInt(Math.max(to - from, 1));
  }

  /** Returns [rows, dim]: each row its cluster's random centroid plus Gaussian noise. */
  private float[] clusterFeatures(Random r, int[] cluster, int dim) {
    float[] centroids = new float[sizes.clusters() * dim];
    for (int i = 0; i < centroids.length; i++) {
      centroids[i] = (float) r.nextGaussian();
    }
    float[] out = new float[cluster.length * dim];
    for (int row = 0; row < cluster.length; row++) {
      for (int d = 0; d < dim; d++) {
        out[row * dim + d] = (float) (centroids[cluster[row] * dim + d] + DENSE_NOISE * r.nextGaussian());
      }
    }
    return out;
  }
}
