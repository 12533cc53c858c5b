package dev.recsys.training.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one offline evaluation run, built by {@link ReportBuilder}, written as JSON ({@link #toJson}) and
 * HTML ({@link HtmlReport}). Maps keep the order models and metrics were added in.
 *
 * @param metadata what the report was computed on
 * @param models per model, per metric
 * @param lossCurves per trained model, the mean training loss of each epoch
 * @param comparisons paired comparisons on all evaluated users
 * @param slices per slice name, the same metrics and comparisons on that subset of users
 */
public record EvaluationReport(
    ReportMetadata metadata,
    Map<String, Map<String, MetricValue>> models,
    Map<String, List<Float>> lossCurves,
    List<Comparison> comparisons,
    Map<String, SliceReport> slices) {

  private static final JsonMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .build();

  public EvaluationReport {
    if (metadata == null) {
      throw new IllegalArgumentException("metadata must be set");
    }
    models = orderedNested(models);
    Map<String, List<Float>> curves = new LinkedHashMap<>();
    lossCurves.forEach((model, losses) -> curves.put(model, List.copyOf(losses)));
    lossCurves = Collections.unmodifiableMap(curves);
    comparisons = List.copyOf(comparisons);
    slices = Collections.unmodifiableMap(new LinkedHashMap<>(slices));
  }

  /** Returns {@code metric} of {@code model}; fails naming what the report holds when either is missing. */
  public MetricValue metric(String model, String metric) {
    Map<String, MetricValue> metrics = models.get(model);
    if (metrics == null) {
      throw new IllegalArgumentException("No model named '" + model + "'. Available models: " + models.keySet());
    }
    MetricValue value = metrics.get(metric);
    if (value == null) {
      throw new IllegalArgumentException("Model '" + model + "' has no metric named '" + metric
          + "'. Available metrics: " + metrics.keySet());
    }
    return value;
  }

  /**
   * Returns the comparison of {@code a} with {@code b} on {@code metric} over all users, oriented as a - b: a
   * comparison stored as b - a comes back negated.
   */
  public Optional<Comparison> comparison(String metric, String a, String b) {
    for (Comparison c : comparisons) {
      if (c.metric().equals(metric) && c.a().equals(a) && c.b().equals(b)) {
        return Optional.of(c);
      }
      if (c.metric().equals(metric) && c.a().equals(b) && c.b().equals(a)) {
        return Optional.of(Comparison.of(metric, a, b,
            new Interval(-c.diff(), -c.ciHigh(), -c.ciLow(), c.n())));
      }
    }
    return Optional.empty();
  }

  /** Returns the report as indented JSON with snake_case keys. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write evaluation report as JSON", e);
    }
  }

  /** Returns the report read from {@link #toJson} output; fails on unknown or missing keys. */
  public static EvaluationReport fromJson(String json) {
    try {
      return JSON.readValue(json, EvaluationReport.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot read evaluation report JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Returns an unmodifiable copy of a model -> metric -> value map that keeps both levels' order. */
  static Map<String, Map<String, MetricValue>> orderedNested(Map<String, Map<String, MetricValue>> models) {
    Map<String, Map<String, MetricValue>> copy = new LinkedHashMap<>();
    models.forEach((model, metrics) -> copy.put(model, Collections.unmodifiableMap(new LinkedHashMap<>(metrics))));
    return Collections.unmodifiableMap(copy);
  }
}
