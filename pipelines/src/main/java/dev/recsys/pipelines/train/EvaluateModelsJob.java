package dev.recsys.pipelines.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import ai.onnxruntime.OrtException;
import dev.recsys.export.bundle.Popularity;
import dev.recsys.features.config.ExportConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.FinalScore;
import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.features.spec.UserAggregates;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.export.PopularityLists;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureRows;
import dev.recsys.pipelines.features.FeatureTables;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import dev.recsys.training.eval.Bootstrap;
import dev.recsys.training.eval.EvaluationReport;
import dev.recsys.training.eval.GateDecision;
import dev.recsys.training.eval.HtmlReport;
import dev.recsys.training.eval.ItemCatalog;
import dev.recsys.training.eval.MetricNames;
import dev.recsys.training.eval.MetricValue;
import dev.recsys.training.eval.QualityGate;
import dev.recsys.training.eval.QualityGateConfig;
import dev.recsys.training.eval.ReportBuilder;
import dev.recsys.training.eval.UserMetrics;
import dev.recsys.training.eval.UserRanking;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Evaluates every model of a run on its test window and decides whether the candidate may be published.
 *
 * <p>Each test user with positives in the test window gets a top-500 list per model over the whole catalogue,
 * with the user as of the start of the test window and the items the user already had any event with left out
 * (of the lists and of the relevant items): {@code popularity} (positives of the windows the models were fitted
 * on: train, and validation with {@code training.fit_on_validation}), {@code popularity_recent} (those of the
 * last 30 days), {@code als} (implicit ALS, popularity for users it has not seen), {@code two_tower} (exact
 * inner-product top 500 of the exported towers), and {@code two_tower_dlrm} and {@code two_tower_xgb} (those 500
 * reordered by a ranker's logit added to the two-tower's, {@link FinalScore}, as serving orders them). Items are
 * scored as of the day the user's window starts. The report (JSON and HTML under
 * {@code <root>/reports/evaluation/}) has recall, NDCG, MAP, hit rate, MRR, novelty and coverage with bootstrap
 * intervals, paired differences against the baselines, cold-start slices and the slice of users whose window spans
 * more than a day, the ranker's AUC and log-loss on the test impressions, and the training loss curves. The
 * quality gate then compares the candidate with the evaluated metrics of the model being served (the manifest of
 * the bundle {@code CURRENT} points at, {@link ServedModel}) or, when there are none (before the first publication),
 * with every baseline on the same users, and writes its decision next to the report.
 * {@code --window validation} evaluates the validation window the same way instead, without a gate: the window
 * to tune settings on, so that the test window stays unseen.
 */
public final class EvaluateModelsJob {

  static final String USAGE = "EvaluateModelsJob --conf <overlays> --run-date <yyyy-mm-dd> [--window test|validation]";
  /** The windows a run can be evaluated on: test (reported and gated) or validation (for tuning, not gated). */
  static final List<String> WINDOWS = List.of(SplitEventsJob.TEST, SplitEventsJob.VALIDATION);

  public static final String POPULARITY = "popularity";
  public static final String POPULARITY_RECENT = "popularity_recent";
  public static final String ALS = "als";
  public static final String TWO_TOWER = "two_tower";
  public static final String TWO_TOWER_DLRM = "two_tower_dlrm";
  /** Two-tower retrieval re-ranked by the XGBoost ranker. */
  public static final String TWO_TOWER_XGB = "two_tower_xgb";
  public static final List<String> BASELINES = List.of(POPULARITY, POPULARITY_RECENT, ALS);

  static final int RETRIEVED = 500;
  static final int LIST_SIZE = 10;
  static final List<Integer> CUTOFFS = List.of(10, 50, 100, 500);
  static final List<String> COMPARED = List.of(MetricNames.ndcgAt(10), MetricNames.recallAt(50));
  public static final String COLD_USERS = "cold_users";
  public static final String COLD_ITEMS = "users_with_cold_items";
  /**
   * Users whose window spans more than a day: their list is made once at the window start, so items consumed in a
   * later visit are scored with the catalogue and history of that start.
   */
  public static final String LONG_WINDOWS = "users_with_windows_over_a_day";

