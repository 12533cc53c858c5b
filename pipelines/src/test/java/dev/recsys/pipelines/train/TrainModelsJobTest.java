package dev.recsys.pipelines.train;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.export.DjlReference;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureRows;
import dev.recsys.pipelines.features.FeatureTables;
import dev.recsys.pipelines.features.RankingNegatives;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import dev.recsys.training.SavedModels;
import dev.recsys.training.eval.EvaluationReport;
import dev.recsys.training.eval.MetricNames;
import dev.recsys.training.eval.UserRanking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training and evaluation through the jobs on one small generated data set (built once for the class): a
 * two-batch smoke run of every trainer, the evaluation report and the items it leaves out, the quality gate's
 * decisions and the final fit on train and validation (its rows and its vocabularies).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainModelsJobTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  @TempDir static Path shared;
  private static boolean built;

  @BeforeEach
  void sharedLake() {
    cfg = TrainingFixtures.small(cfg).withStorage(new StorageConfig(shared.resolve("lake").toString()))
        .withExport(cfg.export().withBundlesRoot(shared.resolve("bundles").toString()));
    if (!built) {
      TrainingFixtures.buildFeatures(spark, cfg, DAY);
      built = true;
    }
  }

  @Test
  @Order(1)
  void twoBatchesOfEachModelWriteOnnxFilesAndTheReport() throws Exception {
    // An ensemble of two two-towers, so the tests after this one mine negatives from and evaluate its towers.
    TrainingConfig t = cfg.training().withTwoTowerModels(2);
    TrainModelsJob.Result r = TrainModelsJob.run(spark, cfg.withTraining(t), DAY, 2);

    assertEquals("views", r.rankingLabels(), "generated data has impressions");
    assertEquals(t.epochs(), r.twoTower().epochLosses().size(), "one mean loss per epoch");
    assertEquals(2L * 2 * t.epochs(), r.twoTower().batchesTrained(), "two batches per epoch, two models");
    assertTrue(r.twoTower().config().contains(" x 2 models (seeds " + t.seed() + " to " + (t.seed() + 1)),
        r.twoTower().config());
    assertEquals(t.dlrm().epochs(), r.ranker().epochLosses().size(), "the DLRM's own epochs");
    assertEquals(2L * t.dlrm().epochs(), r.ranker().batchesTrained(), "two batches per epoch");
    assertTrue(r.ranker().config().contains("embeddingDim=" + t.dlrm().embeddingDim() + ","),
        "the DLRM's own width: " + r.ranker().config());
    assertTrue(r.twoTower().epochLosses().stream().allMatch(l -> l > 0 && Float.isFinite(l)), r.twoTower().toString());
    assertTrue(r.ranker().epochLosses().stream().allMatch(l -> l > 0 && Float.isFinite(l)), r.ranker().toString());
    Path dir = Path.of(r.modelDir());
    for (String file : List.of(TrainModelsJob.USER_TOWER_FILE, TrainModelsJob.ITEM_TOWER_FILE,
        TrainModelsJob.RANKER_FILE)) {
      try (OnnxScorer scorer = OnnxScorer.open(dir.resolve(file), 1)) {
        assertFalse(scorer.inputs().isEmpty(), file);
      }
    }
    for (String file : SavedModels.files(2)) {
      assertTrue(Files.isRegularFile(dir.resolve(TrainModelsJob.DJL_DIR).resolve(file)), file);
    }
    try (RunModels towers = RunModels.open(dir);
        DjlReference members = DjlReference.load(dir).orElseThrow()) {
      FeatureArtifacts a = TrainModelsJob.readArtifacts(spark, BuildFeaturesJob.artifactsPath(cfg.storage(), DAY));
      Row example = Tables.read(spark, cfg.storage().table(BuildFeaturesJob.EXAMPLES)).first();
      List<ModelInputs.UserTower> user = List.of(ModelInputs.userTower(FeatureRows.user(example),
          TrainingRows.index(example, FeatureTables.USER_IDX), example.<Long>getAs(FeatureTables.TS_MS), a));
      float[] exported = towers.userVectors(user)[0];
      assertEquals(2 * t.outputDim(), exported.length, "the members' vectors side by side");
      assertArrayEquals(members.userVectors(user), exported, 1e-5f, "the saved DJL members give the same vector");
    }
    TrainModelsJob.Result written = Reports.read(spark, dir.resolve(TrainModelsJob.REPORT_FILE).toString(),
        TrainModelsJob.Result.class);
    assertEquals(r.twoTower().epochLosses(), written.twoTower().epochLosses());
    assertTrue(Files.isDirectory(dir.resolve(TrainModelsJob.ALS_DIR)));
    XgbRanker.Run xgb = Reports.read(spark, dir.resolve(XgbRanker.REPORT_FILE).toString(), XgbRanker.Run.class);
    assertTrue(xgb.groups() > 1 && xgb.rows() >= xgb.groups(), xgb.toString());
    assertTrue(xgb.parityMaxAbsDiff() <= XgbRanker.PARITY_TOLERANCE && xgb.parityRows() > 0, xgb.toString());
    try (OnnxScorer scorer = OnnxScorer.open(dir.resolve(XgbRanker.ONNX_FILE), 1)) {
      assertEquals(List.of(TensorNames.RANK_SCORE, TensorNames.CLICK_PROB), scorer.outputNames());
    }

    TrainModelsJob.Result resumed = TrainModelsJob.run(spark, cfg.withTraining(t), DAY, 2);
    assertEquals(0, resumed.twoTower().batchesTrained(), "a rerun resumes both models from their last checkpoints");
    assertEquals(r.twoTower().epochLosses(), resumed.twoTower().epochLosses());
  }

  /**
   * Negatives mined from the trained two-tower, checked against a brute-force ranking of the catalogue by the same
   * ONNX towers. Generated data has impressions, so the job itself mines none; its clicks stand in for liked ratings.
   */
  @Test
  @Order(2)
  void minedNegativesAreTheTwoTowersTopItemsTheUserNeverTouched() throws Exception {
    FeatureArtifacts a = TrainModelsJob.readArtifacts(spark, BuildFeaturesJob.artifactsPath(cfg.storage(), DAY));
    Path dir = Path.of(TrainModelsJob.modelDir(cfg.storage(), DAY));
    Dataset<Row> train = Tables.read(spark, cfg.storage().table(BuildFeaturesJob.EXAMPLES))
        .where(col(BuildFeaturesJob.SPLIT).equalTo(SplitEventsJob.TRAIN));
    Dataset<Row> liked = TrainingRows.positives(train).orderBy(Schemas.EVENT_ID).limit(30).cache();
    BuildFeaturesJob.EventsWithItems sources = BuildFeaturesJob.eventsWithItems(spark, cfg.storage(), DAY, a);
    RetrievedNegatives.Catalogue catalogue = RetrievedNegatives.Catalogue.of(train, sources.itemInfo(), a,
        dir.resolve(TrainModelsJob.ITEM_TOWER_FILE));
    byte[] userTower = Files.readAllBytes(dir.resolve(TrainModelsJob.USER_TOWER_FILE));

    Map<String, Set<Integer>> touched = new HashMap<>();
    for (Row e : sources.events().select(Schemas.USER_ID, FeatureTables.ITEM_ROW).collectAsList()) {
      touched.computeIfAbsent(e.getString(0), u -> new HashSet<>()).add(e.getInt(1));
    }
    Map<String, List<Integer>> ranked = new HashMap<>();
    try (RunModels towers = RunModels.open(dir)) {
      for (Row r : liked.collectAsList()) {
        float[] user = towers.userVectors(List.of(ModelInputs.userTower(FeatureRows.user(r),
            TrainingRows.index(r, FeatureTables.USER_IDX), r.<Long>getAs(FeatureTables.TS_MS), a)))[0];
        Set<Integer> mine = touched.get(r.<String>getAs(Schemas.USER_ID));
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < catalogue.itemRows().length; k++) {
          if (!mine.contains(catalogue.itemRows()[k])) {
            order.add(k);
          }
        }
        double[] score = new double[catalogue.itemRows().length];
        for (int k = 0; k < score.length; k++) {
          for (int d = 0; d < user.length; d++) {
            score[k] += user[d] * catalogue.vectors()[k][d];
          }
        }
        order.sort(Comparator.comparingDouble((Integer k) -> -score[k]));
        ranked.put(r.getAs(Schemas.EVENT_ID), order.stream().map(k -> catalogue.itemRows()[k]).toList());
      }
    }

    Map<String, Set<Integer>> topThree = drawn(RetrievedNegatives.draws(liked, sources.events(), catalogue,
        userTower, a, 3, 3, 11));
    assertEquals(ranked.keySet(), topThree.keySet(), "every liked row gets negatives");
    ranked.forEach((id, order) -> assertEquals(Set.copyOf(order.subList(0, 3)), topThree.get(id),
        "depth 3 mines exactly the three best items the user never touched, for " + id));

    Map<String, Set<Integer>> deep = drawn(RetrievedNegatives.draws(liked.repartition(3), sources.events(),
        catalogue, userTower, a, 3, 20, 11));
    deep.forEach((id, items) -> {
      assertEquals(3, items.size(), id);
      assertTrue(ranked.get(id).subList(0, 20).containsAll(items), "drawn from the top 20: " + id + " " + items);
    });
    assertEquals(deep, drawn(RetrievedNegatives.draws(liked, sources.events(), catalogue, userTower, a, 3, 20,
        11)), "the same draws whatever the partitioning");
    assertFalse(deep.equals(drawn(RetrievedNegatives.draws(liked, sources.events(), catalogue, userTower, a, 3, 20,
        12))), "another seed draws others among the top 20");

    Dataset<Row> rows = RetrievedNegatives.sample(liked, sources.events(), sources.itemInfo(), catalogue, userTower,
        a, 3, 20, 11);
    assertEquals(train.schema().asNullable().toString(), rows.schema().asNullable().toString(),
        "the columns of examples");
    for (Row n : rows.collectAsList()) {
      String id = n.getAs(Schemas.EVENT_ID);
      String positive = id.substring(0, id.lastIndexOf(RetrievedNegatives.ID_SEPARATOR));
      assertTrue(deep.get(positive).contains(n.<Integer>getAs(FeatureTables.ITEM_ROW)), id);
      assertEquals(0, n.<Integer>getAs(BuildFeaturesJob.LABEL_CLICK), id);
    }
    assertEquals(3 * liked.count(), rows.count());

    // The job's own wiring: mined for data without impressions (features.negatives.retrieved_ratio per liked
    // rating, fewer only for a user with fewer untouched items in the top retrieved_depth), none with them.
    int ratio = cfg.features().negatives().retrievedRatio();
    long likedRatings = BuildFeaturesJob.liked(train).count();
    Dataset<Row> mined = TrainModelsJob.retrievedNegatives(spark, cfg, DAY, train, a, dir, false);
    long minedRows = mined.count();
    assertTrue(likedRatings > 0 && minedRows > (ratio - 1) * likedRatings && minedRows <= ratio * likedRatings,
        minedRows + " mined for " + likedRatings + " liked ratings at ratio " + ratio);
    assertTrue(mined.collectAsList().stream().allMatch(n -> n.<String>getAs(Schemas.EVENT_ID)
        .contains(RetrievedNegatives.ID_SEPARATOR)));
    mined.unpersist();
    assertEquals(0, TrainModelsJob.retrievedNegatives(spark, cfg, DAY, train, a, dir, true).count(),
        "impressions are the negatives of data with views");
  }

  /** Returns the item rows drawn per positive's event id from {@link RankingNegatives#DRAWS} rows. */
  private static Map<String, Set<Integer>> drawn(Dataset<Row> draws) {
    Map<String, Set<Integer>> out = new HashMap<>();
    for (Row d : draws.collectAsList()) {
      assertTrue(out.computeIfAbsent(d.getString(0), p -> new HashSet<>()).add(d.getInt(2)), "no repeat: " + d);
    }
    return out;
  }

  @Test
  @Order(3)
  void evaluationWritesJsonHtmlAndDecision() throws Exception {
    EvaluateModelsJob.Result r = EvaluateModelsJob.run(spark, cfg, DAY);

    EvaluationReport report = EvaluationReport.fromJson(Files.readString(Path.of(r.jsonPath())));
    assertEquals(List.of(EvaluateModelsJob.POPULARITY, EvaluateModelsJob.POPULARITY_RECENT, EvaluateModelsJob.ALS,
        EvaluateModelsJob.TWO_TOWER, EvaluateModelsJob.TWO_TOWER_DLRM, EvaluateModelsJob.TWO_TOWER_XGB),
        List.copyOf(report.models().keySet()));
    int users = report.metric(EvaluateModelsJob.POPULARITY, MetricNames.ndcgAt(10)).n();
    assertTrue(users > 5, "test users evaluated: " + users);
    double r500 = report.metric(EvaluateModelsJob.TWO_TOWER, MetricNames.recallAt(500)).value();
    assertEquals(r500, report.metric(EvaluateModelsJob.TWO_TOWER_DLRM, MetricNames.recallAt(500)).value(), 1e-9,
        "the ranker reorders the two-tower's 500 candidates");
    assertTrue(report.metric(EvaluateModelsJob.TWO_TOWER_DLRM, "click_auc").n() > 0, "ranker scored impressions");
    assertEquals(r500, report.metric(EvaluateModelsJob.TWO_TOWER_XGB, MetricNames.recallAt(500)).value(), 1e-9,
        "XGBoost reorders the same 500 candidates");
    assertTrue(report.metric(EvaluateModelsJob.TWO_TOWER_XGB, "click_auc").n() > 0, "XGBoost scored impressions");
    assertTrue(report.comparison(MetricNames.ndcgAt(10), EvaluateModelsJob.TWO_TOWER_XGB,
        EvaluateModelsJob.TWO_TOWER_DLRM).isPresent());
    assertTrue(report.comparison(MetricNames.ndcgAt(10), EvaluateModelsJob.TWO_TOWER_DLRM,
        EvaluateModelsJob.POPULARITY).isPresent());
    assertTrue(Files.readString(Path.of(r.htmlPath())).contains(EvaluateModelsJob.TWO_TOWER_DLRM));
    EvaluateModelsJob.Decision d = Reports.read(spark, r.decisionPath(), EvaluateModelsJob.Decision.class);
    assertEquals(r.decision(), d);
  }

  @Test
  @Order(4)
  void qualityGateRefusesARandomWeightsModelAndComparesWithThePublishedOne() throws Exception {
    Path modelDir = Path.of(TrainModelsJob.modelDir(cfg.storage(), DAY));
    deleteRecursively(modelDir.resolve("checkpoints"));
    TrainingConfig t = cfg.training();
    // A learning rate of 1e-12 leaves Adam's steps at ~1e-12: the exported models keep their random weights.
    TrainModelsJob.run(spark, cfg.withTraining(new TrainingConfig(t.seed(), 1, t.batchSize(), 1e-12, t.logEvery(),
        t.embeddingDim(), t.hiddenSizes(), t.outputDim(), t.temperature(), t.idDropout(), t.gateMetric(),
        t.gateMargin())), DAY, 1);

    EvaluateModelsJob.Result random = EvaluateModelsJob.run(spark, cfg, DAY);
    assertFalse(random.decision().publishable(), random.decision().reason());
    assertTrue(random.decision().reason().contains("nothing is published yet"), random.decision().reason());

    String metric = t.gateMetric();
    String model = EvaluateModelsJob.candidate(t);
    EvaluateModelsJob.Decision worseServed = EvaluateModelsJob.decide(ServedModel.Reference.of(
        new EvaluateModelsJob.PublishedMetrics("b1", "2026-10-25", model, Map.of(metric, -1.0))),
        DAY, random.report(), t);
    assertTrue(worseServed.publishable(), worseServed.reason());
    EvaluateModelsJob.Decision betterServed = EvaluateModelsJob.decide(ServedModel.Reference.of(
        new EvaluateModelsJob.PublishedMetrics("b1", "2026-10-25", model, Map.of(metric, 1.0))),
        DAY, random.report(), t);
    assertFalse(betterServed.publishable(), betterServed.reason());
    assertTrue(betterServed.reason().contains("of 2026-10-25 (bundle b1)"), betterServed.reason());
  }

  @Test
  @Order(5)
  void fittingOnValidationAddsItsRowsAndRefusesToEvaluateIt() throws Exception {
    Dataset<Row> examples = Tables.read(spark, cfg.storage().table(BuildFeaturesJob.EXAMPLES));
    Dataset<Row> train = examples.where(col(BuildFeaturesJob.SPLIT).equalTo(SplitEventsJob.TRAIN));
    Dataset<Row> both = examples.where(col(BuildFeaturesJob.SPLIT).isin(SplitEventsJob.TRAIN,
        SplitEventsJob.VALIDATION));
    long trainPositives = TrainingRows.positives(train).count();
    long bothPositives = TrainingRows.positives(both).count();
    assertTrue(trainPositives < bothPositives, trainPositives + " train positives, " + bothPositives + " with "
        + "validation");

    TrainingConfig t = cfg.training().withFitOnValidation(true);
    TrainModelsJob.Result r = TrainModelsJob.run(spark, cfg.withTraining(t), DAY, 1);
    assertEquals(bothPositives, r.twoTower().rows(), "the two-tower trains on the positives of both windows");
    assertEquals(1L * t.epochs(), r.twoTower().batchesTrained(), "a fresh run: the train-only checkpoint is not "
        + "resumed");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EvaluateModelsJob.evaluate(spark, cfg, DAY, SplitEventsJob.VALIDATION));
    assertTrue(e.getMessage().contains("fitted on the validation window"), e.getMessage());
  }

  @Test
  @Order(6)
  void evaluationLeavesOutEveryItemOfTheHistoryNotOnlyPositives() {
    FeatureArtifacts a = TrainModelsJob.readArtifacts(spark, BuildFeaturesJob.artifactsPath(cfg.storage(), DAY));
    EvaluateModelsJob.TestWindow w = EvaluateModelsJob.TestWindow.load(spark, cfg, DAY, a, SplitEventsJob.TEST,
        SplitEventsJob.fitWindows(cfg.training()));
    Map<Integer, Integer> rowOfIdx = new HashMap<>();
    for (int row = 0; row < w.itemIdx.length; row++) {
      if (w.itemIdx[row] > Vocabulary.OOV) {
        rowOfIdx.put(w.itemIdx[row], row);
      }
    }
    int checked = 0;
    for (EvaluateModelsJob.TestUser u : w.users) {
      // The history holds the latest events of every type (views too), as serving's snapshot does; items outside
      // the vocabulary share the oov index and are not checked.
      for (int idx : u.state().history()) {
        Integer row = rowOfIdx.get(idx);
        if (row != null) {
          assertTrue(u.seen().get(row), u.userId() + " had an event with item row " + row + " but may get it");
          checked++;
        }
      }
      for (long row : u.relevant()) {
        assertFalse(u.seen().get((int) row), u.userId() + ": relevant row " + row + " was seen before the window");
      }
    }
    assertTrue(checked > 0, "no history items to check");
  }

  @Test
  @Order(7)
  void usersWithoutEarlierEventsAreScoredWithTheListServingAnswersThem() throws Exception {
    FeatureArtifacts a = TrainModelsJob.readArtifacts(spark, BuildFeaturesJob.artifactsPath(cfg.storage(), DAY));
    EvaluateModelsJob.TestWindow w = EvaluateModelsJob.TestWindow.load(spark, cfg, DAY, a, SplitEventsJob.TEST,
        SplitEventsJob.fitWindows(cfg.training()));
    assertFalse(w.coldStartLists.isEmpty(), "the generated data has users whose first event is in the test window");
    Map<String, Long> rowOf = new HashMap<>();
    for (Row r : Tables.read(spark, cfg.storage().table(BuildFeaturesJob.FEATURES_ITEMS))
        .select(Schemas.ITEM_ID, FeatureTables.ITEM_ROW).collectAsList()) {
      rowOf.put(r.getString(0), ((Number) r.get(1)).longValue());
    }
    Dataset<Row> events = Tables.read(spark, cfg.storage().table(ValidateEventsJob.EVENTS));
    long recentMs = Duration.ofDays(cfg.export().recentDays()).toMillis();

    Path modelDir = Path.of(TrainModelsJob.modelDir(cfg.storage(), DAY));
    Map<String, List<UserRanking>> rankings;
    try (RunModels models = RunModels.open(modelDir)) {
      rankings = EvaluateModelsJob.rank(w, models,
          EvaluateModelsJob.ALSFactors.load(modelDir.resolve(TrainModelsJob.ALS_DIR).toString(), w), a,
          EvaluateModelsJob.finalScore(cfg.training()));
    }
    int checked = 0;
    for (Map.Entry<Long, long[]> e : w.coldStartLists.entrySet()) {
      EvaluateModelsJob.TestUser u = w.users.get(e.getKey().intValue());
      assertEquals(0, u.state().history().length, u.userId() + " has earlier events");
      long[] list = e.getValue();
      assertEquals(list.length, Arrays.stream(list).distinct().count(), "each item once");
      // Serving's first choice for a known placement: its most frequent item over the recent days (ties by id).
      Timestamp asOf = new Timestamp(u.itemsAsOfMs());
      List<Row> top = events.where(col(Schemas.PLACEMENT).equalTo(u.placement())
              .and(col(Schemas.TS).lt(asOf)).and(col(Schemas.TS).geq(new Timestamp(u.itemsAsOfMs() - recentMs))))
          .groupBy(Schemas.ITEM_ID).count().orderBy(col("count").desc(), col(Schemas.ITEM_ID)).limit(1)
          .collectAsList();
      if (!top.isEmpty()) {
        assertEquals((long) rowOf.get(top.get(0).getString(0)), list[0], u.userId() + " in " + u.placement());
        checked++;
      }
      for (String model : List.of(EvaluateModelsJob.TWO_TOWER, EvaluateModelsJob.TWO_TOWER_DLRM,
          EvaluateModelsJob.TWO_TOWER_XGB)) {
        UserRanking r = rankings.get(model).stream().filter(x -> x.userId() == e.getKey()).findFirst().orElseThrow();
        assertArrayEquals(list, r.ranked(), model + " for " + u.userId());
      }
    }
    assertTrue(checked > 0, "no user's placement had recent events");
  }

  @Test
  @Order(8)
  void fittingOnValidationGivesItsUsersAndItemsVocabularyEntries() {
    long trainItems = Tables.read(spark, cfg.storage().table(BuildFeaturesJob.VOCAB_ITEMS)).count();
    Dataset<Row> both = Tables.read(spark, cfg.storage().table(SplitEventsJob.TRAIN))
        .unionByName(Tables.read(spark, cfg.storage().table(SplitEventsJob.VALIDATION)));
    long bothItems = both.select(Schemas.ITEM_ID).distinct().count();
    long bothUsers = both.select(Schemas.USER_ID).distinct().count();
    assertTrue(trainItems < bothItems, trainItems + " train items, " + bothItems + " with validation");

    BuildFeaturesJob.run(spark, cfg.withTraining(cfg.training().withFitOnValidation(true)), DAY);
    assertEquals(bothItems, Tables.read(spark, cfg.storage().table(BuildFeaturesJob.VOCAB_ITEMS)).count());
    assertEquals(bothUsers, Tables.read(spark, cfg.storage().table(BuildFeaturesJob.VOCAB_USERS)).count());
  }

  private static void deleteRecursively(Path dir) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
