package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityGateTest {

  private static final String NDCG = "ndcg_at_10";
  private static final PublishedModel PUBLISHED = new PublishedModel("published", "2026-11-21T03:00:00Z");
  private static final QualityGate GATE = new QualityGate(new QualityGateConfig(NDCG, 0.002, false));

  /** Returns a report holding only {@code metric} for each model, with the given comparisons. */
  private static EvaluationReport report(String metric, Map<String, Double> values, List<Comparison> comparisons) {
    Map<String, Map<String, MetricValue>> models = new LinkedHashMap<>();
    values.forEach((model, v) -> models.put(model, Map.of(metric, MetricValue.withoutInterval(v, 1000))));
    return new EvaluationReport(new ReportMetadata(EvalFixtures.RUN_DATE, "days", 1000, 0, 100, 1000, 42),
        models, Map.of(), comparisons, Map.of());
  }

  private static EvaluationReport report(Map<String, Double> values) {
    return report(NDCG, values, List.of());
  }

  @Test
  void refusesAWorseCandidateAndSaysWhy() {
    GateDecision d = GATE.againstPublished(
        report(Map.of("two_tower", 0.081, "published", 0.085)), "two_tower", PUBLISHED);
    assertFalse(d.publishable());
    assertEquals("candidate two_tower ndcg_at_10 0.081 does not beat published 0.085 + margin 0.002: keeping "
        + "2026-11-21T03:00:00Z", d.reason());
  }

  @Test
  void acceptsABetterCandidate() {
    GateDecision d = GATE.againstPublished(
        report(Map.of("two_tower", 0.09, "published", 0.085)), "two_tower", PUBLISHED);
    assertTrue(d.publishable(), d.reason());
    assertEquals("candidate two_tower ndcg_at_10 0.09 beats published 0.085 + margin 0.002: replacing "
        + "2026-11-21T03:00:00Z", d.reason());
  }

  @Test
  void refusesAGainSmallerThanTheMargin() {
    QualityGate gate = new QualityGate(new QualityGateConfig(NDCG, 0.01, false));
    GateDecision d = gate.againstPublished(
        report(Map.of("two_tower", 0.09, "published", 0.085)), "two_tower", PUBLISHED);
    assertFalse(d.publishable(), d.reason());
    // With a zero margin, equal is not better.
    GateDecision tie = new QualityGate(new QualityGateConfig(NDCG, 0, false)).againstPublished(
        report(Map.of("two_tower", 0.085, "published", 0.085)), "two_tower", PUBLISHED);
    assertFalse(tie.publishable(), tie.reason());
  }

  @Test
  void whenAskedAlsoRequiresThePairedIntervalToClearTheMargin() {
    Map<String, Double> values = Map.of("two_tower", 0.09, "published", 0.085);
    Comparison noisy = new Comparison(NDCG, "two_tower", "published", 0.005, -0.001, 0.011, false, 1000);
    QualityGate strict = new QualityGate(new QualityGateConfig(NDCG, 0.002, true));

    GateDecision refused = strict.againstPublished(report(NDCG, values, List.of(noisy)), "two_tower", PUBLISHED);
    assertFalse(refused.publishable());
    assertEquals("candidate two_tower ndcg_at_10 0.09 beats published 0.085 + margin 0.002 but the paired 95% CI "
        + "of the difference [-0.001, 0.011] does not clear the margin: keeping 2026-11-21T03:00:00Z",
        refused.reason());
    assertTrue(GATE.againstPublished(report(NDCG, values, List.of(noisy)), "two_tower", PUBLISHED).publishable());

    // Stored the other way round (published - candidate), the comparison is turned around.
    Comparison clear = new Comparison(NDCG, "published", "two_tower", -0.005, -0.007, -0.003, false, 1000);
    GateDecision accepted = strict.againstPublished(report(NDCG, values, List.of(clear)), "two_tower", PUBLISHED);
    assertTrue(accepted.publishable(), accepted.reason());
    assertTrue(accepted.reason().contains("paired 95% CI of the difference [0.003, 0.007], n=1000"),
        accepted.reason());

    GateDecision noInterval = strict.againstPublished(report(values), "two_tower", PUBLISHED);
    assertTrue(noInterval.publishable(), noInterval.reason());
    assertTrue(noInterval.reason().contains("no paired comparison"), noInterval.reason());
  }

  @Test
  void withNothingPublishedTheCandidateMustBeatEveryBaseline() {
    EvaluationReport r = report(Map.of("two_tower", 0.09, "popularity", 0.05, "als", 0.089));
    GateDecision d = GATE.againstBaselines(r, "two_tower", List.of("popularity", "als"));
    assertFalse(d.publishable());
    assertEquals("candidate two_tower ndcg_at_10 0.09 does not beat baseline als 0.089 + margin 0.002: nothing is "
        + "published yet, and this candidate will not be", d.reason());

    GateDecision ok = GATE.againstBaselines(r, "two_tower", List.of("popularity"));
    assertTrue(ok.publishable(), ok.reason());
    assertEquals("candidate two_tower ndcg_at_10 0.09 beats baseline popularity 0.05 + margin 0.002: publishing "
        + "the first model", ok.reason());
    assertThrows(IllegalArgumentException.class, () -> GATE.againstBaselines(r, "two_tower", List.of()));
  }

  @Test
  void lowerIsBetterForLogLoss() {
    QualityGate gate = new QualityGate(new QualityGateConfig("click_log_loss", 0.01, false));
    GateDecision better = gate.againstPublished(
        report("click_log_loss", Map.of("dlrm", 0.40, "published", 0.45), List.of()), "dlrm", PUBLISHED);
    assertTrue(better.publishable(), better.reason());
    assertTrue(better.reason().contains("beats published 0.45 - margin 0.01"), better.reason());
    GateDecision worse = gate.againstPublished(
        report("click_log_loss", Map.of("dlrm", 0.445, "published", 0.45), List.of()), "dlrm", PUBLISHED);
    assertFalse(worse.publishable(), worse.reason());
  }

  @Test
  void failsLoudlyOnUnknownModelsAndBadConfig() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GATE.againstPublished(report(Map.of("two_tower", 0.09)), "two_tower", PUBLISHED));
    assertTrue(e.getMessage().contains("No model named 'published'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new QualityGateConfig(NDCG, -0.1, false));
    assertThrows(IllegalArgumentException.class, () -> new QualityGateConfig(" ", 0, false));
  }

  @Test
  void refusesADeliberatelyWorseModelEvaluatedEndToEnd() {
    Map<Long, long[]> relevant = EvalFixtures.relevant();
    EvaluationReport r = new ReportBuilder(EvalFixtures.RUN_DATE, "days", new Bootstrap(200, 42))
        .model("published", EvalFixtures.evaluate(EvalFixtures.model(relevant, 0.6, 1)))
        .model("worse", EvalFixtures.evaluate(EvalFixtures.model(relevant, 0.3, 3)))
        .model("popularity", EvalFixtures.evaluate(EvalFixtures.popularity(relevant)))
        .compare("worse", "published", List.of(NDCG))
        .build();
    QualityGate strict = new QualityGate(new QualityGateConfig(NDCG, 0.002, true));
    GateDecision refused = strict.againstPublished(r, "worse", PUBLISHED);
    assertFalse(refused.publishable(), refused.reason());
    assertTrue(refused.reason().startsWith("candidate worse ndcg_at_10 "), refused.reason());
    assertTrue(refused.reason().endsWith("+ margin 0.002: keeping 2026-11-21T03:00:00Z"), refused.reason());
    assertTrue(strict.againstBaselines(r, "published", List.of("popularity")).publishable());
  }
}
