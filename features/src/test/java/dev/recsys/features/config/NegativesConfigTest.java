package dev.recsys.features.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NegativesConfigTest {

  private static final Path CONF = Path.of(System.getProperty("recsys.repo.root", "..")).resolve("conf");

  private static String base() throws Exception {
    return Files.readString(CONF.resolve("base.yaml"));
  }

  @Test
  void baseYamlHasTheNegativesKeysAndAnOverlayReplacesOne() throws Exception {
    assertEquals(new NegativesConfig(4, 0.75, 11, 4, 100), ConfigLoader.fromYaml(base()).features().negatives());
    assertEquals(new NegativesConfig(0, 0.75, 11, 4, 100),
        ConfigLoader.fromYaml(base(), "features: {negatives: {ratio: 0}}").features().negatives());
  }

  @Test
  void badValuesNameTheKeyAndTheRange() throws Exception {
    String base = base();
    assertMessage("features.negatives.ratio must be in [0, 100], got -1",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {ratio: -1}}"));
    assertMessage("features.negatives.ratio must be in [0, 100], got 101",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {ratio: 101}}"));
    assertMessage("features.negatives.popularity_exponent must be in [0, 1], got 1.5",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {popularity_exponent: 1.5}}"));
    assertMessage("features.negatives.retrieved_depth must be >= retrieved_ratio (4), got 3",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {retrieved_depth: 3}}"));
    assertMessage("features.negatives.retrieved_ratio must be in [0, 100], got 101",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {retrieved_ratio: 101}}"));
    assertMessage("unknown config key 'features.negatives.ratios'",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {ratios: 4}}"));
    assertMessage("'features.negatives.ratio' in yaml#0 + yaml#1: 'four'",
        () -> ConfigLoader.fromYaml(base, "features: {negatives: {ratio: four}}"));
  }

  @Test
  void notANumberIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NegativesConfig(4, Double.NaN, 11, 4, 100));
    assertEquals("features.negatives.popularity_exponent must be in [0, 1], got NaN", e.getMessage());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    ConfigException e = assertThrows(ConfigException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
