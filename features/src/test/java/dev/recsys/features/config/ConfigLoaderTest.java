package dev.recsys.features.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final Path CONF = Path.of(System.getProperty("recsys.repo.root", "..")).resolve("conf");

  private static String base() throws Exception {
    return Files.readString(CONF.resolve("base.yaml"));
  }

  @Test
  void loadsEveryShippedOverlay() {
    for (String overlay : new String[] {"local", "cluster", "gpu", "local,gpu"}) {
      RecsysConfig cfg = ConfigLoader.load(CONF.resolve(overlay.split(",")[0] + ".yaml")
          + (overlay.contains(",") ? ",gpu" : ""));
      assertTrue(cfg.generator().events() > 0, overlay);
    }
  }

  @Test
  void overlayReplacesScalarsAndMergesMaps() throws Exception {
    RecsysConfig cfg = ConfigLoader.fromYaml(base(),
        "spark: {shuffle_partitions: 3, conf: {spark.a: x}}",
        "spark: {conf: {spark.b: y}}\nsplit: {mode: FRACTION}");
    assertEquals(3, cfg.spark().shufflePartitions());
    assertEquals("x", cfg.spark().conf().get("spark.a"));
    assertEquals("y", cfg.spark().conf().get("spark.b"));
    assertEquals(SplitConfig.Mode.FRACTION, cfg.split().mode());
    assertEquals(50, cfg.spark().deltaSnapshotPartitions());
    assertEquals("HNSW32", cfg.export().indexFactory());
  }

  @Test
  void rejectsUnknownKeyNamingIt() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.fromYaml(base(), "split: {trian_start_days: 30}"));
    assertTrue(e.getMessage().contains("unknown config key 'split.trian_start_days'"), e.getMessage());
    assertTrue(e.getMessage().contains("train_start_days"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void rejectsUnknownSection() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml(base(), "servng: {k: 1}"));
    assertTrue(e.getMessage().contains("'servng'"), e.getMessage());
  }

  @Test
  void rejectsBadValuesNamingTheKey() throws Exception {
    assertMessage("validation.min_quality_rate must be in [0, 1), got 1.5",
        () -> ConfigLoader.fromYaml(base(), "validation: {min_quality_rate: 1.5}"));
    assertMessage("split needs train_start_days > validation_start_days > test_start_days, got 10, 14, 7",
        () -> ConfigLoader.fromYaml(base(), "split: {train_start_days: 10}"));
    assertMessage("'split.mode'", () -> ConfigLoader.fromYaml(base(), "split: {mode: weekly}"));
    assertMessage("days, fraction", () -> ConfigLoader.fromYaml(base(), "split: {mode: weekly}"));
    assertMessage("'generator.users'", () -> ConfigLoader.fromYaml(base(), "generator: {users: many}"));
    assertMessage("storage.root must not be empty", () -> ConfigLoader.fromYaml(base(), "storage: {root: ''}"));
    assertMessage("export.ef_search must be >= export.recall_k, got 50 < 100",
        () -> ConfigLoader.fromYaml(base(), "export: {ef_search: 50}"));
    assertMessage("export.recall_floor must be >= 0, got -0.1",
        () -> ConfigLoader.fromYaml(base(), "export: {recall_floor: -0.1}"));
    assertMessage("training.dlrm.epochs must be > 0, got 0",
        () -> ConfigLoader.fromYaml(base(), "training: {dlrm: {epochs: 0}}"));
  }

  @Test
  void devicesDefaultToCpuAndTheGpuOverlaySwitchesThemOn() throws Exception {
    RecsysConfig cpu = ConfigLoader.load(CONF.resolve("local.yaml").toString());
    assertEquals(TrainingConfig.Device.CPU, cpu.training().device());
    assertEquals(ServingConfig.OnnxDevice.CPU, cpu.serving().onnxDevice());
    RecsysConfig gpu = ConfigLoader.load(CONF.resolve("local.yaml") + ",gpu");
    assertEquals(TrainingConfig.Device.GPU, gpu.training().device());
    assertEquals(ServingConfig.OnnxDevice.CUDA, gpu.serving().onnxDevice());
    assertEquals("com.nvidia.spark.SQLPlugin", gpu.spark().conf().get("spark.plugins"));
    assertMessage("bad config value for 'training.device' in yaml#0 + yaml#1: 'tpu' (one of cpu, gpu)",
        () -> ConfigLoader.fromYaml(base(), "training: {device: tpu}"));
    assertMessage("'serving.onnx_device' in yaml#0 + yaml#1: 'gpu' (one of cpu, cuda)",
        () -> ConfigLoader.fromYaml(base(), "serving: {onnx_device: gpu}"));
  }

  @Test
  void rejectsMissingKey() {
    assertMessage("config key 'spark.delta_snapshot_partitions' in yaml#0 is missing",
        () -> ConfigLoader.fromYaml("storage: {root: x}\nspark: {shuffle_partitions: 1}"));
  }

  @Test
  void theScheduleIsRequiredInYamlButAnOldTrainingReportReadsAsConstant() throws Exception {
    String withoutSchedule = base().replaceAll("(?m)^  learning_rate_schedule:.*$\\n", "");
    assertMessage("config key 'training.learning_rate_schedule' in yaml#0 is missing",
        () -> ConfigLoader.fromYaml(withoutSchedule));

    ObjectMapper json = new ObjectMapper();
    ObjectNode written = json.valueToTree(ConfigLoader.fromYaml(base()).training()
        .withFitOnValidation(true));
    written.remove(List.of("learningRateSchedule", "clipGradNorm", "fitOnValidation", "als", "dlrm"));
    TrainingConfig old = json.treeToValue(written, TrainingConfig.class);
    assertEquals(TrainingConfig.LearningRateSchedule.CONSTANT, old.learningRateSchedule());
    assertEquals(0, old.clipGradNorm(), "reports from before clipping did not clip");
    assertEquals(AlsConfig.DEFAULTS, old.als(), "reports from before the key ran ALS with the defaults");
    assertFalse(old.fitOnValidation(), "reports from before the key were fitted on train alone");
    assertEquals(new DlrmTrainingConfig(old.epochs(), old.embeddingDim()), old.dlrm(),
        "reports from before the key trained the DLRM as long and as wide as the two-tower");
  }

  @Test
  void overlayPathTakesBaseFromItsFolder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("base.yaml"), base());
    Files.writeString(dir.resolve("mine.yaml"), "generator: {users: 7}");
    assertEquals(7, ConfigLoader.load(dir.resolve("mine.yaml").toString()).generator().users());
    assertMessage("nope.yaml not found", () -> ConfigLoader.load(dir.resolve("nope.yaml").toString()));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    ConfigException e = assertThrows(ConfigException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
