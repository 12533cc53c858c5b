package dev.recsys.export.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.ServingConfig.OnnxDevice;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxScorerTest {

  private static byte[] model;
  private static UserTowerWeights weights;

  @BeforeAll
  static void buildModel() {
    Random r = new Random(3);
    weights = new UserTowerWeights(Reference.table(r, 4, 2), Reference.table(r, 5, 2), 12, List.of(),
        Reference.layer(r, 16, 3));
    model = OnnxGraphs.userTower(weights);
  }

  @Test
  void cudaWithoutTheCudaProviderFailsWithAMessage() throws Exception {
    // The test classpath has the CPU onnxruntime jar, whose only provider is the CPU.
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OnnxScorer.open(model, 1, OnnxDevice.CUDA));
    assertTrue(e.getMessage().startsWith("serving.onnx_device is cuda but this ONNX Runtime build offers only [CPU"),
        e.getMessage());
    assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
    try (OnnxScorer cpu = OnnxScorer.open(model, 1, OnnxDevice.CPU)) {
      assertEquals(OnnxGraphs.userTowerInputs(weights), cpu.inputs(), "the CPU provider still opens the model");
    }
  }

  @Test
  void inputsReportDeclaredNamesTypesAndShapes() throws Exception {
    try (OnnxScorer scorer = OnnxScorer.open(model, 1)) {
      assertEquals(OnnxGraphs.userTowerInputs(weights), scorer.inputs());
      assertEquals("user_dense float32 [?, 12]", scorer.inputs().get(1).toString());
    }
  }

  @Test
  void checkInputsNamesBothSidesOfAShapeMismatch() throws Exception {
    try (OnnxScorer scorer = OnnxScorer.open(model, 1)) {
      List<TensorSpec> spec = List.of(
          TensorSpec.of(TensorNames.USER_IDX, ElementType.INT64, TensorSpec.DYNAMIC),
          TensorSpec.of(TensorNames.USER_DENSE, ElementType.FLOAT32, TensorSpec.DYNAMIC, 11),
          TensorSpec.of(TensorNames.HIST_ITEMS, ElementType.INT64, TensorSpec.DYNAMIC, 50));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> scorer.checkInputs(spec));
      assertTrue(e.getMessage().contains("model expects user_dense float32 [?, 12] but spec says float32 [?, 11]"),
          e.getMessage());
      // The model accepts any history length, so a fixed one in the spec is fine.
      assertEquals(1, e.getMessage().split("model expects", -1).length - 1, e.getMessage());
    }
  }

  @Test
  void checkInputsReportsMissingExtraAndMistypedInputs() throws Exception {
    try (OnnxScorer scorer = OnnxScorer.open(model, 1)) {
      List<TensorSpec> spec = List.of(
          TensorSpec.of(TensorNames.USER_IDX, ElementType.FLOAT32, TensorSpec.DYNAMIC),
          TensorSpec.of(TensorNames.USER_DENSE, ElementType.FLOAT32, TensorSpec.DYNAMIC, 12),
          TensorSpec.of("user_age", ElementType.FLOAT32, TensorSpec.DYNAMIC));
      String message = assertThrows(IllegalStateException.class, () -> scorer.checkInputs(spec)).getMessage();
      assertTrue(message.contains("model expects user_idx int64 [?] but spec says float32 [?]"), message);
      assertTrue(message.contains("spec has user_age float32 [?] but the model has no input 'user_age'"), message);
      assertTrue(message.contains("model expects hist_items int64 [?, ?] but the spec does not list it"), message);
    }
  }

  @Test
  void runRejectsAWronglyTypedOrMissingInput() throws Exception {
    try (OnnxScorer scorer = OnnxScorer.open(model, 1)) {
      List<TensorInput> mistyped = List.of(
          TensorInput.floats(TensorNames.USER_IDX, new float[] {2}, 1),
          TensorInput.floats(TensorNames.USER_DENSE, new float[12], 1, 12),
          TensorInput.longs(TensorNames.HIST_ITEMS, new long[] {2}, 1, 1));
      String message = assertThrows(IllegalArgumentException.class, () -> scorer.run(mistyped)).getMessage();
      assertEquals("model expects user_idx int64 [?] but user_idx was given as float32", message);

      List<TensorInput> missing = List.of(TensorInput.longs(TensorNames.USER_IDX, new long[] {2}, 1));
      assertThrows(IllegalArgumentException.class, () -> scorer.run(missing));
    }
  }

  @Test
  void tensorInputChecksItsShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorInput.floats(TensorNames.USER_DENSE, new float[10], 1, 12));
    assertEquals("user_dense has 10 values but shape [1, 12] needs 12", e.getMessage());
  }
}
