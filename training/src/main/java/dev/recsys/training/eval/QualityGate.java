package dev.recsys.training.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a candidate model is publishable: it must beat the published model on the configured metric by
 * the configured margin or, when nothing is published yet, every baseline. All models are read from one
 * {@link EvaluationReport}, so they were scored on the same test users.
 */
public final class QualityGate {

  private final QualityGateConfig config;

  /** Creates a gate that applies {@code config} to every decision. */
  public QualityGate(QualityGateConfig config) {
    this.config = config;
  }

  /**
   * Returns whether {@code candidate} beats the {@code published} model (both named as in {@code report}); fails
   * when the report lacks either model or the metric.
   */
  public GateDecision againstPublished(EvaluationReport report, String candidate, PublishedModel published) {
    Check check = check(report, candidate, published.model(), "published");
    String head = "candidate " + candidate + " " + config.metric() + " " + number(check.candidate()) + " ";
    if (!check.passed()) {
      return new GateDecision(false, head + check.failure() + ": keeping " + published.version());
    }
    return new GateDecision(true, head + check.success() + ": replacing " + published.version());
  }

  /**
   * Returns whether {@code candidate} beats every one of {@code baselines}, for the first publication; fails
   * when there are no baselines or the report lacks a model or the metric.
   */
  public GateDecision againstBaselines(EvaluationReport report, String candidate, List<String> baselines) {
    if (baselines.isEmpty()) {
      throw new IllegalArgumentException("nothing is published yet and no baselines are given: the quality gate "
          + "needs a reference to compare " + candidate + " with");
    }
    List<String> failures = new ArrayList<>();
    List<String> successes = new ArrayList<>();
    double candidateValue = report.metric(candidate, config.metric()).value();
    for (String baseline : baselines) {
      Check check = check(report, candidate, baseline, "baseline " + baseline);
      if (check.passed()) {
        successes.add(check.success());
      } else {
        failures.add(check.failure());
      }
    }
    String head = "candidate " + candidate + " " + config.metric() + " " + number(candidateValue) + " ";
    if (!failures.isEmpty()) {
      return new GateDecision(false,
          head + String.join("; ", failures) + ": nothing is published yet, and this candidate will not be");
    }
    return new GateDecision(true, head + String.join("; ", successes) + ": publishing the first model");
  }

  /**
   * The candidate against one reference.
   *
   * @param paired the paired comparison candidate - reference, when the config asks for it and the report has it
   * @param intervalWanted whether the config asks for the paired interval
   * @param marginText the bar's margin term as printed, e.g. "+ margin 0.002"
   */
  private record Check(double candidate, String reference, double referenceValue, boolean pointPassed,
      Optional<Comparison> paired, boolean intervalPassed, boolean intervalWanted, String marginText) {

    boolean passed() {
      return pointPassed && intervalPassed;
    }

    String failure() {
      String against = reference + " " + number(referenceValue) + " " + marginText;
      if (!pointPassed) {
        return "does not beat " + against;
      }
      return "beats " + against + " but the paired 95% CI of the difference " + interval(paired.orElseThrow())
          + " does not clear the margin";
    }

    String success() {
      String against = "beats " + reference + " " + number(referenceValue) + " " + marginText;
      if (paired.isPresent()) {
        Comparison c = paired.get();
        return against + " (paired 95% CI of the difference " + interval(c) + ", n=" + c.n() + ")";
      }
      return intervalWanted ? against + " (no paired comparison on this metric in the report)" : against;
    }
  }

  private Check check(EvaluationReport report, String candidate, String referenceModel, String referenceLabel) {
    String metric = config.metric();
    double c = report.metric(candidate, metric).value();
    double r = report.metric(referenceModel, metric).value();
    double m = config.margin();
    boolean lower = MetricNames.lowerIsBetter(metric);
    boolean point = lower ? c < r - m : c > r + m;
    Optional<Comparison> paired = config.requirePairedCi()
        ? report.comparison(metric, candidate, referenceModel)
        : Optional.empty();
    boolean interval = paired.map(p -> lower ? p.ciHigh() < -m : p.ciLow() > m).orElse(true);
    return new Check(c, referenceLabel, r, point, paired, interval, config.requirePairedCi(),
        (lower ? "- margin " : "+ margin ") + number(m));
  }

  private static String interval(Comparison c) {
    return "[" + number(c.ciLow()) + ", " + number(c.ciHigh()) + "]";
  }

  /** Returns {@code v} with five significant digits and no trailing zeros, e.g. 0.081 or 12.346. */
  private static String number(double v) {
    return new BigDecimal(v).round(new MathContext(5)).stripTrailingZeros().toPlainString();
  }
}
