package dev.recsys.pipelines.train;

import static org.apache.spark.sql.functions.col;

import dev.recsys.export.onnx.OnnxGraphs;
import dev.recsys.features.config.AlsConfig;
import dev.recsys.features.config.NegativesConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureTables;
import dev.recsys.pipelines.features.SnapshotExport;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.training.Devices;
import dev.recsys.training.DlrmConfig;
import dev.recsys.training.DlrmModel;
import dev.recsys.training.ItemFeatures;
import dev.recsys.training.SavedModels;
import dev.recsys.training.TrainConfig;
import dev.recsys.training.TrainDlrm;
import dev.recsys.training.TrainTwoTower;
import dev.recsys.training.TrainingResult;
import dev.recsys.training.TwoTowerConfig;
import dev.recsys.training.TwoTowerModel;
import dev.recsys.training.UniformNegatives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the models of a run date on the train split of {@code examples} (train and validation with
 * {@code training.fit_on_validation}): the two-tower retrieval model on positive events (in-batch softmax with
 * log-q correction), the DLRM ranker on view impressions (or, for data without views, on ratings labelled by
 * rating >= 4), and the implicit ALS baseline. Rows are featurised on the executors by the same
 * {@code ModelInputs} code serving runs, once, in an order fixed by the seed, and cached; every epoch streams the
 * cache to the driver with {@code toLocalIterator} through a shuffle buffer seeded by the seed and the epoch
 * ({@link Batches}), so the driver holds a few batches, never the table. Writes {@code user_tower.onnx},
 * {@code item_tower.onnx}, {@code ranker.onnx}, the DJL models (under {@code djl/}, the export's parity
 * reference), the ALS model and {@code training.json} to {@code <root>/models/<run date>/}; per-epoch checkpoints
 * under {@code checkpoints/} let a killed run resume.
 */
