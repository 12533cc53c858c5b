package dev.recsys.training.eval;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the models' evaluations of one run and builds an {@link EvaluationReport}: bootstrapped means for the
 * per-user metrics, coverage, ranker metrics, paired comparisons, and all of these again for every slice of users.
 *
 * <p>All models given per-user metrics must have been evaluated on the same users, so that comparisons are paired
 * and every n agrees. Ranker metrics are per example, not per user, so they appear only in the overall section.
 */
public final class ReportBuilder {

  private record Requested(String a, String b, List<String> metrics) {}

  private final LocalDate runDate;
  private final String splitKind;
  private final Bootstrap bootstrap;
  private final Set<String> modelOrder = new LinkedHashSet<>();
  private final Map<String, UserMetrics> userMetrics = new LinkedHashMap<>();
  private final Map<String, Map<String, MetricValue>> rankerMetrics = new LinkedHashMap<>();
  private final Map<String, List<Float>> lossCurves = new LinkedHashMap<>();
  private final List<Requested> comparisons = new ArrayList<>();
  private final Map<String, Set<Long>> slices = new LinkedHashMap<>();

  /**
   * Starts a report for the run ending at {@code runDate} on a {@code splitKind} split, with intervals from
   * {@code bootstrap}.
   */
  public ReportBuilder(LocalDate runDate, String splitKind, Bootstrap bootstrap) {
    this.runDate = runDate;
    this.splitKind = splitKind;
    this.bootstrap = bootstrap;
  }

  /** Adds a model's per-user ranking metrics; fails when the model already has them or saw other users. */
  public ReportBuilder model(String name, UserMetrics metrics) {
    if (userMetrics.containsKey(name)) {
      throw new IllegalArgumentException("model '" + name + "' already has ranking metrics");
    }
    if (!userMetrics.isEmpty()) {
      Map.Entry<String, UserMetrics> first = userMetrics.entrySet().iterator().next();
      first.getValue().requireSameUsers(metrics, first.getKey(), name);
    }
    modelOrder.add(name);
    userMetrics.put(name, metrics);
    return this;
  }

  /**
   * Adds {@code <task>_auc} and {@code <task>_log_loss} of a ranker's predicted probabilities against 0/1
   * labels, with n the number of examples and no interval.
   */
  public ReportBuilder ranker(String model, String task, float[] probabilities, float[] labels) {
    int n = probabilities.length;
    Map<String, MetricValue> metrics = rankerMetrics.computeIfAbsent(model, m -> new LinkedHashMap<>());
    if (metrics.containsKey(MetricNames.forTask(task, MetricNames.AUC))) {
      throw new IllegalArgumentException("model '" + model + "' already has metrics for task '" + task + "'");
    }
    metrics.put(MetricNames.forTask(task, MetricNames.AUC),
        MetricValue.withoutInterval(RankerMetrics.auc(probabilities, labels), n));
    metrics.put(MetricNames.forTask(task, MetricNames.LOG_LOSS),
        MetricValue.withoutInterval(RankerMetrics.logLoss(probabilities, labels), n));
    modelOrder.add(model);
    return this;
  }

  /** Adds a model's mean training loss per epoch, as in {@code TrainingResult.epochLosses()}. */
  public ReportBuilder lossCurve(String model, List<Float> epochLosses) {
    if (lossCurves.putIfAbsent(model, List.copyOf(epochLosses)) != null) {
      throw new IllegalArgumentException("model '" + model + "' already has a loss curve");
    }
    return this;
  }

  /** Requests the paired comparison of model {@code a} with model {@code b} on each of {@code metrics}. */
  public ReportBuilder compare(String a, String b, List<String> metrics) {
    if (a.equals(b)) {
      throw new IllegalArgumentException("cannot compare model '" + a + "' with itself");
    }
    comparisons.add(new Requested(a, b, List.copyOf(metrics)));
    return this;
  }

