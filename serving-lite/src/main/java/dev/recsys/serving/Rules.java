package dev.recsys.serving;

import dev.recsys.features.spec.ItemAggregates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The business rules applied after ranking: a freshness boost {@code score * (1 + a * exp(-age_days / tau))}, then
 * at most {@code maxPerCategory} items of one category among the first ten, then the top {@code k}.
 */
public final class Rules {

  /** How many leading positions the category cap applies to. */
  public static final int DIVERSE_POSITIONS = 10;
  private static final double DAY_MS = 86_400_000d;

  private final double boost;
  private final double tauDays;
  private final int maxPerCategory;

  /**
   * A ranked candidate: item row and id, its category, creation time, score, the freshness multiplier already in
   * the score (1 before {@link #apply}) and why it was chosen. {@link #apply} never reads the id, so a caller may
   * leave it null in the candidates and fill it in for the items it returns.
   */
  public record Scored(int row, String itemId, String category, long createdMs, double score, double freshness,
      String reason) {

    /** Returns the reason, with the freshness boost when it changed the score by 1% or more. */
    public String explained() {
      return freshness >= 1.01 ? reason + String.format(Locale.ROOT, ", fresh item x%.2f", freshness) : reason;
    }
  }

  public Rules(double boost, double tauDays, int maxPerCategory) {
    this.boost = boost;
    this.tauDays = tauDays;
    this.maxPerCategory = maxPerCategory;
  }

  /** Returns the multiplier the freshness boost gives an item created at {@code createdMs}, as of {@code nowMs}. */
  public double freshness(long createdMs, long nowMs) {
    if (createdMs == ItemAggregates.UNKNOWN_CREATED) {
      return 1;
    }
    double ageDays = Math.max(0, (nowMs - createdMs) / DAY_MS);
    return 1 + boost * Math.exp(-ageDays / tauDays);
  }

  /**
   * Returns the first {@code k} candidates after boosting their scores and ordering them best first, with no
   * category more than {@code maxPerCategory} times in the first ten (a capped item moves down behind them; when
   * nothing else is left, capped items fill the remaining places).
   */
  public List<Scored> apply(List<Scored> candidates, long nowMs, int k) {
    List<Scored> boosted = new ArrayList<>(candidates.size());
    for (Scored c : candidates) {
      double f = freshness(c.createdMs(), nowMs);
      boosted.add(new Scored(c.row(), c.itemId(), c.category(), c.createdMs(), c.score() * f, c.freshness() * f,
          c.reason()));
    }
    boosted.sort(Comparator.comparingDouble(Scored::score).reversed());
    // The first ten take the best items whose category is under the cap; everything else follows in score order.
    List<Scored> out = new ArrayList<>(Math.min(k, boosted.size()));
    List<Scored> rest = new ArrayList<>();
    Map<String, Integer> perCategory = new HashMap<>();
    for (Scored c : boosted) {
      int seen = perCategory.getOrDefault(c.category(), 0);
      if (out.size() < Math.min(k, DIVERSE_POSITIONS) && seen < maxPerCategory) {
        perCategory.put(c.category(), seen + 1);
        out.add(c);
      } else {
        rest.add(c);
      }
    }
    for (Scored c : rest) {
      if (out.size() >= k) {
        break;
      }
      out.add(c);
    }
    return out;
  }
}