public final class TrainModelsJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainModelsJob.class);
  static final String USAGE = "TrainModelsJob --conf <overlays> --run-date <yyyy-mm-dd> [--max-batches N]";

  public static final String USER_TOWER_FILE = "user_tower.onnx";
  public static final String ITEM_TOWER_FILE = "item_tower.onnx";
  public static final String RANKER_FILE = "ranker.onnx";
  public static final String ALS_DIR = "als";
  /** The DJL models ({@code SavedModels}), kept as the export's ONNX parity reference. */
  public static final String DJL_DIR = "djl";
  public static final String REPORT_FILE = "training.json";

  /** How one model trained: losses per completed epoch, throughput of this run, batches and rows. */
  public record ModelRun(List<Float> epochLosses, double samplesPerSecond, long batchesTrained, long rows,
      String config) {}

  /**
   * What a training run wrote; {@code rankingLabels} is {@code views} (impressions with click/purchase labels) or
   * {@code ratings} (rating >= 4 as the click label).
   */
  public record Result(String runDate, String modelDir, String rankingLabels, ModelRun twoTower,
      ModelRun ranker, TrainingConfig training, int maxBatches) {}

  private TrainModelsJob() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "max-batches"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      long maxBatches = a.longValue("max-batches", 0);
      if (maxBatches < 0 || maxBatches > Integer.MAX_VALUE) {
        throw new JobArgs.UsageException("--max-batches must be >= 0, got " + maxBatches);
      }
      try (SparkSession spark = Sessions.open("recsys-train", cfg.spark())) {
        run(spark, cfg, a.runDate(), (int) maxBatches);
      }
    });
  }

  /** Returns {@code <root>/models/<run date>}, the folder of a run's models. */
  public static String modelDir(StorageConfig storage, LocalDate runDate) {
    return storage.root() + "/models/" + runDate;
  }

  /**
   * Trains every model of {@code runDate} and writes them; {@code maxBatches} > 0 stops each epoch after that
   * many batches (smoke tests).
   */
  public static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate, int maxBatches)
      throws IOException {
    StorageConfig storage = cfg.storage();
    TrainingConfig t = cfg.training();
    FeatureArtifacts artifacts = readArtifacts(spark, BuildFeaturesJob.artifactsPath(storage, runDate));
    List<String> windows = SplitEventsJob.fitWindows(t);
    Dataset<Row> train = Tables.read(spark, storage.table(BuildFeaturesJob.EXAMPLES))
        .where(col(BuildFeaturesJob.SPLIT).isin(windows.toArray()));
    int userVocab = Math.toIntExact(Tables.read(spark, storage.table(BuildFeaturesJob.VOCAB_USERS)).count() + 2);
    int itemVocab = Math.toIntExact(Tables.read(spark, storage.table(BuildFeaturesJob.VOCAB_ITEMS)).count() + 2);

    String dir = modelDir(storage, runDate);
    Path local = localDir(dir);
    // Checkpoints are kept per fitted windows: a rerun on other windows starts afresh instead of resuming.
    Path checkpoints = local.resolve("checkpoints").resolve(String.join("+", windows));
    TrainConfig settings = new TrainConfig((float) t.learningRate(), t.epochs(), t.batchSize(), t.seed(),
        t.logEvery(), maxBatches, checkpoints).withDevice(Devices.select(t.device()))
        .withSchedule(t.learningRateSchedule()).withClipNorm((float) t.clipGradNorm());

    Dataset<Row> positives = TrainingRows.positives(train).cache();
    float[] logQ = TrainingRows.logQ(itemCounts(positives), itemVocab);
    Dataset<Row> towerRows = featurisedOnce(
        TrainingRows.twoTower(TrainingRows.shuffled(positives, t.seed()), artifacts, logQ));
    long positiveRows = towerRows.count();
    positives.unpersist();
    TwoTowerConfig towerConfig = new TwoTowerConfig(userVocab, itemVocab, artifacts.categories().size(),
        artifacts.tokens().size(), Featurizers.USER_DENSE.size(), Featurizers.ITEM_DENSE.size(), t.embeddingDim(),
        t.hiddenSizes(), t.outputDim(), (float) t.temperature(), t.logqWeight().floatValue(), (float) t.idDropout());
    LOG.info("two-tower: {} positives of {}, {} users, {} items", positiveRows, String.join(" + ", windows),
        userVocab - 2, itemVocab - 2);
    ModelRun twoTower;
    UniformNegatives uniform = uniformNegatives(train, artifacts, logQ, t.uniformNegatives());
    List<TrainingResult<TwoTowerModel>> members = new ArrayList<>();
    try {
      for (int m = 0; m < t.twoTowerModels(); m++) {
        int seed = t.seed() + m;
        if (t.twoTowerModels() > 1) {
          LOG.info("two-tower: model {} of {} (seed {})", m + 1, t.twoTowerModels(), seed);
        }
        members.add(TrainTwoTower.train(towerConfig, settings.withSeed(seed)
                .withCheckpointDir(settings.checkpointDir().resolve(SavedModels.twoTowerName(m))),
            Batches.twoTower(towerRows::toLocalIterator, t.batchSize(), seed), uniform));
      }
      towerRows.unpersist();
      List<TwoTowerModel> models = members.stream().map(TrainingResult::model).toList();
      OnnxGraphs.writeUserTower(models.stream().map(model -> model.weights().user()).toList(),
          local.resolve(USER_TOWER_FILE));
      OnnxGraphs.writeItemTower(models.stream().map(model -> model.weights().item()).toList(),
          local.resolve(ITEM_TOWER_FILE));
      SavedModels.saveTwoTowers(models, local.resolve(DJL_DIR));
      twoTower = ensembleRun(members, positiveRows, towerConfig.toString(), t.seed());
    } finally {
      members.forEach(member -> member.model().close());
    }

    boolean hasViews = !train.where(col(Schemas.EVENT_TYPE).equalTo(EventType.VIEW.wireName())).isEmpty();
    Dataset<Row> mined = retrievedNegatives(spark, cfg, runDate, train, artifacts, local, hasViews);
    Dataset<Row> ranking = TrainingRows.rankingExamples(train,
        Tables.read(spark, storage.table(BuildFeaturesJob.RANKING_NEGATIVES))
            .where(col(BuildFeaturesJob.SPLIT).isin(windows.toArray())).unionByName(mined), hasViews);
    DlrmConfig dlrmConfig = dlrmConfig(artifacts, itemVocab, t, hasViews);
    Dataset<Row> rankingRowsFeaturised = featurisedOnce(
        TrainingRows.ranking(TrainingRows.shuffled(ranking, t.seed()), artifacts));
    long rankingRows = rankingRowsFeaturised.count();
    LOG.info("DLRM: {} examples labelled by {}", rankingRows, hasViews ? "views" : "ratings");
    ModelRun ranker;
    TrainingResult<DlrmModel> dlrm = TrainDlrm.train(dlrmConfig,
        settings.withEpochs(t.dlrm().epochs()).withCheckpointDir(settings.checkpointDir().resolve("dlrm")),
        Batches.ranking(rankingRowsFeaturised::toLocalIterator, t.batchSize(), t.seed(), hasViews));
    rankingRowsFeaturised.unpersist();
    try (DlrmModel model = dlrm.model()) {
      OnnxGraphs.writeDlrm(model.weights(), local.resolve(RANKER_FILE));
      SavedModels.save(model, local.resolve(DJL_DIR));
      ranker = new ModelRun(dlrm.epochLosses(), dlrm.samplesPerSecond(), dlrm.batchesTrained(), rankingRows,
          dlrmConfig.toString());
    }

    XgbRanker.Run xgb = XgbRanker.train(spark, ranking, artifacts, hasViews, t.xgboost(), t.seed(), local);
    mined.unpersist();

    Result result = new Result(runDate.toString(), dir, hasViews ? "views" : "ratings", twoTower, ranker, t,
        maxBatches);
    Reports.write(spark, local.resolve(REPORT_FILE).toString(), result);
    if (!isLocal(dir)) {
      for (String file : List.of(USER_TOWER_FILE, ITEM_TOWER_FILE, RANKER_FILE, REPORT_FILE, XgbRanker.ONNX_FILE,
          XgbRanker.MODEL_FILE, XgbRanker.REPORT_FILE)) {
        SnapshotExport.publish(spark, local.resolve(file), dir + "/" + file);
      }
      for (String file : SavedModels.files(t.twoTowerModels())) {
        String djlFile = DJL_DIR + "/" + file;
        SnapshotExport.publish(spark, local.resolve(djlFile), dir + "/" + djlFile);
      }
    }
    als(train, t).write().overwrite().save(dir + "/" + ALS_DIR);

    System.out.printf(Locale.ROOT, "Trained %s: two-tower %,d positives, loss %s, %,.0f samples/s; DLRM (%s) %,d "
            + "examples, loss %s, %,.0f samples/s; ALS; models in %s%n",
        runDate, positiveRows, twoTower.epochLosses(), twoTower.samplesPerSecond(), result.rankingLabels(),
        rankingRows, ranker.epochLosses(), ranker.samplesPerSecond(), dir);
    System.out.printf(Locale.ROOT, "XGBoost ranker: %,d rows in %,d groups, %d rounds in %.1f s, train %s %.4f%n",
        xgb.rows(), xgb.groups(), xgb.rounds(), xgb.seconds(), XgbRanker.EVAL_METRIC, xgb.lastNdcg());
    return result;
  }

  /**
   * Returns the run of a two-tower ensemble whose members were trained with seeds {@code seed}, {@code seed + 1}, ...:
   * per epoch the mean of their losses, their mean throughput, the batches all of them trained; one member's run is
   * its own.
   */
  static ModelRun ensembleRun(List<TrainingResult<TwoTowerModel>> members, long rows, String config, int seed) {
    int epochs = members.get(0).epochLosses().size();
    List<Float> losses = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      int epoch = e;
      losses.add((float) members.stream().mapToDouble(r -> r.epochLosses().get(epoch)).average().orElseThrow());
    }
    double samplesPerSecond = members.stream().mapToDouble(TrainingResult::samplesPerSecond).average().orElseThrow();
    long batches = members.stream().mapToLong(TrainingResult::batchesTrained).sum();
    String described = members.size() == 1 ? config : String.format(Locale.ROOT,
        "%s x %d models (seeds %d to %d; losses and samples/s are their means)", config, members.size(), seed,
        seed + members.size() - 1);
    return new ModelRun(losses, samplesPerSecond, batches, rows, described);
  }

  /**
   * Returns ranking negatives mined from the two-tower just written to {@code local} ({@link RetrievedNegatives})
   * for the liked ratings of {@code train}, persisted (the caller unpersists them); none when the data has views
   * (impressions are the negatives then) or {@code features.negatives.retrieved_ratio} is 0.
   */
  static Dataset<Row> retrievedNegatives(SparkSession spark, RecsysConfig cfg, LocalDate runDate,
      Dataset<Row> train, FeatureArtifacts a, Path local, boolean hasViews) throws IOException {
    NegativesConfig n = cfg.features().negatives();
    if (hasViews || n.retrievedRatio() == 0) {
      return train.limit(0);
    }
    BuildFeaturesJob.EventsWithItems sources = BuildFeaturesJob.eventsWithItems(spark, cfg.storage(), runDate, a);
    RetrievedNegatives.Catalogue catalogue = RetrievedNegatives.Catalogue.of(train, sources.itemInfo(), a,
        local.resolve(ITEM_TOWER_FILE));
    Dataset<Row> mined = RetrievedNegatives.sample(BuildFeaturesJob.liked(train), sources.events(),
        sources.itemInfo(), catalogue, Files.readAllBytes(local.resolve(USER_TOWER_FILE)), a, n.retrievedRatio(),
        n.retrievedDepth(), n.seed()).persist(StorageLevel.MEMORY_AND_DISK_SER());
    LOG.info("ranking: {} negatives mined from the two-tower's top {} of {} items", mined.count(),
        n.retrievedDepth(), catalogue.itemRows().length);
    sources.itemInfo().unpersist(); // the count materialised the mined rows
    return mined;
  }

  /**
   * Returns {@code featurised} persisted (memory and disk, serialised; the caller unpersists it), so only the
   * first epoch sorts and featurises and the others read the cache.
   */
  static Dataset<Row> featurisedOnce(Dataset<Row> featurised) {
    return featurised.persist(StorageLevel.MEMORY_AND_DISK_SER());
  }

  /**
   * Returns {@code perBatch} uniform negatives per batch drawn from the train vocabulary's items, each featurised as
   * of its latest train event; the catalogue is collected to the driver (a few dozen bytes per item), in item
   * order so the draws of a seed are the same on every run.
   */
  static UniformNegatives uniformNegatives(Dataset<Row> train, FeatureArtifacts a, float[] logQ, int perBatch) {
    if (perBatch == 0) {
      return UniformNegatives.NONE;
    }
    List<Row> rows = TrainingRows.latestItems(train, a).orderBy(FeatureTables.ITEM_IDX).collectAsList();
    ItemFeatures catalog = Batches.items(rows);
    float[] catalogLogQ = new float[catalog.size()];
    for (int k = 0; k < catalogLogQ.length; k++) {
      catalogLogQ[k] = logQ[Math.toIntExact(catalog.itemIdx()[k])];
    }
    LOG.info("two-tower: {} uniform negatives per batch from {} items", perBatch, catalog.size());
    return new UniformNegatives(catalog, catalogLogQ, perBatch);
  }

  /** Returns the DLRM architecture for RANKING_V1 inputs; the purchase head only when the data has purchases. */
  static DlrmConfig dlrmConfig(FeatureArtifacts a, int itemVocab, TrainingConfig t, boolean purchaseHead) {
    // At least 3 rows per table (padding, oov, one value): data without devices or placements (MovieLens) has
    // empty vocabularies, and its rows then all index the oov row.
    List<Integer> cardinalities = List.of(itemVocab, a.categories().size(), a.priceEdges().length + 2,
        a.devices().size(), a.placements().size()).stream().map(c -> Math.max(3, c)).toList();
    if (cardinalities.size() != FeatureSets.RANKING_SPARSE.size()) {
      throw new IllegalStateException("DLRM expects " + FeatureSets.RANKING_SPARSE.size() + " sparse columns ("
          + FeatureSets.RANKING_SPARSE + ") but has " + cardinalities.size() + " cardinalities");
    }
    int dense = FeatureSets.RANKING_V1.inputs().get(0).width();
    return new DlrmConfig(dense, cardinalities, t.dlrm().embeddingDim(), t.hiddenSizes(), t.hiddenSizes(),
        purchaseHead);
  }

  /**
   * Returns implicit ALS fitted on the positives of {@code train}: one rating per (user, item) pair, the number of
   * positive events, with the settings of {@code training.als} and the training seed.
   */
  static ALSModel als(Dataset<Row> train, TrainingConfig t) {
    Dataset<Row> counts = TrainingRows.positives(train)
        .groupBy(FeatureTables.USER_IDX, FeatureTables.ITEM_IDX).count();
    AlsConfig a = t.als();
    return new ALS().setImplicitPrefs(true).setRank(a.rank()).setMaxIter(a.maxIter()).setRegParam(a.regParam())
        .setAlpha(a.alpha()).setSeed(t.seed()).setUserCol(FeatureTables.USER_IDX).setItemCol(FeatureTables.ITEM_IDX)
        .setRatingCol("count").setColdStartStrategy("drop").fit(counts);
  }

  /** Returns the number of positives per item index. */
  static Map<Integer, Long> itemCounts(Dataset<Row> positives) {
    Map<Integer, Long> counts = new HashMap<>();
    for (Row r : positives.groupBy(FeatureTables.ITEM_IDX).count().collectAsList()) {
      counts.put(((Number) r.get(0)).intValue(), r.getLong(1));
    }
    return counts;
  }

  /** Returns the feature artifacts of a run, as written by the feature job. */
  public static FeatureArtifacts readArtifacts(SparkSession spark, String path) {
    return Reports.read(spark, path, FeatureArtifacts::read);
  }

  static boolean isLocal(String dir) {
    String scheme = new org.apache.hadoop.fs.Path(dir).toUri().getScheme();
    return scheme == null || scheme.equals("file");
  }

  /**
   * Returns the local folder models are written to: {@code dir} itself on a local root; otherwise a fixed folder
   * under the temp dir named after it, so checkpoints survive a restart of the driver on the same machine.
   */
  static Path localDir(String dir) throws IOException {
    Path p = isLocal(dir) ? Path.of(new org.apache.hadoop.fs.Path(dir).toUri().getPath())
        : Path.of(System.getProperty("java.io.tmpdir"), "recsys-models",
            Integer.toHexString(dir.hashCode()));
    return Files.createDirectories(p);
  }
}