  /** Requests every metric and comparison again on the evaluated users among {@code userIds}. */
  public ReportBuilder slice(String name, Set<Long> userIds) {
    if (slices.putIfAbsent(name, Set.copyOf(userIds)) != null) {
      throw new IllegalArgumentException("slice '" + name + "' is already defined");
    }
    return this;
  }

  /** Returns the report; fails when a comparison or loss curve names an unknown model or metric. */
  public EvaluationReport build() {
    for (String model : lossCurves.keySet()) {
      if (!modelOrder.contains(model)) {
        throw new IllegalArgumentException("loss curve for unknown model '" + model + "'. Models: " + modelOrder);
      }
    }
    for (Requested r : comparisons) {
      for (String model : List.of(r.a(), r.b())) {
        UserMetrics m = userMetrics.get(model);
        if (m == null) {
          throw new IllegalArgumentException("cannot compare '" + model + "': no per-user metrics. Models with "
              + "per-user metrics: " + userMetrics.keySet());
        }
        for (String metric : r.metrics()) {
          if (!m.perUserMetrics().contains(metric)) {
            throw new IllegalArgumentException("cannot compare on '" + metric + "': comparisons need a metric "
                + "with per-user values, one of " + m.perUserMetrics());
          }
        }
      }
    }

    Map<String, Map<String, MetricValue>> models = new LinkedHashMap<>();
    for (String model : modelOrder) {
      Map<String, MetricValue> metrics = new LinkedHashMap<>();
      if (userMetrics.containsKey(model)) {
        metrics.putAll(summarize(userMetrics.get(model)));
      }
      metrics.putAll(rankerMetrics.getOrDefault(model, Map.of()));
      models.put(model, metrics);
    }

    Map<String, SliceReport> sliceReports = new LinkedHashMap<>();
    for (Map.Entry<String, Set<Long>> slice : slices.entrySet()) {
      Map<String, UserMetrics> subsets = new LinkedHashMap<>();
      userMetrics.forEach((model, m) -> subsets.put(model, m.subset(slice.getValue())));
      Map<String, Map<String, MetricValue>> sliceModels = new LinkedHashMap<>();
      subsets.forEach((model, m) -> sliceModels.put(model, summarize(m)));
      int n = subsets.isEmpty() ? 0 : subsets.values().iterator().next().size();
      sliceReports.put(slice.getKey(), new SliceReport(n, sliceModels, compareAll(subsets)));
    }

    UserMetrics any = userMetrics.isEmpty() ? null : userMetrics.values().iterator().next();
    ReportMetadata metadata = new ReportMetadata(runDate, splitKind,
        any == null ? 0 : any.size(),
        any == null ? 0 : any.excludedUsers(),
        any == null ? 0 : any.catalogSize(),
        bootstrap.resamples(), bootstrap.seed());
    return new EvaluationReport(metadata, models, lossCurves, compareAll(userMetrics), sliceReports);
  }

  /** Returns every per-user metric's mean with its interval, then coverage; empty when there are no users. */
  private Map<String, MetricValue> summarize(UserMetrics m) {
    Map<String, MetricValue> out = new LinkedHashMap<>();
    if (m.size() == 0) {
      return out;
    }
    List<String> names = m.perUserMetrics();
    List<Interval> intervals = bootstrap.means(names.stream().map(m::values).toList());
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), MetricValue.of(intervals.get(i)));
    }
    out.put(m.coverageMetric(), MetricValue.withoutInterval(m.catalogCoverage(), m.size()));
    return out;
  }

  /** Returns the requested comparisons on {@code metrics}' users; none when there are no users. */
  private List<Comparison> compareAll(Map<String, UserMetrics> metrics) {
    List<Comparison> out = new ArrayList<>();
    for (Requested r : comparisons) {
      UserMetrics a = metrics.get(r.a());
      UserMetrics b = metrics.get(r.b());
      if (a.size() == 0) {
        continue;
      }
      for (String metric : r.metrics()) {
        out.add(Comparison.of(metric, r.a(), r.b(), bootstrap.pairedDifference(a.values(metric), b.values(metric))));
      }
    }
    return out;
  }
}
