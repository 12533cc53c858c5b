package dev.recsys.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {

  private static final String SVG_NS = "http://www.w3.org/2000/svg";

  private static String html;
  private static Document doc;

  @BeforeAll
  static void render() throws Exception {
    html = HtmlReport.render(EvalFixtures.sampleReport());
    // Kept under target/ so the sample can be opened in a browser after a build.
    Path out = Path.of("target", "eval-report-sample.html");
    Files.createDirectories(out.getParent());
    Files.writeString(out, html);
    doc = parse(html);
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void hasEverySection() {
    for (String id : List.of("metadata", "metrics", "recall-curve", "loss-curves", "comparisons", "slices")) {
      assertTrue(html.contains("id=\"" + id + "\""), "missing section " + id);
    }
    for (String text : List.of("2026-11-21", "two_tower", "popularity", "ndcg_at_10", "click_auc",
        "cold_start_users", "users_with_new_items", "No evaluated users in this slice", "two_tower beats als")) {
      assertTrue(html.contains(text), "missing " + text);
    }
  }

  @Test
  void isSelfContained() {
    for (String external : List.of("<script", "src=", "href=", "@import", "url(", "<link")) {
      assertFalse(html.contains(external), "found " + external);
    }
    assertFalse(html.replace(SVG_NS, "").contains("http"), "only the SVG namespace may name a URL");
  }

  @Test
  void chartsAreValidSvgWithALinePerModel() throws Exception {
    NodeList svgs = doc.getElementsByTagNameNS(SVG_NS, "svg");
    assertEquals(2, svgs.getLength());
    Element recall = (Element) svgs.item(0);
    Element loss = (Element) svgs.item(1);
    // Re-parse each chart on its own: it must be a well-formed standalone SVG document.
    for (Element svg : List.of(recall, loss)) {
      Document standalone = parse(serialize(svg));
      assertEquals(SVG_NS, standalone.getDocumentElement().getNamespaceURI());
      assertEquals("svg", standalone.getDocumentElement().getLocalName());
    }
    assertEquals(List.of("two_tower", "als", "popularity"), seriesNames(recall));
    assertEquals(List.of("two_tower", "als", "dlrm"), seriesNames(loss));
    // One marker per K per model, and the legend names every model.
    assertEquals(3 * 4, recall.getElementsByTagNameNS(SVG_NS, "circle").getLength());
    String legend = legendText(recall);
    assertTrue(legend.contains("two_tower") && legend.contains("als") && legend.contains("popularity"), legend);
    for (String k : List.of(">10<", ">50<", ">100<", ">500<")) {
      assertTrue(serialize(recall).contains(k), "missing x tick " + k);
    }
  }

  @Test
  void escapesNamesSoOddModelNamesKeepTheDocumentWellFormed() throws Exception {
    EvaluationReport odd = new EvaluationReport(
        new ReportMetadata(EvalFixtures.RUN_DATE, "days & <hours>", 1, 0, 10, 2, 1),
        Map.of("a<b&\"c\"", Map.of("recall_at_10", new MetricValue(0.5, 0.4, 0.6, 1))),
        Map.of("a<b&\"c\"", List.of(1f, 0.5f)), List.of(), Map.of());
    String oddHtml = HtmlReport.render(odd);
    parse(oddHtml);
    assertTrue(oddHtml.contains("a&lt;b&amp;&quot;c&quot;"));
    assertTrue(oddHtml.contains("No slices."));
  }

  private static List<String> seriesNames(Element svg) {
    List<String> names = new ArrayList<>();
    NodeList groups = svg.getElementsByTagNameNS(SVG_NS, "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("class").equals("series")) {
        assertEquals(1, g.getElementsByTagNameNS(SVG_NS, "polyline").getLength());
        names.add(g.getElementsByTagNameNS(SVG_NS, "title").item(0).getTextContent());
      }
    }
    return names;
  }

  private static String legendText(Element svg) {
    StringBuilder text = new StringBuilder();
    NodeList groups = svg.getElementsByTagNameNS(SVG_NS, "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("class").equals("legend")) {
        text.append(g.getTextContent()).append(' ');
      }
    }
    return text.toString();
  }

  private static String serialize(Element element) throws Exception {
    var transformer = TransformerFactory.newInstance().newTransformer();
    transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
    StringWriter out = new StringWriter();
    transformer.transform(new DOMSource(element), new StreamResult(out));
    return out.toString();
  }
}