  /**
   * The metrics of the model being served, as its bundle's manifest records them ({@link ServedModel}).
   *
   * @param bundle the served bundle's version
   * @param runDate the run that trained it
   * @param model its name in that run's report
   * @param metrics its metric values in that run's report
   */
  public record PublishedMetrics(String bundle, String runDate, String model, Map<String, Double> metrics) {}

  /** The gate's decision as written next to the report. */
  public record Decision(String runDate, String candidate, String metric, double value, boolean publishable,
      String reason) {}

  /** What one evaluation wrote. */
  public record Result(EvaluationReport report, Decision decision, String jsonPath, String htmlPath,
      String decisionPath) {}

  private EvaluateModelsJob() {}

  /** Returns the model the gate decides on: two-tower retrieval with the configured {@code training.ranker}. */
  public static String candidate(TrainingConfig t) {
    return t.ranker() == TrainingConfig.Ranker.XGBOOST ? TWO_TOWER_XGB : TWO_TOWER_DLRM;
  }

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "window"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      String window = window(a.get("window").orElse(SplitEventsJob.TEST));
      try (SparkSession spark = Sessions.open("recsys-evaluate", cfg.spark())) {
        if (window.equals(SplitEventsJob.TEST)) {
          run(spark, cfg, a.runDate());
        } else {
          evaluate(spark, cfg, a.runDate(), window);
        }
      }
    });
  }

  /** Returns {@code name} if it is one of {@link #WINDOWS}. */
  static String window(String name) {
    if (!WINDOWS.contains(name)) {
      throw new JobArgs.UsageException("--window must be one of " + WINDOWS + ", got '" + name + "'");
    }
    return name;
  }

  /** Returns {@code <root>/reports/evaluation/<run date>}, the path of a run's report without extension. */
  public static String reportBase(StorageConfig storage, LocalDate runDate) {
    return storage.root() + "/reports/evaluation/" + runDate;
  }

  /** Evaluates the models of {@code runDate} from {@code <root>/models/<run date>}. */
  public static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate) throws IOException {
    return run(spark, cfg, runDate, TrainModelsJob.localDir(TrainModelsJob.modelDir(cfg.storage(), runDate)));
  }

  /** Evaluates the models in {@code modelDir} (ONNX files and the ALS model) against the test window and gates. */
  static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate, Path modelDir) throws IOException {
    StorageConfig storage = cfg.storage();
    EvaluationReport report = evaluate(spark, cfg, runDate, modelDir, SplitEventsJob.TEST);
    Decision decision = decide(ServedModel.read(Path.of(cfg.export().bundlesRoot())), runDate, report,
        cfg.training());
    String base = reportBase(storage, runDate);
    Reports.write(spark, base + ".decision.json", decision);
    System.out.printf(Locale.ROOT, "quality gate: %s: %s%n",
        decision.publishable() ? "PUBLISHABLE" : "NOT PUBLISHABLE", decision.reason());
    return new Result(report, decision, base + ".json", base + ".html", base + ".decision.json");
  }

  /**
   * Evaluates the models of {@code runDate} on {@code window} (test or validation) without gating: the report
   * goes to {@link #reportBase} for the test window and to {@code <base>.validation} for the validation window,
   * the one to tune on.
   */
  public static EvaluationReport evaluate(SparkSession spark, RecsysConfig cfg, LocalDate runDate, String window)
      throws IOException {
    return evaluate(spark, cfg, runDate, TrainModelsJob.localDir(TrainModelsJob.modelDir(cfg.storage(), runDate)),
        window);
  }

  static EvaluationReport evaluate(SparkSession spark, RecsysConfig cfg, LocalDate runDate, Path modelDir,
      String window) throws IOException {
    StorageConfig storage = cfg.storage();
    FeatureArtifacts a = TrainModelsJob.readArtifacts(spark, BuildFeaturesJob.artifactsPath(storage, runDate));
    String trainingReport = TrainModelsJob.modelDir(storage, runDate) + "/" + TrainModelsJob.REPORT_FILE;
    TrainModelsJob.Result training = Tables.pathExists(spark, trainingReport)
        ? Reports.read(spark, trainingReport, TrainModelsJob.Result.class) : null;
    List<String> fitted = SplitEventsJob.fitWindows(training == null ? cfg.training() : training.training());
    if (fitted.contains(window)) {
      throw new IllegalStateException("the models in " + modelDir + " were fitted on the " + window + " window "
          + "(training.fit_on_validation: true): evaluate it with models trained on " + SplitEventsJob.TRAIN
          + " alone");
    }
    TestWindow w = TestWindow.load(spark, cfg, runDate, a, window(window), fitted);

    ReportBuilder builder = new ReportBuilder(runDate, cfg.split().mode().name().toLowerCase(Locale.ROOT)
        + (window.equals(SplitEventsJob.TEST) ? "" : ", " + window + " window"), Bootstrap.defaults());
    ItemCatalog catalog = new ItemCatalog(w.itemIdx.length, w.fittedCounts);
    Map<String, List<UserRanking>> rankings;
    float[] impressionProbabilities;
    float[] impressionXgb = null;
    try (RunModels models = RunModels.open(modelDir)) {
      rankings = rank(w, models, ALSFactors.load(modelDir.resolve(TrainModelsJob.ALS_DIR).toString(), w), a,
          finalScore(cfg.training()));
      impressionProbabilities = models.clickProbabilities(w.impressions);
      if (models.hasXgbRanker()) {
        impressionXgb = models.xgbProbabilities(w.impressions);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("cannot score the models in " + modelDir + ": " + e.getMessage(), e);
    }
    rankings.forEach((model, users) -> builder.model(model, UserMetrics.evaluate(users, CUTOFFS, LIST_SIZE,
        catalog)));
    String candidate = candidate(cfg.training());
    if (!rankings.containsKey(candidate)) {
      throw new IllegalStateException("training.ranker selects " + candidate + " but " + modelDir + " has no "
          + XgbRanker.ONNX_FILE);
    }
    if (impressionProbabilities.length > 0) {
      builder.ranker(TWO_TOWER_DLRM, "click", impressionProbabilities, w.impressionClicks);
      if (impressionXgb != null) {
        // AUC is what a ranking objective is judged by here; its log-loss is of sigmoid(score), not calibrated.
        builder.ranker(TWO_TOWER_XGB, "click", impressionXgb, w.impressionClicks);
      }
    }
    for (String baseline : BASELINES) {
      builder.compare(candidate, baseline, COMPARED);
    }
    builder.compare(TWO_TOWER, POPULARITY, COMPARED);
    builder.compare(candidate, TWO_TOWER, COMPARED);
    if (rankings.containsKey(TWO_TOWER_XGB)) {
      String other = candidate.equals(TWO_TOWER_XGB) ? TWO_TOWER_DLRM : TWO_TOWER_XGB;
      builder.compare(other, TWO_TOWER, COMPARED);
      builder.compare(TWO_TOWER_XGB, TWO_TOWER_DLRM, COMPARED);
    }
    builder.slice(COLD_USERS, w.coldUsers);
    builder.slice(COLD_ITEMS, w.usersWithColdItems);
    builder.slice(LONG_WINDOWS, w.usersWithLongWindows);
    if (training != null) {
      builder.lossCurve(TWO_TOWER, training.twoTower().epochLosses());
      builder.lossCurve(TWO_TOWER_DLRM, training.ranker().epochLosses());
    }
    EvaluationReport report = builder.build();

    String base = reportBase(storage, runDate) + (window.equals(SplitEventsJob.TEST) ? "" : "." + window);
    writeText(spark, base + ".json", report.toJson());
    writeText(spark, base + ".html", HtmlReport.render(report));
    System.out.printf(Locale.ROOT, "%s window of %s:%n%s", window, runDate, summary(report));
    System.out.printf(Locale.ROOT, "report %s.{json,html}%n", base);
    return report;
  }

  /**
   * Returns whether the candidate may be published: against the served model's metrics when there are any
   * (different test windows, so a point comparison), else against every baseline on the same users (paired).
   */
  static Decision decide(ServedModel.Reference served, LocalDate runDate, EvaluationReport report,
      TrainingConfig t) {
    String candidate = candidate(t);
    String metric = t.gateMetric();
    double value = report.metric(candidate, metric).value();
    GateDecision d;
    if (served.metrics().isPresent()) {
      PublishedMetrics p = served.metrics().get();
      Double reference = p.metrics().get(metric);
      if (reference == null) {
        throw new IllegalStateException("the served bundle " + p.bundle() + " has no " + metric + " of " + p.model()
            + "; it has " + p.metrics().keySet());
      }
      boolean lower = MetricNames.lowerIsBetter(metric);
      boolean beats = lower ? value < reference - t.gateMargin() : value > reference + t.gateMargin();
      d = new GateDecision(beats, String.format(Locale.ROOT, "candidate %s %s %.5f %s served %s of %s (bundle %s) "
              + "%.5f %s margin %.5f", candidate, metric, value, beats ? "beats" : "does not beat", p.model(),
          p.runDate(), p.bundle(), reference, lower ? "-" : "+", t.gateMargin()));
    } else {
      GateDecision baselines = new QualityGate(new QualityGateConfig(metric, t.gateMargin(), true))
          .againstBaselines(report, candidate, BASELINES);
      d = new GateDecision(baselines.publishable(), served.none() + ": " + baselines.reason());
    }
    return new Decision(runDate.toString(), candidate, metric, value, d.publishable(), d.reason());
  }

  /** Returns how the rankers' lists are ordered: the two-tower logit plus the weighted ranker logit. */
  public static FinalScore finalScore(TrainingConfig t) {
    return new FinalScore(t.temperature(), t.rankerWeight());
  }

  /**
   * Returns every model's per-user rankings of the test users; the rankers re-order the two-tower's candidates by
   * {@code finalScore}.
   */
  static Map<String, List<UserRanking>> rank(TestWindow w, RunModels models, ALSFactors als, FeatureArtifacts a,
      FinalScore finalScore) throws OrtException {
    Map<Long, Catalogue> catalogues = new HashMap<>();
    for (Map.Entry<Long, List<ItemAggregates>> snapshot : w.itemsAt.entrySet()) {
      List<ModelInputs.ItemTower> inputs = new ArrayList<>();
      List<ItemAggregates> items = snapshot.getValue();
      for (int row = 0; row < items.size(); row++) {
        inputs.add(ModelInputs.itemTower(items.get(row), w.itemIdx[row], snapshot.getKey(), a));
      }
      catalogues.put(snapshot.getKey(), new Catalogue(items, inputs, models.itemVectors(inputs)));
    }
    List<ModelInputs.UserTower> userInputs = new ArrayList<>();
    for (TestUser u : w.users) {
      userInputs.add(ModelInputs.userTower(u.state(), u.userIdx(), u.contextMs(), a));
    }
    float[][] userVectors = models.userVectors(userInputs);
    float[] popularity = counts(w.fittedCounts, w.itemIdx.length);
    float[] recent = counts(w.recentCounts, w.itemIdx.length);

    Map<String, List<UserRanking>> out = new LinkedHashMap<>();
    for (String m : List.of(POPULARITY, POPULARITY_RECENT, ALS, TWO_TOWER, TWO_TOWER_DLRM)) {
      out.put(m, new ArrayList<>());
    }
    if (models.hasXgbRanker()) {
      out.put(TWO_TOWER_XGB, new ArrayList<>());
    }
    for (int i = 0; i < w.users.size(); i++) {
      TestUser u = w.users.get(i);
      long id = i;
      BitSet seen = u.seen();
      out.get(POPULARITY).add(new UserRanking(id, TopK.of(popularity, RETRIEVED, seen), u.relevant()));
      out.get(POPULARITY_RECENT).add(new UserRanking(id, TopK.of(recent, RETRIEVED, seen), u.relevant()));
      float[] alsScores = als.scores(u.userIdx());
      out.get(ALS).add(new UserRanking(id, TopK.of(alsScores == null ? popularity : alsScores, RETRIEVED, seen),
          u.relevant()));
      long[] served = w.coldStartLists.get(id);
      if (served != null) {
        // A user without earlier events is answered from the popularity lists, whatever the models would say.
        for (String m : List.of(TWO_TOWER, TWO_TOWER_DLRM, TWO_TOWER_XGB)) {
          if (out.containsKey(m)) {
            out.get(m).add(new UserRanking(id, served, u.relevant()));
          }
        }
        continue;
      }
      Catalogue c = catalogues.get(u.itemsAsOfMs());
      float[] similarities = TopK.innerProducts(userVectors[i], c.vectors());
      long[] retrieved = TopK.of(similarities, RETRIEVED, seen);
      float[] retrievedSimilarities = new float[retrieved.length];
      for (int k = 0; k < retrieved.length; k++) {
        retrievedSimilarities[k] = similarities[(int) retrieved[k]];
      }
      out.get(TWO_TOWER).add(new UserRanking(id, retrieved, u.relevant()));
      List<ModelInputs.Ranking> candidates = new ArrayList<>(retrieved.length);
      for (long row : retrieved) {
        ItemAggregates item = c.items().get((int) row);
        candidates.add(ModelInputs.ranking(userInputs.get(i), c.inputs().get((int) row), item, u.contextMs(),
            u.device(), u.placement(), Featurizers.categoryShare(u.state(), item.category()), a));
      }
      float[] p = candidates.isEmpty() ? new float[0] : models.clickProbabilities(candidates);
      out.get(TWO_TOWER_DLRM).add(new UserRanking(id,
          TopK.reorder(retrieved, finalScore.scores(retrievedSimilarities, p)), u.relevant()));
      if (models.hasXgbRanker()) {
        float[] x = candidates.isEmpty() ? new float[0] : models.xgbProbabilities(candidates);
        out.get(TWO_TOWER_XGB).add(new UserRanking(id,
            TopK.reorder(retrieved, finalScore.scores(retrievedSimilarities, x)), u.relevant()));
      }
    }
    return out;
  }

  private static float[] counts(Map<Long, Long> counts, int items) {
    float[] out = new float[items];
    counts.forEach((row, c) -> out[row.intValue()] = c);
    return out;
  }

  /** Returns a plain-text table of NDCG@10 and Recall@50 per model with 95% intervals and n. */
  public static String summary(EvaluationReport report) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-18s %-28s %-28s %s%n", "model",
        "ndcg@10 [95% CI]", "recall@50 [95% CI]", "n"));
    report.models().forEach((model, metrics) -> {
      MetricValue ndcg = metrics.get(MetricNames.ndcgAt(10));
      MetricValue recall = metrics.get(MetricNames.recallAt(50));
      if (ndcg != null && recall != null) {
        s.append(String.format(Locale.ROOT, "%-18s %-28s %-28s %d%n", model, format(ndcg), format(recall),
            ndcg.n()));
      }
    });
    return s.toString();
  }

  private static String format(MetricValue v) {
    return v.hasInterval()
        ? String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", v.value(), v.ciLow(), v.ciHigh())
        : String.format(Locale.ROOT, "%.4f", v.value());
  }

  private static void writeText(SparkSession spark, String path, String text) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /** One catalogue snapshot of the evaluation: its rows' aggregates, item-tower inputs and item vectors. */
  private record Catalogue(List<ItemAggregates> items, List<ModelInputs.ItemTower> inputs, float[][] vectors) {}

  /**
   * One test user: state as of the test window start, vocabulary index, context of the first test event, the
   * instant of the catalogue snapshot the user is scored against, the catalogue rows of earlier positives (left out
   * of every list) and of test positives (the relevant items).
   */
  record TestUser(String userId, int userIdx, UserAggregates state, long contextMs, long itemsAsOfMs,
      String device, String placement, BitSet seen, long[] relevant) {}

  /**
   * The evaluated window (test, or validation for tuning) collected to the driver: catalogue snapshots as of the
   * days users' windows start, users, impressions.
   */
  static final class TestWindow {
    private static final String START = "_start";
    private static final String END = "_end";
    private static final long DAY_MS = 86_400_000L;

    /**
     * Catalogue rows (item aggregates and ages) by the instant they are taken at: the start (UTC) of a day on which
     * some user's window starts, counting every event before it.
     */
    Map<Long, List<ItemAggregates>> itemsAt = new HashMap<>();
    /** Vocabulary index of each catalogue row. */
    int[] itemIdx;
    /** Positives per catalogue row in the windows the models were fitted on, and in their last 30 days. */
    Map<Long, Long> fittedCounts = new HashMap<>();
    Map<Long, Long> recentCounts = new HashMap<>();
    List<TestUser> users = new ArrayList<>();
    /**
     * For each user without an event before their window, by user: the catalogue rows serving answers them with
     * (the snapshot does not know them, so the recommender answers from the bundle's popularity lists), which the
     * pipeline's models are scored with for them.
     */
    Map<Long, long[]> coldStartLists = new HashMap<>();
    Set<Long> coldUsers = new HashSet<>();
    Set<Long> usersWithColdItems = new HashSet<>();
    Set<Long> usersWithLongWindows = new HashSet<>();
    List<ModelInputs.Ranking> impressions = new ArrayList<>();
    float[] impressionClicks;

    static TestWindow load(SparkSession spark, RecsysConfig cfg, LocalDate runDate, FeatureArtifacts a,
        String window, List<String> fitted) {
      StorageConfig storage = cfg.storage();
      TestWindow w = new TestWindow();
      Dataset<Row> examples = Tables.read(spark, storage.table(BuildFeaturesJob.EXAMPLES));
      Dataset<Row> test = examples.where(col(BuildFeaturesJob.SPLIT).equalTo(window));
      // Each user's window starts at their first event in it (one instant for a global split, per user for a
      // per-user holdout). A user is scored against the catalogue as of the start of that day, counting every event
      // before it: as in training, where each row's item features are those of its own instant. (One catalogue at
      // the end of the data gave the items of a user from months earlier the ages and recent counts of months
      // later, unlike anything the item tower was trained on.)
      Dataset<Row> starts = test.groupBy(Schemas.USER_ID).agg(min(col(FeatureTables.TS_MS)).as(START),
          functions.max(col(FeatureTables.TS_MS)).as(END),
          min(struct(col(FeatureTables.TS_MS), col(Schemas.EVENT_ID), col(Schemas.DEVICE), col(Schemas.PLACEMENT)))
              .as("_ctx"))
          .withColumn(FeatureTables.AS_OF_MS, col(START).minus(pmod(col(START), lit(DAY_MS))));
      if (starts.isEmpty()) {
        throw new IllegalStateException("the " + window + " split of " + runDate + " is empty: nothing to evaluate");
      }

      Dataset<Row> itemInfo = Tables.read(spark, storage.table(BuildFeaturesJob.FEATURES_ITEMS))
          .drop(FeatureTables.ITEM_TOTAL, FeatureTables.ITEM_RECENT, FeatureTables.ITEM_VIEWS,
              FeatureTables.ITEM_CLICKS, FeatureTables.ITEM_PURCHASES);
      Dataset<Row> events = FeatureTables.withItemInfo(Tables.read(spark, storage.table(ValidateEventsJob.EVENTS))
          .where(col(Schemas.TS).lt(lit(Timestamp.from(ValidateEventsJob.asOf(runDate))))), itemInfo);
      List<Row> items = FeatureTables.itemsAsOfEach(events, itemInfo, starts)
          .orderBy(FeatureTables.AS_OF_MS, FeatureTables.ITEM_ROW).collectAsList();
      List<Integer> itemIdx = new ArrayList<>();
      for (Row r : items) {
        long asOf = r.getLong(r.fieldIndex(FeatureTables.AS_OF_MS));
        List<ItemAggregates> snapshot = w.itemsAt.computeIfAbsent(asOf, k -> new ArrayList<>());
        int row = TrainingRows.index(r, FeatureTables.ITEM_ROW);
        if (row != snapshot.size()) {
          throw new IllegalStateException("features_items rows are not numbered 0, 1, ...: position " + snapshot.size()
              + " of the catalogue as of " + asOf + " holds row " + row);
        }
        snapshot.add(FeatureRows.item(r));
        if (w.itemsAt.size() == 1) {
          itemIdx.add(TrainingRows.index(r, FeatureTables.ITEM_IDX));
        }
      }
      w.itemIdx = itemIdx.stream().mapToInt(Integer::intValue).toArray();

      // The popularity baselines count what the models were fitted on.
      Dataset<Row> fittedPositives = examples.where(col(BuildFeaturesJob.SPLIT).isin(fitted.toArray())
          .and(TrainingRows.isPositive()));
      w.fittedCounts = rowCounts(fittedPositives);
      long fittedEnd = fittedPositives.agg(functions.max(FeatureTables.TS_MS)).first().getLong(0);
      w.recentCounts = rowCounts(fittedPositives.where(
          col(FeatureTables.TS_MS).geq(fittedEnd - FeatureTables.RECENT.toMillis())));

      Dataset<Row> relevant = test.where(TrainingRows.isPositive()).groupBy(Schemas.USER_ID)
          .agg(collect_set(FeatureTables.ITEM_ROW).as("_relevant"),
              collect_set(when(col(FeatureTables.ITEM_IDX).equalTo(Vocabulary.OOV), lit(1))).as("_cold"));
      Dataset<Row> before = events.join(starts.select(Schemas.USER_ID, START), Schemas.USER_ID)
          .where(col(FeatureTables.TS_MS).lt(col(START))).drop(START);
      // Every item the user already had an event with is left out, as serving drops the items of a user's history:
      // a movie rated 2 stars is not recommended again, and can never be a relevant item of the window.
      Dataset<Row> seen = before.groupBy(Schemas.USER_ID).agg(collect_set(FeatureTables.ITEM_ROW).as("_seen"));
      Dataset<Row> state = FeatureTables.usersAsOf(before, a.historyLength(), a.categories().size());
      Dataset<Row> userVocab = Tables.read(spark, storage.table(BuildFeaturesJob.VOCAB_USERS));
      Dataset<Row> users = relevant.join(starts, Schemas.USER_ID)
          .join(seen, new String[] {Schemas.USER_ID}, "left")
          .join(state, new String[] {Schemas.USER_ID}, "left")
          .join(userVocab, new String[] {Schemas.USER_ID}, "left")
          .orderBy(Schemas.USER_ID);
      List<Long> unknown = new ArrayList<>();
      Iterator<Row> it = users.toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        long id = w.users.size();
        int userIdx = r.isNullAt(r.fieldIndex(FeatureTables.USER_IDX)) ? Vocabulary.OOV
            : TrainingRows.index(r, FeatureTables.USER_IDX);
        boolean noEvents = r.isNullAt(r.fieldIndex(FeatureTables.VIEWS));
        if (noEvents) {
          unknown.add(id);
        }
        UserAggregates u = noEvents ? UserAggregates.empty(a.categories().size()) : FeatureRows.user(r);
        BitSet seenRows = new BitSet(w.itemIdx.length);
        if (!r.isNullAt(r.fieldIndex("_seen"))) {
          r.<Number>getList(r.fieldIndex("_seen")).forEach(n -> seenRows.set(n.intValue()));
        }
        long[] rel = r.<Number>getList(r.fieldIndex("_relevant")).stream().mapToLong(Number::longValue)
            .filter(row -> !seenRows.get((int) row)).sorted().toArray();
        Row ctx = r.getStruct(r.fieldIndex("_ctx"));
        w.users.add(new TestUser(r.getString(r.fieldIndex(Schemas.USER_ID)), userIdx, u, ctx.getLong(0),
            r.getLong(r.fieldIndex(FeatureTables.AS_OF_MS)), ctx.getString(2), ctx.getString(3), seenRows, rel));
        if (userIdx == Vocabulary.OOV) {
          w.coldUsers.add(id);
        }
        if (!r.getList(r.fieldIndex("_cold")).isEmpty()) {
          w.usersWithColdItems.add(id);
        }
        if (r.getLong(r.fieldIndex(END)) - r.getLong(r.fieldIndex(START)) > DAY_MS) {
          w.usersWithLongWindows.add(id);
        }
      }

      w.coldStartLists = coldStartLists(cfg.export(), events, itemInfo, w.users, unknown);

      boolean hasViews = !examples.where(col(BuildFeaturesJob.SPLIT).equalTo(SplitEventsJob.TRAIN)
          .and(col(Schemas.EVENT_TYPE).equalTo(EventType.VIEW.wireName()))).isEmpty();
      List<Float> clicks = new ArrayList<>();
      // Real events only: the features job samples ranking negatives for the train and validation windows.
      Iterator<Row> imp = TrainingRows.ranking(TrainingRows.rankingExamples(test, hasViews), a).toLocalIterator();
      while (imp.hasNext()) {
        Row r = imp.next();
        w.impressions.add(new ModelInputs.Ranking(TrainingRows.floats(r.getList(0)),
            TrainingRows.longs(r.getList(1))));
        clicks.add(r.getFloat(2));
      }
      w.impressionClicks = new float[clicks.size()];
      for (int i = 0; i < clicks.size(); i++) {
        w.impressionClicks[i] = clicks.get(i);
      }
      return w;
    }

    /**
     * Returns, for each of the {@code unknown} users, the catalogue rows serving would answer them with from a
     * bundle exported at the start of their list day: the export's popularity lists over the events before that
     * instant ({@link PopularityLists#at}), taken in the recommender's order for the placement and device of the
     * user's first event in the window ({@link Popularity#fallbackOrder}).
     */
    private static Map<Long, long[]> coldStartLists(ExportConfig c, Dataset<Row> events, Dataset<Row> itemInfo,
        List<TestUser> users, List<Long> unknown) {
      Map<Long, long[]> out = new HashMap<>();
      if (unknown.isEmpty()) {
        return out;
      }
      Map<String, Integer> rowOf = new HashMap<>();
      for (Row r : itemInfo.select(Schemas.ITEM_ID, FeatureTables.ITEM_ROW).collectAsList()) {
        rowOf.put(r.getString(0), TrainingRows.index(r, FeatureTables.ITEM_ROW));
      }
      Map<Instant, Popularity> listsAt = PopularityLists.at(events,
          unknown.stream().map(id -> Instant.ofEpochMilli(users.get(id.intValue()).itemsAsOfMs())).toList(),
          Duration.ofDays(c.recentDays()), c.popularityTop());
      for (long id : unknown) {
        TestUser u = users.get((int) id);
        Popularity lists = listsAt.get(Instant.ofEpochMilli(u.itemsAsOfMs()));
        out.put(id, lists.fallbackOrder(u.placement(), u.device()).stream().map(rowOf::get)
            .filter(row -> row != null && !u.seen().get(row)).limit(RETRIEVED).mapToLong(Integer::longValue)
            .toArray());
      }
      return out;
    }

    private static Map<Long, Long> rowCounts(Dataset<Row> positives) {
      Map<Long, Long> out = new HashMap<>();
      for (Row r : positives.groupBy(FeatureTables.ITEM_ROW).count().collectAsList()) {
        if (!r.isNullAt(0)) {
          out.put(((Number) r.get(0)).longValue(), r.getLong(1));
        }
      }
      return out;
    }

  }

  /** ALS user and item factors by vocabulary index, scoring users against the catalogue rows. */
  static final class ALSFactors {
    private final Map<Integer, float[]> users = new HashMap<>();
    private float[][] itemsByRow;

    static ALSFactors load(String path, TestWindow w) {
      ALSModel model = ALSModel.load(path);
      ALSFactors f = new ALSFactors();
      for (Row r : model.userFactors().collectAsList()) {
        f.users.put(r.getInt(0), TrainingRows.floats(r.getList(1)));
      }
      Map<Integer, float[]> byIdx = new HashMap<>();
      for (Row r : model.itemFactors().collectAsList()) {
        byIdx.put(r.getInt(0), TrainingRows.floats(r.getList(1)));
      }
      f.itemsByRow = new float[w.itemIdx.length][];
      for (int row = 0; row < w.itemIdx.length; row++) {
        f.itemsByRow[row] = byIdx.get(w.itemIdx[row]);
      }
      return f;
    }

    /** Returns a score per catalogue row (-infinity for items ALS has not seen), or null for an unknown user. */
    float[] scores(int userIdx) {
      float[] u = users.get(userIdx);
      if (u == null) {
        return null;
      }
      float[] out = new float[itemsByRow.length];
      for (int row = 0; row < out.length; row++) {
        float[] v = itemsByRow[row];
        if (v == null) {
          out[row] = Float.NEGATIVE_INFINITY;
        } else {
          float s = 0;
          for (int j = 0; j < v.length; j++) {
            s += u[j] * v[j];
          }
          out[row] = s;
        }
      }
      return out;
    }
  }
}
