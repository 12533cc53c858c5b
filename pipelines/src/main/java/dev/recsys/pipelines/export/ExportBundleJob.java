package dev.recsys.pipelines.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.BundleMetadata;
import dev.recsys.export.bundle.BundleVersion;
import dev.recsys.export.bundle.BundleWriter;
import dev.recsys.export.bundle.Manifest;
import dev.recsys.export.bundle.Popularity;
import dev.recsys.export.faiss.FaissIndex;
import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.TensorSpec;
import dev.recsys.export.onnx.XgbTrees;
import dev.recsys.features.config.ExportConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.snapshot.ColumnSpec;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.snapshot.SnapshotWriter;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.FinalScore;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureRows;
import dev.recsys.pipelines.features.FeatureTables;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.EvaluateModelsJob;
import dev.recsys.pipelines.train.ServedModel;
import dev.recsys.pipelines.train.TrainModelsJob;
import dev.recsys.pipelines.train.XgbRanker;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FileUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a run's model bundle: embeds the whole catalog with the item tower in Spark executors, checks every
 * ONNX model's inputs against {@link FeatureSets} and its outputs on real rows, builds the FAISS index and refuses
 * to publish when its recall@K on real user vectors is below {@code export.recall_floor}, computes the popularity
 * fallback lists, and publishes everything atomically as one bundle under {@code export.bundles_root}, keeping
 * the newest {@code export.keep}. {@code BundleCli rollback} moves {@code CURRENT} back.
 *
 * <p>Inputs: the feature folder of the run date ({@link BuildFeaturesJob#featureDir}: artifacts and snapshots),
 * the tables {@code features_items}, {@code features_users}, {@code examples} and {@code events}, and the models
 * folder ({@code <root>/models/<run date>} unless {@code --models}): {@code user_tower.onnx},
 * {@code item_tower.onnx}, {@code ranker.onnx}, and optionally {@code training.json} and the DJL models
 * ({@code djl/}, the parity reference); the numbers of {@code training.json} and of the run's evaluation report
 * become the manifest's metrics, and {@code source_run} names the evaluated model the bundle serves: while the
 * bundle is current, its metrics are the quality gate's reference ({@link ServedModel}). The inputs may be on any
 * storage root: on HDFS or S3 the models folder, the feature folder and the evaluation report are copied to a local
 * temp folder first ({@link Reports#local}). The bundles root must be a local (or mounted) POSIX file system:
 * bundles are published with atomic renames.
 *
 * <p>The bundle version and its {@code created_at} come from the run date, not the wall clock, so the same run
 * date names the same bundle; a second export of a run date is refused by the bundle writer.
 */
public final class ExportBundleJob {

  static final String USAGE =
      "ExportBundleJob --conf <overlays> --run-date <yyyy-mm-dd> [--models <dir>] [--skip-gate]";
  /** Sampled rows the ranker is run on before publishing. */
  static final int RANKER_SAMPLE = 256;
  /** Item rows compared against the reference model. */
  static final int PARITY_ITEMS = 256;
  /** Largest allowed |reference - ONNX| of any output value. */
  public static final double PARITY_TOLERANCE = 1e-5;

  private static final Logger LOG = LoggerFactory.getLogger(ExportBundleJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What one export published. */
  public record Result(Manifest manifest, Path bundle, double recall) {}

  private ExportBundleJob() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "models"), Set.of("skip-gate"), a -> {
      RecsysConfig cfg = a.config();
      String models = a.get("models").orElse(modelsDir(cfg.storage(), a.runDate()));
      try (SparkSession spark = Sessions.open("recsys-export", cfg.spark())) {
        Optional<String> refusal = a.flag("skip-gate") ? Optional.empty() : gateRefusal(spark, cfg, a.runDate());
        if (refusal.isPresent()) {
          System.out.println(refusal.get());
        } else {
          runWithSavedReference(spark, cfg, a.runDate(), models);
        }
      }
    });
  }

  /**
   * Returns why the models of {@code runDate} must not be published, or empty when they may be: the evaluation's
   * quality gate decision ({@code reports/evaluation/<run date>.decision.json}) refused them and a bundle is
   * being served, so it stays. A refused candidate is still published when there is no bundle at all (the server
   * needs one; it serves popularity to cold users either way). Throws when the run has no decision.
   */
  public static Optional<String> gateRefusal(SparkSession spark, RecsysConfig cfg, LocalDate runDate)
      throws IOException {
    String decisionPath = EvaluateModelsJob.reportBase(cfg.storage(), runDate) + ".decision.json";
    if (!Tables.pathExists(spark, decisionPath)) {
      throw new IllegalStateException("no quality gate decision " + decisionPath + " for " + runDate
          + ": run evaluate first (or export with --skip-gate to publish without the gate)");
    }
    EvaluateModelsJob.Decision decision = Reports.read(spark, decisionPath, EvaluateModelsJob.Decision.class);
    if (decision.publishable()) {
      return Optional.empty();
    }
    Path bundles = Path.of(cfg.export().bundlesRoot());
    Optional<String> current = ServedModel.currentVersion(bundles);
    if (current.isEmpty()) {
      LOG.warn("quality gate: {}; publishing anyway because {} has no bundle yet and the server needs one",
          decision.reason(), bundles);
      return Optional.empty();
    }
    return Optional.of("quality gate: " + decision.reason() + "; keeping bundle " + current.get()
        + " (nothing published for " + runDate + ")");
  }

  /**
   * Runs the export of {@code runDate} with the DJL models training saved beside the ONNX files as the parity
   * reference, when {@code modelsDir} has them ({@link DjlReference#load}); without them only the ONNX checks run.
   */
  public static Result runWithSavedReference(SparkSession spark, RecsysConfig cfg, LocalDate runDate,
      Path modelsDir) throws Exception {
    Optional<DjlReference> reference = DjlReference.load(modelsDir);
    if (reference.isEmpty()) {
      LOG.warn("{} has no saved DJL models ({}/): ONNX is checked without a reference", modelsDir,
          TrainModelsJob.DJL_DIR);
    }
    try {
      return run(spark, cfg, runDate, modelsDir, reference);
    } finally {
      reference.ifPresent(DjlReference::close);
    }
  }

  /**
   * As {@link #runWithSavedReference(SparkSession, RecsysConfig, LocalDate, Path)} for a models folder on any
   * storage: one on another file system than the local one (HDFS, S3) is copied to a local temp folder first, and
   * the copy is deleted afterwards.
   */
  public static Result runWithSavedReference(SparkSession spark, RecsysConfig cfg, LocalDate runDate,
      String modelsLocation) throws Exception {
    Path scratch = Files.createTempDirectory("recsys-export-models");
    try {
      return runWithSavedReference(spark, cfg, runDate, Reports.local(spark, modelsLocation, scratch));
    } finally {
      FileUtil.fullyDelete(scratch.toFile());
    }
  }

  /** Returns where training writes the models of a run date: {@code <root>/models/<run date>}. */
  public static String modelsDir(StorageConfig storage, LocalDate runDate) {
    return storage.root() + "/models/" + runDate;
  }

  /** Returns the bundle version of a run date: its as-of instant and the id {@code export-<run date>}. */
  public static String version(LocalDate runDate) {
    return BundleVersion.of(ValidateEventsJob.asOf(runDate), "export-" + runDate);
  }

  /**
   * Builds, checks and publishes the bundle of {@code runDate} from the models in {@code modelsDir}; with a
   * {@code reference} (the trained DJL models), every ONNX model must also agree with it within
   * {@link #PARITY_TOLERANCE} on sampled real rows. Throws {@link IllegalStateException} without touching the
   * bundles root when a check fails.
   */
  public static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate, Path modelsDir,
      Optional<? extends ReferenceModels> reference) throws Exception {
    // On a storage root other than a local or mounted file system (HDFS, S3) the feature folder and the
    // evaluation report are copied to a local temp folder: snapshots are copied into the bundle as files.
    Path scratch = Files.createTempDirectory("recsys-export-inputs");
    try {
      StorageConfig storage = cfg.storage();
      Path featureDir = Reports.local(spark, BuildFeaturesJob.featureDir(storage, runDate), scratch);
      Path evaluation = Reports.local(spark, EvaluateModelsJob.reportBase(storage, runDate) + ".json", scratch);
      return run(spark, cfg, runDate, modelsDir, reference, featureDir, evaluation);
    } finally {
      FileUtil.fullyDelete(scratch.toFile());
    }
  }

  private static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate, Path modelsDir,
      Optional<? extends ReferenceModels> reference, Path featureDir, Path evaluation) throws Exception {
    ExportConfig c = cfg.export();
    StorageConfig storage = cfg.storage();
    Instant asOf = ValidateEventsJob.asOf(runDate);
    Path artifactsFile = featureDir.resolve(
        new org.apache.hadoop.fs.Path(BuildFeaturesJob.artifactsPath(storage, runDate)).getName());
    FeatureArtifacts artifacts;
    try (InputStream in = Files.newInputStream(artifactsFile)) {
      artifacts = FeatureArtifacts.read(in);
    }
    byte[] userTowerBytes = readModel(modelsDir, BundleLayout.USER_TOWER);
    byte[] itemTowerBytes = readModel(modelsDir, BundleLayout.ITEM_TOWER);
    // training.ranker: xgboost puts the XGBoost graph (same inputs, click_prob output) in the bundle's ranker slot.
    boolean xgb = cfg.training().ranker() == TrainingConfig.Ranker.XGBOOST;
    byte[] rankerBytes = readModel(modelsDir, xgb ? XgbRanker.ONNX_FILE : BundleLayout.RANKER);
    if (xgb && reference.isPresent()) {
      XgbTrees trees = XgbTrees.parse(Files.readAllBytes(modelsDir.resolve(XgbRanker.MODEL_FILE)));
      reference = Optional.of(new XgbReference(reference.get(), trees, XgbRanker.features(artifacts)));
    }

    try (OnnxScorer userTower = OnnxScorer.open(userTowerBytes, 1);
        OnnxScorer itemTower = OnnxScorer.open(itemTowerBytes, 1);
        OnnxScorer ranker = OnnxScorer.open(rankerBytes, 1)) {
      Map<String, Manifest.ModelEntry> models = new LinkedHashMap<>();
      models.put("user_tower", checkModel(userTower, BundleLayout.USER_TOWER, OnnxModels.userTowerSpec(),
          List.of(TensorNames.USER_VEC)));
      models.put("item_tower", checkModel(itemTower, BundleLayout.ITEM_TOWER, OnnxModels.itemTowerSpec(),
          List.of(TensorNames.ITEM_VEC)));
      Manifest.ModelEntry rankerEntry = checkModel(ranker, BundleLayout.RANKER, OnnxModels.rankerSpec(),
          List.of(TensorNames.CLICK_PROB));
      Map<String, Object> rankerOutputs = new LinkedHashMap<>(rankerEntry.outputs());
      rankerOutputs.put(FinalScore.KEY, EvaluateModelsJob.finalScore(cfg.training()).describe());
      models.put("ranker", new Manifest.ModelEntry(rankerEntry.file(), rankerEntry.kind(), rankerEntry.inputs(),
          rankerOutputs));

      Path itemsSnap = featureDir.resolve(FeatureSnapshots.ITEMS_FILE);
      Dataset<Row> itemRows = Tables.read(spark, storage.table(BuildFeaturesJob.FEATURES_ITEMS));
      Broadcast<byte[]> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(itemTowerBytes);
      ItemVectors items;
      try {
        items = collect(ItemEmbeddings.embed(itemRows, model, OnnxModels.sha256(itemTowerBytes), artifacts,
            asOf.toEpochMilli(), c.batchSize()), itemsSnap);
      } finally {
        model.destroy();
      }

      List<ModelInputs.UserTower> userInputs = sampleUsers(spark, storage, artifacts, asOf, c.recallSample());
      float[] users = OnnxModels.userVectors(userTower, userInputs);
      checkVectors("user_tower", users, items.dim());
      List<ModelInputs.Ranking> rankingInputs = sampleRanking(spark, storage, artifacts);
      Map<String, float[]> scores = OnnxModels.rank(ranker, rankingInputs);
      checkProbabilities(Map.of(TensorNames.CLICK_PROB, scores.get(TensorNames.CLICK_PROB)), rankingInputs.size());
      Map<String, Object> parity = new LinkedHashMap<>();
      if (reference.isPresent()) {
        List<ModelInputs.ItemTower> itemInputs = sampleItems(itemRows, artifacts, asOf, PARITY_ITEMS);
        parity.put("reference", reference.get().name());
        parity.put("tolerance", PARITY_TOLERANCE);
        parity.put("max_abs_diff", checkParity(reference.get(), items, itemInputs, userInputs, users,
            rankingInputs, scores));
        parity.put("rows", Map.of("items", itemInputs.size(), "users", userInputs.size(),
            "ranking_examples", rankingInputs.size()));
      } else {
        parity.put("reference", "none: only ONNX files were given, no DJL model to compare against");
        parity.put("checked", "ONNX inputs equal the " + FeatureSets.RETRIEVAL_V1.id() + " and "
            + FeatureSets.RANKING_V1.id() + " widths; outputs present, finite and of the right shape on "
            + items.ids().size() + " items, " + userInputs.size() + " users and " + rankingInputs.size()
            + " test examples");
      }

      // One build thread: FAISS inserts HNSW nodes from several OpenMP threads in whatever order they get the
      // locks, so a multi-threaded build gives a different graph (items.faiss bytes, search results at the
      // margin, measured recall) on every run; with one thread the same vectors always give the same index.
      try (FaissIndex index = ItemIndex.build(items.vectors(), items.dim(), c, ItemIndex.BUILD_THREADS)) {
        double recall = ItemIndex.recall(index, items.vectors(), users, items.dim(), c.recallK());
        int k = (int) Math.min(c.recallK(), items.ids().size());
        if (!(recall >= c.recallFloor())) {
          throw new IllegalStateException(String.format(Locale.ROOT, "index %s recall@%d = %.4f on %d user vectors"
              + " is below export.recall_floor = %.4f; bundle %s not published", c.indexFactory(), k, recall,
              users.length / items.dim(), c.recallFloor(), version(runDate)));
        }
        Popularity popularity = PopularityLists.of(Tables.read(spark, storage.table(ValidateEventsJob.EVENTS)), asOf,
            Duration.ofDays(c.recentDays()), c.popularityTop());

        Map<String, Object> indexInfo = ItemIndex.describe(c, index.ntotal(), items.dim(), k,
            users.length / items.dim(), recall);
        Map<String, Object> sourceRun = new LinkedHashMap<>();
        sourceRun.put(ServedModel.RUN_DATE, runDate.toString());
        sourceRun.put("as_of", asOf.toString());
        sourceRun.put("models_dir", modelsDir.toAbsolutePath().toString());
        sourceRun.put("feature_dir", BuildFeaturesJob.featureDir(storage, runDate));
        sourceRun.put("parity", parity);
        sourceRun.put("ranker", xgb ? "xgboost (" + XgbRanker.ONNX_FILE + ")" : "dlrm (" + BundleLayout.RANKER + ")");
        sourceRun.put(ServedModel.EVALUATED_MODEL, EvaluateModelsJob.candidate(cfg.training()));
        Map<String, String> featureSets = new TreeMap<>();
        featureSets.put(FeatureSets.RETRIEVAL_V1.name(), Integer.toString(FeatureSets.RETRIEVAL_V1.version()));
        featureSets.put(FeatureSets.RANKING_V1.name(), Integer.toString(FeatureSets.RANKING_V1.version()));
        featureSets.put("feature_artifacts", artifacts.version());
        BundleMetadata metadata = new BundleMetadata(sourceRun, featureSets, models,
            metrics(modelsDir.resolve(TrainModelsJob.REPORT_FILE), evaluation), indexInfo);

        Clock clock = Clock.fixed(asOf, ZoneOffset.UTC);
        Path root = Path.of(c.bundlesRoot());
        try (BundleWriter w = BundleWriter.open(root, version(runDate), clock)) {
          w.copy(artifactsFile, BundleLayout.ARTIFACTS);
          w.copy(featureDir.resolve(FeatureSnapshots.USERS_FILE), BundleLayout.USERS);
          w.copy(itemsSnap, BundleLayout.ITEMS);
          w.write(BundleLayout.USER_TOWER, userTowerBytes);
          w.write(BundleLayout.ITEM_TOWER, itemTowerBytes);
          w.write(BundleLayout.RANKER, rankerBytes);
          writeVectors(items, w.file(BundleLayout.ITEM_VECTORS), asOf, artifacts);
          index.write(w.file(BundleLayout.INDEX));
          w.write(BundleLayout.POPULARITY, popularity.toJson());
          Manifest manifest = w.publish(metadata, c.keep());
          System.out.printf(Locale.ROOT, "Bundle %s published in %s: %,d items (dim %d), index %s recall@%d %.4f"
                  + " (floor %.4f), %,d bytes%n", manifest.version(), root, items.ids().size(), items.dim(),
              c.indexFactory(), k, recall, c.recallFloor(), manifest.totalBytes());
          return new Result(manifest, root.resolve(manifest.version()), recall);
        }
      }
    }
  }

  /** The item vectors collected on the driver in item-row order. */
  record ItemVectors(List<String> ids, float[] vectors, int dim) {}

  /**
   * Returns the vectors of {@code embedded} streamed to the driver in item-row order; fails unless row i is the
   * item at row i of {@code itemsSnap} for every row, and every item of the snapshot has a vector.
   */
  static ItemVectors collect(Dataset<Row> embedded, Path itemsSnap) throws IOException {
    try (Snapshot snap = Snapshot.open(itemsSnap)) {
      int n = snap.rows();
      List<String> ids = new ArrayList<>(n);
      float[] vectors = null;
      int dim = 0;
      Iterator<Row> it = embedded.orderBy(FeatureTables.ITEM_ROW).toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        String id = r.getString(0);
        int row = r.getInt(1);
        List<Float> vec = r.getList(2);
        if (vectors == null) {
          dim = vec.size();
          vectors = new float[n * dim];
        }
        if (row != ids.size() || row >= n || snap.find(id) != row || vec.size() != dim) {
          throw new IllegalStateException("features_items row " + row + " (item " + id + ", vector width "
              + vec.size() + ") does not match " + itemsSnap + ": expected row " + ids.size() + " of " + n
              + " holding that item at row " + snap.find(id) + ", width " + dim);
        }
        for (int d = 0; d < dim; d++) {
          vectors[row * dim + d] = vec.get(d);
        }
        ids.add(id);
      }
      if (ids.size() != n || n == 0) {
        throw new IllegalStateException("embedded " + ids.size() + " items but " + itemsSnap + " has " + n);
      }
      checkVectors("item_tower", vectors, dim);
      return new ItemVectors(ids, vectors, dim);
    }
  }

  /** Returns the user tower inputs of up to {@code n} users of {@code features_users}, a fixed hash sample. */
  static List<ModelInputs.UserTower> sampleUsers(SparkSession spark, StorageConfig storage,
      FeatureArtifacts artifacts, Instant asOf, int n) {
    List<ModelInputs.UserTower> inputs = new ArrayList<>();
    for (Row r : Tables.read(spark, storage.table(BuildFeaturesJob.FEATURES_USERS))
        .orderBy(hash(col(Schemas.USER_ID)), col(Schemas.USER_ID)).limit(n).collectAsList()) {
      inputs.add(ModelInputs.userTower(FeatureRows.user(r), r.<Integer>getAs(FeatureTables.USER_IDX),
          asOf.toEpochMilli(), artifacts));
    }
    if (inputs.isEmpty()) {
      throw new IllegalStateException("features_users is empty: no user vectors to measure the index recall on");
    }
    return inputs;
  }

  /** Returns the item tower inputs of the first {@code n} item rows of {@code features_items}, in row order. */
  static List<ModelInputs.ItemTower> sampleItems(Dataset<Row> items, FeatureArtifacts artifacts, Instant asOf,
      int n) {
    List<ModelInputs.ItemTower> inputs = new ArrayList<>();
    for (Row r : items.where(col(FeatureTables.ITEM_ROW).lt(n)).orderBy(FeatureTables.ITEM_ROW).collectAsList()) {
      inputs.add(ModelInputs.itemTower(FeatureRows.item(r), r.<Integer>getAs(FeatureTables.ITEM_IDX),
          asOf.toEpochMilli(), artifacts));
    }
    return inputs;
  }

  /**
   * Returns the ranking inputs of up to {@link #RANKER_SAMPLE} test examples, built by {@link ModelInputs#ranking}
   * at each example's own time as serving builds them.
   */
  static List<ModelInputs.Ranking> sampleRanking(SparkSession spark, StorageConfig storage, FeatureArtifacts a) {
    List<ModelInputs.Ranking> inputs = new ArrayList<>();
    for (Row r : Tables.read(spark, storage.table(BuildFeaturesJob.EXAMPLES))
        .where(col(BuildFeaturesJob.SPLIT).equalTo(SplitEventsJob.TEST))
        .orderBy(col(Schemas.EVENT_ID)).limit(RANKER_SAMPLE).collectAsList()) {
      long ts = r.<Long>getAs(FeatureTables.TS_MS);
      ModelInputs.UserTower u = ModelInputs.userTower(FeatureRows.user(r), r.<Integer>getAs(FeatureTables.USER_IDX),
          ts, a);
      ModelInputs.ItemTower i = ModelInputs.itemTower(FeatureRows.item(r), r.<Integer>getAs(FeatureTables.ITEM_IDX),
          ts, a);
      float share = Featurizers.categoryShare(r.<Long>getAs(FeatureTables.USER_CAT_COUNT),
          r.<Long>getAs(FeatureTables.USER_EVENTS));
      inputs.add(ModelInputs.ranking(u, i, FeatureRows.item(r), ts, r.getAs(Schemas.DEVICE),
          r.getAs(Schemas.PLACEMENT), share, a));
    }
    if (inputs.isEmpty()) {
      throw new IllegalStateException("the examples table has no test rows to check the ranker on");
    }
    return inputs;
  }

  private static void checkProbabilities(Map<String, float[]> scores, int rows) {
    for (Map.Entry<String, float[]> out : scores.entrySet()) {
      if (out.getValue().length != rows) {
        throw new IllegalStateException("ranker output " + out.getKey() + " has " + out.getValue().length
            + " values for " + rows + " rows");
      }
      for (float p : out.getValue()) {
        if (!(p >= 0 && p <= 1)) {
          throw new IllegalStateException("ranker output " + out.getKey() + " gave " + p + ", not a probability");
        }
      }
    }
  }

  /**
   * Returns the max abs difference per model between the reference and ONNX on the sampled rows (the item
   * vectors the Spark executors computed, the user vectors, the ranker outputs); throws
   * {@link IllegalStateException} when one exceeds {@link #PARITY_TOLERANCE}.
   */
  static Map<String, Object> checkParity(ReferenceModels ref, ItemVectors items,
      List<ModelInputs.ItemTower> itemInputs, List<ModelInputs.UserTower> userInputs, float[] users,
      List<ModelInputs.Ranking> rankingInputs, Map<String, float[]> scores) {
    Map<String, Object> diffs = new LinkedHashMap<>();
    float[] onnxItems = new float[itemInputs.size() * items.dim()];
    System.arraycopy(items.vectors(), 0, onnxItems, 0, onnxItems.length);
    diffs.put("item_tower", maxAbsDiff("item_tower " + TensorNames.ITEM_VEC, ref.name(),
        ref.itemVectors(itemInputs), onnxItems));
    diffs.put("user_tower", maxAbsDiff("user_tower " + TensorNames.USER_VEC, ref.name(),
        ref.userVectors(userInputs), users));
    Map<String, float[]> expected = ref.rank(rankingInputs);
    if (!expected.keySet().equals(scores.keySet())) {
      throw new IllegalStateException("ranker outputs differ: " + ref.name() + " gives " + expected.keySet()
          + " but ONNX gives " + scores.keySet());
    }
    double ranker = 0;
    for (String name : expected.keySet()) {
      ranker = Math.max(ranker, maxAbsDiff("ranker " + name, ref.name(), expected.get(name), scores.get(name)));
    }
    diffs.put("ranker", ranker);
    return diffs;
  }

  private static double maxAbsDiff(String what, String ref, float[] expected, float[] onnx) {
    if (expected.length != onnx.length) {
      throw new IllegalStateException(what + ": " + ref + " gives " + expected.length + " values but ONNX gives "
          + onnx.length);
    }
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - onnx[i]));
    }
    if (!(max <= PARITY_TOLERANCE)) {
      throw new IllegalStateException(String.format(Locale.ROOT, "%s: max |%s - ONNX| = %.3g exceeds %.0e; bundle"
          + " not published", what, ref, max, PARITY_TOLERANCE));
    }
    return max;
  }

  /**
   * Returns the manifest entry of a model whose inputs equal {@code spec} and whose outputs include
   * {@code outputs}; throws {@link IllegalStateException} naming the file and both sides otherwise.
   */
  static Manifest.ModelEntry checkModel(OnnxScorer scorer, String file, List<TensorSpec> spec, List<String> outputs) {
    try {
      scorer.checkInputs(spec);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(file + ": " + e.getMessage(), e);
    }
    if (!scorer.outputNames().containsAll(outputs)) {
      throw new IllegalStateException(file + ": serving reads outputs " + outputs + " but the model has "
          + scorer.outputNames());
    }
    Map<String, Object> in = new LinkedHashMap<>();
    scorer.inputs().forEach(s -> in.put(s.name(), s.type() + " " + s.shapeString()));
    Map<String, Object> out = new LinkedHashMap<>();
    scorer.outputNames().forEach(name -> out.put(name, "float32"));
    return new Manifest.ModelEntry(file, "onnx", in, out);
  }

  private static void checkVectors(String model, float[] vectors, int dim) {
    if (vectors.length % dim != 0) {
      throw new IllegalStateException(model + " returned " + vectors.length + " values, not a multiple of the item"
          + " vector width " + dim);
    }
    for (int i = 0; i < vectors.length; i++) {
      if (!Float.isFinite(vectors[i])) {
        throw new IllegalStateException(model + " returned " + vectors[i] + " in row " + i / dim);
      }
    }
  }

  private static void writeVectors(ItemVectors items, Path file, Instant asOf, FeatureArtifacts artifacts)
      throws IOException {
    SnapshotWriter w = SnapshotWriter.create(file, "item_vectors",
        List.of(ColumnSpec.vector(BundleLayout.VECTOR_COLUMN, items.dim())),
        Map.of(FeatureSnapshots.AS_OF_MS, Long.toString(asOf.toEpochMilli()),
            FeatureSnapshots.FEATURE_SET, artifacts.featureSet()));
    try {
      for (int row = 0; row < items.ids().size(); row++) {
        float[] vec = new float[items.dim()];
        System.arraycopy(items.vectors(), row * items.dim(), vec, 0, items.dim());
        w.append(items.ids().get(row), (Object) vec);
      }
    } catch (IOException | RuntimeException e) {
      w.abort();
      throw e;
    }
    w.close();
  }

  /**
   * Returns the numbers of the report files (those present: {@code training.json}, the run's evaluation report),
   * keyed {@code training.<dotted path>} and {@code evaluation.<dotted path>}; arrays (per-epoch curves) are left
   * out.
   */
  static Map<String, Double> metrics(Path trainingReport, Path evaluationReport) throws IOException {
    Map<String, Double> out = new TreeMap<>();
    for (Map.Entry<String, Path> e : Map.of("training", trainingReport, ServedModel.EVALUATION_METRICS,
        evaluationReport).entrySet()) {
      if (Files.isRegularFile(e.getValue())) {
        flatten(e.getKey(), JSON.readTree(e.getValue().toFile()), out);
      }
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Double> out) {
    if (node.isNumber() && Double.isFinite(node.doubleValue())) {
      out.put(prefix, node.doubleValue());
    } else if (node.isObject()) {
      node.fields().forEachRemaining(f -> flatten(prefix + "." + f.getKey(), f.getValue(), out));
    }
  }

  private static byte[] readModel(Path modelsDir, String file) throws IOException {
    Path p = modelsDir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("no model " + p + "; training writes " + BundleLayout.USER_TOWER + ", "
          + BundleLayout.ITEM_TOWER + " and " + BundleLayout.RANKER + " there (or pass --models <dir>)");
    }
    return Files.readAllBytes(p);
  }
}
