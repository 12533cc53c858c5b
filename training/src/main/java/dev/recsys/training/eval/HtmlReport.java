package dev.recsys.training.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders an {@link EvaluationReport} as one self-contained HTML page: inline CSS and SVG charts, no scripts and
 * no external resources, so it can be mailed or archived as a single file. The markup is well-formed XML.
 *
 * <p>Sections: run metadata, a metrics table per model with 95% intervals and n, the Recall@K curve, training
 * loss curves, paired comparisons, and the same tables for every slice.
 */
public final class HtmlReport {

  /** Colours per model in report order (Tableau 10), so one model has one colour in every chart. */
  private static final String[] PALETTE = {
      "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

  private static final String CSS = """
      body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2430; margin: 0;
             background: #f4f5f8; }
      main { max-width: 1160px; margin: 0 auto; padding: 24px 28px 48px; }
      h1 { font-size: 24px; margin: 0 0 6px; }
      h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid #d9dde5; }
      h3 { font-size: 15px; margin: 20px 0 8px; }
      .meta { color: #555d6e; font-size: 13px; margin: 0; }
      .meta span { margin-right: 18px; white-space: nowrap; }
      .card { background: #fff; border: 1px solid #e1e4ea; border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
      .charts { display: flex; flex-wrap: wrap; gap: 16px; }
      .charts .card { flex: 1 1 460px; margin: 0; }
      .card h2 { margin-top: 0; }
      svg.chart { width: 100%; max-width: 560px; height: auto; display: block; }
      table { border-collapse: collapse; font-size: 13px; width: 100%; }
      th, td { padding: 6px 10px; border-bottom: 1px solid #eceef2; text-align: right; vertical-align: top; }
      th { background: #f7f8fa; font-weight: 600; color: #3a4150; }
      th:first-child, td:first-child { text-align: left; }
      td.name { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
      .ci { display: block; color: #7a8191; font-size: 11px; font-weight: 400; }
      th.text, td.text { text-align: left; }
      .best { font-weight: 700; }
      .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
      .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
      .win { background: #e3f4e6; color: #1d6b2c; }
      .loss { background: #fbe5e5; color: #9b2222; }
      .tie { background: #eef0f4; color: #555d6e; }
      .empty { color: #7a8191; font-style: italic; }
      .note { color: #7a8191; font-size: 12px; margin: 8px 0 0; }
      details.slice { border-top: 1px solid #eceef2; padding: 4px 0 12px; }
      details.slice summary { cursor: pointer; font-weight: 600; font-size: 15px; padding: 10px 0; }
      h4 { font-size: 13px; color: #3a4150; margin: 16px 0 6px; }
      """;

  private HtmlReport() {}

  /** Returns the report as a complete HTML document. */
  public static String render(EvaluationReport report) {
    Map<String, String> colors = new LinkedHashMap<>();
    for (String model : report.models().keySet()) {
      colors.put(model, PALETTE[colors.size() % PALETTE.length]);
    }
    ReportMetadata meta = report.metadata();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
        .append("<title>Offline evaluation ").append(meta.runDate()).append("</title>")
        .append("<style>").append(CSS).append("</style></head><body><main>\n");

    html.append("<header id=\"metadata\"><h1>Offline evaluation</h1><p class=\"meta\">")
        .append(metaItem("Run date", meta.runDate().toString()))
        .append(metaItem("Split", meta.splitKind()))
        .append(metaItem("Users evaluated", count(meta.evaluatedUsers())))
        .append(metaItem("Excluded (no relevant items)", count(meta.excludedUsers())))
        .append(metaItem("Catalogue", count(meta.catalogSize()) + " items"))
        .append(metaItem("Bootstrap", count(meta.bootstrapResamples()) + " resamples, seed " + meta.bootstrapSeed()))
        .append("</p></header>\n");

    html.append("<section id=\"metrics\" class=\"card\"><h2>Metrics</h2>")
        .append(metricsTable(report.models(), colors))
        .append("<p class=\"note\">Means over users with 95% percentile-bootstrap intervals; n is users (examples"
            + " for ranker metrics). Best value per row in bold.</p></section>\n");

    html.append("<div class=\"charts\">");
    html.append("<section id=\"recall-curve\" class=\"card\"><h2>Recall@K</h2>")
        .append(recallChart(report.models(), colors)).append("</section>");
    html.append("<section id=\"loss-curves\" class=\"card\"><h2>Training loss</h2>")
        .append(lossChart(report.lossCurves(), colors)).append("</section>");
    html.append("</div>\n");

    html.append("<section id=\"comparisons\" class=\"card\"><h2>Comparisons</h2>")
        .append(comparisonTable(report.comparisons()))
        .append("<p class=\"note\">Paired bootstrap over users: A beats B when the whole interval of A &#8722; B is"
            + " above zero.</p></section>\n");

    html.append("<section id=\"slices\" class=\"card\"><h2>Slices</h2>");
    if (report.slices().isEmpty()) {
      html.append("<p class=\"empty\">No slices.</p>");
    }
    for (Map.Entry<String, SliceReport> e : report.slices().entrySet()) {
      SliceReport slice = e.getValue();
      html.append("<details class=\"slice\" open=\"open\"><summary>").append(Html.escape(e.getKey()))
          .append(" &#183; n = ").append(count(slice.n())).append("</summary>");
      if (slice.n() == 0) {
        html.append("<p class=\"empty\">No evaluated users in this slice.</p>");
      } else {
        html.append(metricsTable(slice.models(), colors));
        if (!slice.comparisons().isEmpty()) {
          html.append("<h4>Comparisons on this slice</h4>").append(comparisonTable(slice.comparisons()));
        }
      }
      html.append("</details>");
    }
    html.append("</section>\n</main></body></html>\n");
    return html.toString();
  }

  private static String metaItem(String label, String value) {
    return "<span><strong>" + Html.escape(label) + ":</strong> " + Html.escape(value) + "</span>";
  }

  /** Returns a table with a row per metric and a column per model; the best value of a row is bold. */
  private static String metricsTable(Map<String, Map<String, MetricValue>> models, Map<String, String> colors) {
    Set<String> metrics = new LinkedHashSet<>();
    models.values().forEach(m -> metrics.addAll(m.keySet()));
    if (metrics.isEmpty()) {
      return "<p class=\"empty\">No metrics.</p>";
    }
    StringBuilder t = new StringBuilder("<table class=\"metrics\"><thead><tr><th>Metric</th><th>n</th>");
    for (String model : models.keySet()) {
      t.append("<th>").append(swatch(colors.get(model))).append(Html.escape(model)).append("</th>");
    }
    t.append("</tr></thead><tbody>");
    for (String metric : metrics) {
      Set<String> ns = new LinkedHashSet<>();
      Double best = null;
      for (Map<String, MetricValue> m : models.values()) {
        MetricValue v = m.get(metric);
        if (v != null) {
          ns.add(count(v.n()));
          boolean better = best == null
              || (MetricNames.lowerIsBetter(metric) ? v.value() < best : v.value() > best);
          best = better ? v.value() : best;
        }
      }
      t.append("<tr><td class=\"name\">").append(Html.escape(metric)).append("</td><td>")
          .append(Html.escape(String.join(" / ", ns))).append("</td>");
      for (Map<String, MetricValue> m : models.values()) {
        MetricValue v = m.get(metric);
        if (v == null) {
          t.append("<td class=\"empty\">&#8212;</td>");
          continue;
        }
        t.append(models.size() > 1 && v.value() == best ? "<td class=\"best\">" : "<td>").append(number(v.value()));
        if (v.hasInterval()) {
          t.append("<span class=\"ci\">[").append(number(v.ciLow())).append(", ").append(number(v.ciHigh()))
              .append("]</span>");
        }
        t.append("</td>");
      }
      t.append("</tr>");
    }
    return t.append("</tbody></table>").toString();
  }

  private static String comparisonTable(List<Comparison> comparisons) {
    if (comparisons.isEmpty()) {
      return "<p class=\"empty\">No comparisons requested.</p>";
    }
    StringBuilder t = new StringBuilder("<table class=\"comparisons\"><thead><tr><th>Metric</th>"
        + "<th class=\"text\">A</th><th class=\"text\">B</th><th>A &#8722; B</th><th>95% CI</th><th>n</th>"
        + "<th class=\"text\">Verdict</th></tr></thead><tbody>");
    for (Comparison c : comparisons) {
      String verdict = c.beats()
          ? "<span class=\"badge win\">" + Html.escape(c.a()) + " beats " + Html.escape(c.b()) + "</span>"
          : c.beaten()
              ? "<span class=\"badge loss\">" + Html.escape(c.b()) + " beats " + Html.escape(c.a()) + "</span>"
              : "<span class=\"badge tie\">no significant difference</span>";
      t.append("<tr><td class=\"name\">").append(Html.escape(c.metric())).append("</td><td class=\"text\">")
          .append(Html.escape(c.a())).append("</td><td class=\"text\">").append(Html.escape(c.b()))
          .append("</td><td>").append(signed(c.diff())).append("</td><td>[").append(signed(c.ciLow())).append(", ")
          .append(signed(c.ciHigh())).append("]</td><td>").append(count(c.n())).append("</td><td class=\"text\">")
          .append(verdict).append("</td></tr>");
    }
    return t.append("</tbody></table>").toString();
  }

  /** Returns the Recall@K chart: K on a log axis, one line per model with its intervals as error bars. */
  private static String recallChart(Map<String, Map<String, MetricValue>> models, Map<String, String> colors) {
    List<SvgChart.Series> series = new ArrayList<>();
    Set<Integer> ks = new TreeSet<>();
    for (Map.Entry<String, Map<String, MetricValue>> model : models.entrySet()) {
      Map<Integer, MetricValue> byK = new TreeMap<>();
      model.getValue().forEach((metric, value) -> {
        OptionalInt k = MetricNames.recallCutoff(metric);
        if (k.isPresent()) {
          byK.put(k.getAsInt(), value);
        }
      });
      if (byK.isEmpty()) {
        continue;
      }
      ks.addAll(byK.keySet());
      List<SvgChart.Point> points = new ArrayList<>();
      byK.forEach((k, v) -> points.add(v.hasInterval()
          ? new SvgChart.Point(k, v.value(), v.ciLow(), v.ciHigh())
          : SvgChart.Point.of(k, v.value())));
      series.add(new SvgChart.Series(model.getKey(), colors.get(model.getKey()), points));
    }
    if (series.isEmpty()) {
      return "<p class=\"empty\">No Recall@K metrics.</p>";
    }
    return SvgChart.lineChart("Recall@K per model",
        new SvgChart.Axis("K (log scale)", true, ks.stream().map(Integer::doubleValue).toList(), false),
        new SvgChart.Axis("Recall@K", false, List.of(), true),
        series);
  }

  /** Returns the training loss chart: epoch on x, one line per trained model. */
  private static String lossChart(Map<String, List<Float>> curves, Map<String, String> colors) {
    List<SvgChart.Series> series = new ArrayList<>();
    for (Map.Entry<String, List<Float>> curve : curves.entrySet()) {
      List<SvgChart.Point> points = new ArrayList<>();
      for (int epoch = 0; epoch < curve.getValue().size(); epoch++) {
        points.add(SvgChart.Point.of(epoch + 1, curve.getValue().get(epoch)));
      }
      if (!points.isEmpty()) {
        series.add(new SvgChart.Series(curve.getKey(), colors.get(curve.getKey()), points));
      }
    }
    if (series.isEmpty()) {
      return "<p class=\"empty\">No training loss curves (baselines only).</p>";
    }
    int epochs = curves.values().stream().mapToInt(List::size).max().orElse(1);
    List<Double> ticks = SvgChart.niceTicks(new double[] {1, epochs}).stream()
        .filter(t -> t >= 1 && t == Math.rint(t))
        .toList();
    return SvgChart.lineChart("Mean training loss per epoch",
        new SvgChart.Axis("Epoch", false, ticks.isEmpty() ? List.of(1.0) : ticks, false),
        new SvgChart.Axis("Loss", false, List.of(), false),
        series);
  }

  private static String swatch(String color) {
    return "<span class=\"swatch\" style=\"background:" + Html.escape(color) + "\"></span>";
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v).replace("-", "&#8722;");
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
