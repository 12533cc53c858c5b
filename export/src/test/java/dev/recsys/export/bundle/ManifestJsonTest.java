package dev.recsys.export.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.bundle.Manifest.FileEntry;
import dev.recsys.export.bundle.Manifest.ModelEntry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {

  private static final String SHA = "ab".repeat(32);

  private static Manifest manifest() {
    BundleMetadata m = Fixtures.metadata();
    return new Manifest(Manifest.FORMAT_VERSION, Fixtures.version(1), Fixtures.T0, m.sourceRun(), m.featureSets(),
        m.models(), m.metrics(), m.index(), Map.of(Fixtures.RANKER, new FileEntry(SHA, 12)));
  }

  private static String json() throws Exception {
    return new String(ManifestJson.toBytes(manifest()), StandardCharsets.UTF_8);
  }

  private static BundleException rejected(String json) {
    return assertThrows(BundleException.class,
        () -> ManifestJson.parse(json.getBytes(StandardCharsets.UTF_8), "test/manifest.json"));
  }

  @Test
  void roundTrips() throws Exception {
    assertEquals(manifest(), ManifestJson.parse(json().getBytes(StandardCharsets.UTF_8), "test"));
  }

  @Test
  void unknownFieldsAreRejectedAtAnyLevel() throws Exception {
    BundleException top = rejected(json().replaceFirst("\\{", "{\"extra\": 1,"));
    assertTrue(top.getMessage().startsWith("test/manifest.json: unknown field 'extra' (known fields there: "
        + "created_at, feature_sets, files, format_version, index, metrics, models, source_run, version)"),
        top.getMessage());
    BundleException nested = rejected(json().replace("\"kind\" :", "\"shape\" : 1, \"kind\" :"));
    assertTrue(nested.getMessage().startsWith("test/manifest.json: unknown field 'models.ranker.shape' (known fields "
        + "there: file, inputs, kind, outputs)"), nested.getMessage());
  }

  @Test
  void missingFieldsBadValuesAndOtherFormatsAreRejected() throws Exception {
    String noMetrics = json().replaceAll("\"metrics\" : \\{[^}]*},", "");
    assertTrue(rejected(noMetrics).getMessage().contains("'metrics'"), rejected(noMetrics).getMessage());
    assertEquals("test/manifest.json has format_version 1 but this code reads only format_version 2",
        rejected(json().replace("\"format_version\" : 2", "\"format_version\" : 1")).getMessage());
    String badTime = rejected(json().replace("2026-11-22T03:15:00Z", "yesterday")).getMessage();
    assertTrue(badTime.contains("'created_at' has a bad value 'yesterday'"), badTime);
    String badHash = rejected(json().replace(SHA, "xyz")).getMessage();
    assertTrue(badHash.contains("sha256 must be 64 lower-case hex digits, got 'xyz'"), badHash);
    assertTrue(rejected(json() + "{}").getMessage().startsWith("cannot parse test/manifest.json"));
    assertTrue(rejected("[]").getMessage().contains("expected a JSON object"));
  }

  @Test
  void manifestsAreCheckedWhenBuilt() {
    BundleMetadata m = Fixtures.metadata();
    IllegalArgumentException missingModel = assertThrows(IllegalArgumentException.class,
        () -> new Manifest(1, Fixtures.version(1), Fixtures.T0, m.sourceRun(), m.featureSets(), m.models(),
            m.metrics(), m.index(), Map.of()));
    assertEquals("model ranker names file models/ranker.onnx which is not among the bundle's files",
        missingModel.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> new Manifest(1, Fixtures.version(1), Fixtures.T0, m.sourceRun(), m.featureSets(), Map.of(),
            Map.of("auc", Double.NaN), m.index(), Map.of()));
    assertEquals("metric auc must be a finite number, got NaN", nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ModelEntry("../ranker.onnx", "onnx", Map.of(), Map.of()));
  }
}
