package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {

  private static EvaluationReport report;

  @BeforeAll
  static void build() {
    report = EvalFixtures.sampleReport();
  }

  @Test
  void everyMetricCarriesNAndPerUserMetricsAnIntervalAroundTheValue() {
    assertEquals(List.of("two_tower", "als", "popularity", "dlrm"), List.copyOf(report.models().keySet()));
    assertEquals(EvalFixtures.USERS - 2, report.metadata().evaluatedUsers());
    assertEquals(2, report.metadata().excludedUsers());
    MetricValue ndcg = report.metric("two_tower", "ndcg_at_10");
    assertEquals(EvalFixtures.USERS - 2, ndcg.n());
    assertTrue(ndcg.ciLow() <= ndcg.value() && ndcg.value() <= ndcg.ciHigh(), ndcg.toString());
    MetricValue coverage = report.metric("popularity", "coverage_at_10");
    assertEquals(0.01, coverage.value(), 1e-15); // the same 10 items for everyone
    assertNull(coverage.ciLow());
    assertEquals(2000, report.metric("dlrm", "click_auc").n());
    assertTrue(report.metric("dlrm", "click_auc").value() > 0.6);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> report.metric("two_tower", "ndcg_at_20"));
    assertTrue(missing.getMessage().contains("ndcg_at_10"), missing.getMessage());
  }

  @Test
  void theModelMeanEqualsTheMeanOfItsPerUserValues() {
    UserMetrics m = EvalFixtures.evaluate(EvalFixtures.model(EvalFixtures.relevant(), 0.6, 1));
    double mean = Arrays.stream(m.values("recall_at_50")).average().orElseThrow();
    assertEquals(mean, report.metric("two_tower", "recall_at_50").value(), 1e-12);
  }

  @Test
  void aBetterModelBeatsTheBaselinesOnPairedComparisons() {
    Comparison c = report.comparison("ndcg_at_10", "two_tower", "als").orElseThrow();
    assertTrue(c.beats(), c.toString());
    assertEquals(report.metric("two_tower", "ndcg_at_10").value() - report.metric("als", "ndcg_at_10").value(),
        c.diff(), 1e-12);
    Comparison reversed = report.comparison("ndcg_at_10", "als", "two_tower").orElseThrow();
    assertTrue(reversed.beaten() && !reversed.beats(), reversed.toString());
    assertEquals(-c.ciHigh(), reversed.ciLow());
  }

  @Test
  void slicesHoldTheSameMetricsOnTheirUsers() {
    SliceReport cold = report.slices().get("cold_start_users");
    // Multiples of 7 below 600: 86, minus user 0 who has no relevant items.
    assertEquals(85, cold.n());
    assertEquals(85, cold.models().get("als").get("mrr").n());
    assertEquals(4, cold.comparisons().size());
    assertFalse(cold.models().containsKey("dlrm"));
    SliceReport nobody = report.slices().get("nobody");
    assertEquals(0, nobody.n());
    assertTrue(nobody.models().get("two_tower").isEmpty());
  }

  @Test
  void jsonRoundTripsAndUsesTheDocumentedShape() throws Exception {
    String json = report.toJson();
    assertEquals(report, EvaluationReport.fromJson(json));
    JsonNode tree = new ObjectMapper().readTree(json);
    assertEquals("2026-11-21", tree.at("/metadata/run_date").asText());
    assertEquals("days", tree.at("/metadata/split_kind").asText());
    JsonNode ndcg = tree.at("/models/two_tower/ndcg_at_10");
    assertEquals(Set.of("value", "ci_low", "ci_high", "n"), fieldNames(ndcg));
    JsonNode comparison = tree.at("/comparisons/0");
    assertEquals(Set.of("metric", "a", "b", "diff", "ci_low", "ci_high", "beats", "n"), fieldNames(comparison));
    assertEquals(8, tree.at("/loss_curves/two_tower").size());
    assertEquals(85, tree.at("/slices/cold_start_users/n").asInt());
    assertTrue(tree.at("/models/popularity/coverage_at_10/ci_low").isNull());
  }

  @Test
  void readingRejectsUnknownKeys() {
    String json = report.toJson().replaceFirst("\"split_kind\"", "\"split_kind_typo\"");
    assertThrows(RuntimeException.class, () -> EvaluationReport.fromJson(json));
  }

  @Test
  void theBuilderRejectsUnpairedModelsAndComparisonsWithoutPerUserValues() {
    Map<Long, long[]> relevant = EvalFixtures.relevant();
    UserMetrics all = EvalFixtures.evaluate(EvalFixtures.popularity(relevant));
    ReportBuilder builder = new ReportBuilder(EvalFixtures.RUN_DATE, "days", new Bootstrap(10, 1))
        .model("a", all);
    assertThrows(IllegalArgumentException.class, () -> builder.model("b", all.subset(EvalFixtures.everyKth(2))));
    builder.model("b", all).compare("a", "b", List.of("coverage_at_10"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains("per-user"), e.getMessage());
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
