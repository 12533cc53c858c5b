package dev.recsys.features.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class XgboostConfigTest {

  private static String base() throws IOException {
    Path p = Path.of("../conf/base.yaml");
    return Files.readString(Files.exists(p) ? p : Path.of("conf/base.yaml"));
  }

  @Test
  void baseYamlHasTheRankerAndXgboostKeys() throws IOException {
    TrainingConfig t = ConfigLoader.fromYaml(base()).training();
    assertEquals(TrainingConfig.Ranker.DLRM, t.ranker());
    assertEquals(XgboostConfig.DEFAULTS, t.xgboost());
    TrainingConfig x = ConfigLoader.fromYaml(base(), """
        training:
          ranker: xgboost
          xgboost: {device: cuda, num_workers: 2, rounds: 5, max_depth: 3, eta: 0.3}
        """).training();
    assertEquals(TrainingConfig.Ranker.XGBOOST, x.ranker());
    assertEquals(new XgboostConfig(XgboostConfig.Device.CUDA, 2, 5, 3, 0.3), x.xgboost());
  }

  @Test
  void badValuesNameTheKey() throws IOException {
    String base = base();
    ConfigException device = assertThrows(ConfigException.class,
        () -> ConfigLoader.fromYaml(base, "training: {xgboost: {device: tpu}}"));
    assertTrue(device.getMessage().contains("training.xgboost.device") && device.getMessage().contains("cpu, cuda"),
        device.getMessage());
    ConfigException eta = assertThrows(ConfigException.class,
        () -> ConfigLoader.fromYaml(base, "training: {xgboost: {eta: 1.5}}"));
    assertTrue(eta.getMessage().contains("training.xgboost.eta must be in (0, 1], got 1.5"), eta.getMessage());
    ConfigException workers = assertThrows(ConfigException.class,
        () -> ConfigLoader.fromYaml(base, "training: {xgboost: {num_workers: 0}}"));
    assertTrue(workers.getMessage().contains("training.xgboost.num_workers must be > 0"), workers.getMessage());
    ConfigException ranker = assertThrows(ConfigException.class,
        () -> ConfigLoader.fromYaml(base, "training: {ranker: gbdt}"));
    assertTrue(ranker.getMessage().contains("training.ranker") && ranker.getMessage().contains("dlrm, xgboost"),
        ranker.getMessage());
  }
}
