package dev.recsys.export.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphsTest {

  private static final float TOLERANCE = 1e-5f;

  private final Random random = new Random(7);

  @Test
  void userTowerMatchesTheReferenceForAnyBatchAndHistoryLength() throws Exception {
    EmbeddingTable items = Reference.table(random, 9, 3);
    UserTowerWeights w = new UserTowerWeights(Reference.table(random, 6, 4), items, 2,
        List.of(Reference.layer(random, 9, 8), Reference.layer(random, 8, 5)), Reference.layer(random, 5, 4));
    try (OnnxScorer scorer = OnnxScorer.open(OnnxGraphs.userTower(w), 1)) {
      scorer.checkInputs(OnnxGraphs.userTowerInputs(w));
      assertEquals(List.of(TensorNames.USER_VEC), scorer.outputNames());
      // Row 0: all padding (pooled vector is zero); row 1: oov user and an oov item in the history.
      long[] users = {2, 1, 5};
      float[] dense = Reference.gaussian(random, 6);
      long[] hist = {0, 0, 0, 0, 3, 1, 0, 0, 8, 7, 2, 4};
      float[] onnx = scorer.run(List.of(
          TensorInput.longs(TensorNames.USER_IDX, users, 3),
          TensorInput.floats(TensorNames.USER_DENSE, dense, 3, 2),
          TensorInput.longs(TensorNames.HIST_ITEMS, hist, 3, 4))).get(TensorNames.USER_VEC);
      assertArrayEquals(Reference.userTower(w, users, dense, hist, 4), onnx, TOLERANCE);
      assertEquals(1.0, norm(onnx, 0, 4), 1e-5);

      long[] one = {3};
      long[] shortHist = {4, 0};
      float[] single = scorer.run(List.of(
          TensorInput.longs(TensorNames.USER_IDX, one, 1),
          TensorInput.floats(TensorNames.USER_DENSE, new float[] {0.5f, -1}, 1, 2),
          TensorInput.longs(TensorNames.HIST_ITEMS, shortHist, 1, 2))).get(TensorNames.USER_VEC);
      assertArrayEquals(Reference.userTower(w, one, new float[] {0.5f, -1}, shortHist, 2), single, TOLERANCE);
    }
  }

  @Test
  void itemTowerMatchesTheReference(@TempDir Path dir) throws Exception {
    ItemTowerWeights w = new ItemTowerWeights(Reference.table(random, 7, 4), Reference.table(random, 4, 2),
        Reference.table(random, 11, 3), 3, List.of(Reference.layer(random, 12, 6)), Reference.layer(random, 6, 5));
    Path file = dir.resolve("item_tower.onnx");
    OnnxGraphs.writeItemTower(List.of(w), file);
    try (OnnxScorer scorer = OnnxScorer.open(file, 1)) {
      scorer.checkInputs(OnnxGraphs.itemTowerInputs(w));
      long[] items = {1, 6};
      long[] cats = {3, 2};
      float[] dense = Reference.gaussian(random, 6);
      long[] tokens = {5, 10, 0, 0, 0, 0};
      float[] onnx = scorer.run(List.of(
          TensorInput.longs(TensorNames.ITEM_IDX, items, 2),
          TensorInput.longs(TensorNames.ITEM_CAT, cats, 2),
          TensorInput.floats(TensorNames.ITEM_DENSE, dense, 2, 3),
          TensorInput.longs(TensorNames.ITEM_TOKENS, tokens, 2, 3))).get(TensorNames.ITEM_VEC);
      assertArrayEquals(Reference.itemTower(w, items, cats, dense, tokens, 3), onnx, TOLERANCE);
    }
  }

  @Test
  void ensembleTowersPlaceTheMembersVectorsSideBySideSoInnerProductsAverageTheCosines() throws Exception {
    List<UserTowerWeights> users = new ArrayList<>();
    List<ItemTowerWeights> items = new ArrayList<>();
    for (int m = 0; m < 2; m++) {
      EmbeddingTable itemIds = Reference.table(random, 7, 3);
      users.add(new UserTowerWeights(Reference.table(random, 6, 4), itemIds, 2, List.of(Reference.layer(random, 9, 5)),
          Reference.layer(random, 5, 4)));
      items.add(new ItemTowerWeights(itemIds, Reference.table(random, 4, 2), Reference.table(random, 11, 3), 3,
          List.of(), Reference.layer(random, 11, 4)));
    }
    long[] userIdx = {2, 5};
    float[] userDense = Reference.gaussian(random, 4);
    long[] hist = {3, 1, 0, 6, 0, 0};
    long[] itemIdx = {1, 6, 4};
    long[] cats = {3, 2, 1};
    float[] itemDense = Reference.gaussian(random, 9);
    long[] tokens = {5, 10, 0, 0, 7, 0};
    float[] u;
    float[] v;
    try (OnnxScorer scorer = OnnxScorer.open(OnnxGraphs.userTower(users), 1)) {
      u = scorer.run(List.of(
          TensorInput.longs(TensorNames.USER_IDX, userIdx, 2),
          TensorInput.floats(TensorNames.USER_DENSE, userDense, 2, 2),
          TensorInput.longs(TensorNames.HIST_ITEMS, hist, 2, 3))).get(TensorNames.USER_VEC);
    }
    try (OnnxScorer scorer = OnnxScorer.open(OnnxGraphs.itemTower(items), 1)) {
      v = scorer.run(List.of(
          TensorInput.longs(TensorNames.ITEM_IDX, itemIdx, 3),
          TensorInput.longs(TensorNames.ITEM_CAT, cats, 3),
          TensorInput.floats(TensorNames.ITEM_DENSE, itemDense, 3, 3),
          TensorInput.longs(TensorNames.ITEM_TOKENS, tokens, 3, 2))).get(TensorNames.ITEM_VEC);
    }
    assertEquals(2 * 8, u.length);
    assertEquals(3 * 8, v.length);
    float[][] memberUsers = new float[2][];
    float[][] memberItems = new float[2][];
    for (int m = 0; m < 2; m++) {
      memberUsers[m] = Reference.userTower(users.get(m), userIdx, userDense, hist, 3);
      memberItems[m] = Reference.itemTower(items.get(m), itemIdx, cats, itemDense, tokens, 2);
    }
    float scale = (float) (1 / Math.sqrt(2));
    for (int row = 0; row < 2; row++) {
      for (int m = 0; m < 2; m++) {
        for (int d = 0; d < 4; d++) {
          assertEquals(memberUsers[m][row * 4 + d] * scale, u[row * 8 + m * 4 + d], TOLERANCE, "user " + row);
        }
      }
    }
    for (int row = 0; row < 2; row++) {
      for (int item = 0; item < 3; item++) {
        double mean = (dot(memberUsers[0], row, memberItems[0], item, 4) + dot(memberUsers[1], row, memberItems[1],
            item, 4)) / 2;
        assertEquals(mean, dot(u, row, v, item, 8), 1e-5, "user " + row + " item " + item);
      }
    }
  }

  @Test
  void ensembleMembersMustShareTheirWidths() {
    EmbeddingTable itemIds = Reference.table(random, 7, 3);
    UserTowerWeights narrow = new UserTowerWeights(Reference.table(random, 6, 4), itemIds, 2, List.of(),
        Reference.layer(random, 9, 4));
    UserTowerWeights wide = new UserTowerWeights(Reference.table(random, 6, 4), itemIds, 2, List.of(),
        Reference.layer(random, 9, 6));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxGraphs.userTower(List.of(narrow, wide)));
    assertTrue(e.getMessage().contains("output width 6"), e.getMessage());
  }

  private static double dot(float[] a, int rowA, float[] b, int rowB, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += a[rowA * dim + d] * b[rowB * dim + d];
    }
    return s;
  }

  @Test
  void dlrmMatchesTheReferenceWithAndWithoutThePurchaseHead() throws Exception {
    List<DenseLayer> bottom = List.of(Reference.layer(random, 5, 6), Reference.layer(random, 6, 4));
    List<EmbeddingTable> tables = List.of(
        Reference.table(random, 5, 4), Reference.table(random, 3, 4), Reference.table(random, 8, 4));
    // d = 4, n = 4 vectors: 6 pairs, so the top MLP sees 10 values.
    List<DenseLayer> top = List.of(Reference.layer(random, 10, 7));
    float[] dense = Reference.gaussian(random, 15);
    long[] sparse = {2, 1, 7, 0, 2, 3, 4, 1, 1};
    for (int heads = 1; heads <= 2; heads++) {
      DlrmWeights w = new DlrmWeights(5, bottom, tables, top, Reference.layer(random, 7, heads));
      float[][] expected = Reference.dlrm(w, dense, sparse);
      try (OnnxScorer scorer = OnnxScorer.open(OnnxGraphs.dlrm(w), 1)) {
        scorer.checkInputs(OnnxGraphs.dlrmInputs(w));
        Map<String, float[]> out = scorer.run(List.of(
            TensorInput.floats(TensorNames.DENSE, dense, 3, 5),
            TensorInput.longs(TensorNames.SPARSE, sparse, 3, 3)));
        assertEquals(heads == 2, out.containsKey(TensorNames.PURCHASE_PROB));
        for (int i = 0; i < 3; i++) {
          assertEquals(expected[i][0], out.get(TensorNames.CLICK_PROB)[i], TOLERANCE);
          if (heads == 2) {
            assertEquals(expected[i][1], out.get(TensorNames.PURCHASE_PROB)[i], TOLERANCE);
          }
        }
      }
    }
  }

  @Test
  void upperTriangleListsPairsRowByRow() {
    assertArrayEquals(new long[] {1, 2, 5}, OnnxGraphs.upperTriangle(3));
    assertEquals(0, OnnxGraphs.upperTriangle(1).length);
  }

  @Test
  void weightRecordsRejectMismatchedWidthsNamingBothSides() {
    EmbeddingTable users = Reference.table(random, 4, 3);
    EmbeddingTable items = Reference.table(random, 4, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UserTowerWeights(
        users, items, 2, List.of(Reference.layer(random, 7, 4)), Reference.layer(random, 4, 2)));
    assertEquals("user tower layer 0 expects 7 inputs but receives 8", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new DenseLayer(new float[5], new float[2], 3, 2));
    assertEquals("dense layer weight has 5 values but [out=2, in=3] needs 6", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new DlrmWeights(2, List.of(Reference.layer(random, 2, 4)),
        List.of(Reference.table(random, 3, 5)), List.of(), Reference.layer(random, 5, 1)));
    assertEquals("DLRM table 0 has width 5 but the bottom MLP outputs 4", e.getMessage());
  }

  @Test
  void writtenFileIsAnOpset17Model(@TempDir Path dir) throws Exception {
    DlrmWeights w = new DlrmWeights(2, List.of(Reference.layer(random, 2, 3)), List.of(Reference.table(random, 3, 3)),
        List.of(), Reference.layer(random, 4, 1));
    Path file = dir.resolve("dlrm.onnx");
    OnnxGraphs.writeDlrm(w, file);
    ai.onnx.proto.OnnxMl.ModelProto model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
    assertEquals(17, model.getOpsetImport(0).getVersion());
    assertTrue(model.getGraph().getInitializerCount() > 0);
    assertFalse(model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).hasDimValue(),
        "batch dimension must be symbolic");
  }

  private static double norm(float[] a, int from, int length) {
    double sq = 0;
    for (int i = from; i < from + length; i++) {
      sq += a[i] * a[i];
    }
    return Math.sqrt(sq);
  }
}
