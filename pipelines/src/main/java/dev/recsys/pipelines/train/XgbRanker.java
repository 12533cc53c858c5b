package dev.recsys.pipelines.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.recsys.export.onnx.OnnxScorer;
import dev.recsys.export.onnx.TensorNames;
import dev.recsys.export.onnx.TreeEnsembleGraph;
import dev.recsys.export.onnx.TreeFeatures;
import dev.recsys.export.onnx.XgbTrees;
import dev.recsys.features.config.XgboostConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.ModelInputs;
import dev.recsys.pipelines.export.OnnxModels;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRanker;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRankerModel;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XGBoost ranker: {@code rank:ndcg} on the DLRM's ranking examples (same rows, same {@link ModelInputs}
 * features), one query group per request (the session of a view; the user and day without a session; the user
 * for rating-only data such as MovieLens), graded label {@code click + purchase}. Dense features go in as they
 * are, the price bucket as its index, category, device and placement one-hot, the item index not at all (the
 * item's dense features carry what trees can use of it). Writes {@code ranker_xgb.onnx} (same inputs and
 * {@code click_prob} output as the DLRM graph, so serving can load either) after checking it against XGBoost's
 * own predictions, and the booster as {@code ranker_xgb.json}.
 */
public final class XgbRanker {

  private static final Logger LOG = LoggerFactory.getLogger(XgbRanker.class);

  public static final String ONNX_FILE = "ranker_xgb.onnx";
  public static final String MODEL_FILE = "ranker_xgb.json";
  public static final String REPORT_FILE = "training_xgb.json";
  /** The objective; the train NDCG (whole group) is logged per round. */
  public static final String OBJECTIVE = "rank:ndcg";
  static final String EVAL_METRIC = "ndcg";

  static final String FEATURES = "features";
  static final String LABEL = "label";
  static final String GROUP = "group";
  /** Categoricals with at most this many vocabulary rows are one-hot encoded; larger ones go in as their index. */
  static final int MAX_ONE_HOT = 64;
  /** Rows compared between XGBoost and the ONNX graph after training. */
  static final int PARITY_ROWS = 256;
  /** Largest allowed |ONNX - XGBoost| on the margin. */
  public static final double PARITY_TOLERANCE = 1e-5;
  static final String GPU_PLUGIN = "ml.dmlc.xgboost4j.scala.spark.GpuXGBoostPlugin";

  /** Ranking rows with their flat tree features, graded label and query group. */
  static final StructType ROWS = new StructType()
      .add(TrainingRows.DENSE, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(TrainingRows.SPARSE, DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add(FEATURES, new VectorUDT(), false)
      .add(LABEL, DataTypes.FloatType, false)
      .add(GROUP, DataTypes.IntegerType, false);

  /**
   * How one training went: rows and groups, boosting rounds, the train NDCG@10 after the first and last round,
   * seconds, the largest ONNX-vs-XGBoost margin difference on {@code parityRows} rows, and the settings.
   */
  public record Run(long rows, long groups, int rounds, double firstNdcg, double lastNdcg, double seconds,
      double parityMaxAbsDiff, int parityRows, String features, String config) {}

  private XgbRanker() {}

  /** Returns the tree encoding of the RANKING_V1 inputs for the vocabularies in {@code a}. */
  public static TreeFeatures features(FeatureArtifacts a) {
    List<TreeFeatures.Sparse> sparse = new ArrayList<>();
    for (String name : FeatureSets.RANKING_SPARSE) {
      sparse.add(switch (name) {
        case "item_idx" -> TreeFeatures.Sparse.dropped(name);
        case "price_bucket" -> new TreeFeatures.Sparse(name, TreeFeatures.Kind.ORDINAL, 0);
        case "item_cat" -> categorical(name, a.categories().size());
        case "device" -> categorical(name, a.devices().size());
        case "placement" -> categorical(name, a.placements().size());
        default -> throw new IllegalStateException("no tree encoding for sparse column " + name + " of "
            + FeatureSets.RANKING_SPARSE);
      });
    }
    return TreeFeatures.of(FeatureSets.RANKING_V1.inputs().get(0).width(), sparse);
  }

  private static TreeFeatures.Sparse categorical(String name, int cardinality) {
    return cardinality <= MAX_ONE_HOT ? new TreeFeatures.Sparse(name, TreeFeatures.Kind.ONE_HOT, cardinality)
        : new TreeFeatures.Sparse(name, TreeFeatures.Kind.ORDINAL, 0);
  }

  /**
   * Returns the query group of each ranking example: views by session (by user and day when the session is
   * missing), ratings by user. A non-negative int, as XGBoost wants.
   */
  static Column group(boolean hasViews) {
    Column user = xxhash64(col(FeatureTables.USER_IDX));
    Column key = hasViews
        ? when(col(Schemas.SESSION_ID).isNotNull(), xxhash64(col(Schemas.SESSION_ID)))
            .otherwise(xxhash64(col(FeatureTables.USER_IDX), to_date(col(Schemas.TS))))
        : user;
    return pmod(key, lit((long) Integer.MAX_VALUE)).cast(DataTypes.IntegerType);
  }

  /** Returns the rows of ranking {@code examples} (see {@link TrainingRows#rankingExamples}), featurised. */
  static Dataset<Row> rows(Dataset<Row> examples, FeatureArtifacts a, TreeFeatures f, boolean hasViews) {
    MapPartitionsFunction<Row, Row> featurize = rows -> {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        ModelInputs.Ranking x = TrainingRows.rankingInputs(r, a);
        float[] flat = f.encode(x.dense(), x.sparse());
        double[] v = new double[flat.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = flat[i];
        }
        float label = TrainingRows.index(r, BuildFeaturesJob.LABEL_CLICK)
            + TrainingRows.index(r, BuildFeaturesJob.LABEL_PURCHASE);
        out.add(RowFactory.create(TrainingRows.boxed(x.dense()), TrainingRows.boxed(x.sparse()), Vectors.dense(v),
            label, r.getInt(r.fieldIndex(GROUP))));
      }
      return out.iterator();
    };
    return examples.withColumn(GROUP, group(hasViews)).mapPartitions(featurize, Encoders.row(ROWS));
  }

  /**
   * Refuses settings that would hang or abort the JVM: {@code cuda} without a GPU or without the GPU build of
   * XGBoost (the CPU build aborts the process), and more workers than task slots (the barrier stage never
   * starts).
   */
  static void check(XgboostConfig c, boolean gpuPresent, boolean gpuBuild, int taskSlots) {
    if (c.device() == XgboostConfig.Device.CUDA && !(gpuPresent && gpuBuild)) {
      throw new IllegalStateException("training.xgboost.device is cuda but "
          + (gpuPresent ? "the XGBoost on the classpath is the CPU build (" + GPU_PLUGIN + " is missing: build "
              + "with the gpu profile and pass its jars with --jars)" : "this machine has no GPU (no /dev/nvidia0)")
          + "; set training.xgboost.device: cpu");
    }
    if (c.numWorkers() > taskSlots) {
      throw new IllegalStateException("training.xgboost.num_workers = " + c.numWorkers() + " but the Spark "
          + "application has only " + taskSlots + " task slot(s) (executor cores / spark.task.cpus); XGBoost "
          + "would wait forever for its workers. Lower num_workers or give the executors more cores");
    }
  }

  /** Returns whether a GPU is visible to this JVM (the NVIDIA device nodes or driver entries exist). */
  static boolean gpuPresent() {
    Path gpus = Path.of("/proc/driver/nvidia/gpus");
    try {
      if (Files.exists(Path.of("/dev/nvidia0"))) {
        return true;
      }
      try (var list = Files.list(gpus)) {
        return list.findAny().isPresent();
      }
    } catch (IOException e) {
      return false;
    }
  }

  static boolean gpuBuild() {
    try {
      Class.forName(GPU_PLUGIN, false, XgbRanker.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Returns the concurrent tasks the application can run: its executor cores over {@code spark.task.cpus}. */
  static int taskSlots(SparkContext sc) {
    int taskCpus = sc.conf().getInt("spark.task.cpus", 1);
    String master = sc.master();
    int cores;
    if (master.startsWith("local")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]").matcher(master);
      cores = !m.matches() ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
          : Integer.parseInt(m.group(1));
    } else if (sc.conf().contains("spark.executor.cores")) {
      // getExecutorInfos lists the driver too.
      cores = Math.max(0, sc.statusTracker().getExecutorInfos().length - 1)
          * sc.conf().getInt("spark.executor.cores", 1);
    } else {
      cores = sc.defaultParallelism();
    }
    return cores / taskCpus;
  }

  /**
   * Returns {@code rows} on exactly {@code workers} partitions (by group) in a fixed order (group, label, dense,
   * sparse: rows equal in all of these are identical training rows). XGBoost's trees depend on the order of its
   * input (quantile sketches and gradient sums in row order), and XGBoost keeps the partitions when there are as
   * many as workers, only sorting each by group; without this the same examples partitioned differently (a local
   * run versus a cluster) trained a different ranker.
   */
  static Dataset<Row> inCanonicalOrder(Dataset<Row> rows, int workers) {
    return rows.repartition(workers, col(GROUP))
        .sortWithinPartitions(col(GROUP), col(LABEL), col(TrainingRows.DENSE), col(TrainingRows.SPARSE));
  }

  /** Returns an untrained ranker with the configured settings and {@code seed}. */
  static XGBoostRanker estimator(XgboostConfig c, int seed) {
    XGBoostRanker r = new XGBoostRanker().setGroupCol(GROUP);
    r.setFeaturesCol(FEATURES);
    r.setLabelCol(LABEL);
    r.setObjective(OBJECTIVE);
    r.setEvalMetric(EVAL_METRIC);
    r.setNumRound(c.rounds());
    r.setMaxDepth(c.maxDepth());
    r.setEta(c.eta());
    r.setNumWorkers(c.numWorkers());
    r.setDevice(c.device().xgboostName());
    r.setTreeMethod("hist");
    r.setSeed(seed);
    return r;
  }

  /**
   * Trains the ranker on ranking {@code examples}, writes {@link #ONNX_FILE}, {@link #MODEL_FILE} and
   * {@link #REPORT_FILE} to {@code dir}, and returns how it went. Fails before training on settings
   * {@link #check} refuses, and after it when the ONNX graph differs from XGBoost by more than
   * {@link #PARITY_TOLERANCE}.
   */
  public static Run train(SparkSession spark, Dataset<Row> examples, FeatureArtifacts a, boolean hasViews,
      XgboostConfig c, int seed, Path dir) throws IOException {
    check(c, gpuPresent(), gpuBuild(), taskSlots(spark.sparkContext()));
    TreeFeatures f = features(a);
    Dataset<Row> rows = inCanonicalOrder(rows(examples, a, f, hasViews), c.numWorkers()).cache();
    try {
      long n = rows.count();
      long groups = rows.select(GROUP).distinct().count();
      if (n == 0) {
        throw new IllegalStateException("no ranking examples to train the XGBoost ranker on");
      }
      LOG.info("XGBoost ranker: {} rows in {} groups, {} features ({}), {}", n, groups, f.width(),
          hasViews ? "views by session" : "ratings by user", c);
      Fitted fitted = fit(rows, f, c, seed);
      float[] ndcg = fitted.history();
      double seconds = fitted.seconds();
      byte[] json = fitted.json();
      byte[] onnx = fitted.onnx();
      List<Row> sample = rows.limit(PARITY_ROWS).collectAsList();
      double diff = parity(spark, fitted.model(), onnx, sample);
      if (!(diff <= PARITY_TOLERANCE)) {
        throw new IllegalStateException(String.format(Locale.ROOT, "%s differs from XGBoost by %.3g on %d rows "
            + "(tolerance %.0e): not written", ONNX_FILE, diff, sample.size(), PARITY_TOLERANCE));
      }
      Files.write(dir.resolve(MODEL_FILE), json);
      Files.write(dir.resolve(ONNX_FILE), onnx);
      Run run = new Run(n, groups, c.rounds(), ndcg.length > 0 ? ndcg[0] : Double.NaN,
          ndcg.length > 0 ? ndcg[ndcg.length - 1] : Double.NaN, seconds, diff, sample.size(),
          f.features().stream().map(TreeFeatures.Feature::name).toList().toString(), c.toString());
      dev.recsys.pipelines.spark.Reports.write(spark, dir.resolve(REPORT_FILE).toString(), run);
      LOG.info(String.format(Locale.ROOT, "XGBoost ranker: %d rounds in %.1f s (%,.0f rows/s), train %s %.4f -> "
              + "%.4f; ONNX max |diff| %.2g on %d rows", c.rounds(), seconds, n * c.rounds() / seconds,
          EVAL_METRIC, run.firstNdcg(), run.lastNdcg(), diff, sample.size()));
      return run;
    } finally {
      rows.unpersist();
    }
  }

  /** A trained ranker: the model, its JSON form and ONNX graph, the train NDCG per round and the seconds. */
  record Fitted(XGBoostRankerModel model, byte[] json, byte[] onnx, float[] history, double seconds) {}

  /** Trains on {@link #ROWS}-shaped {@code rows} encoded by {@code f}, logging the train NDCG every 10 rounds. */
  static Fitted fit(Dataset<Row> rows, TreeFeatures f, XgboostConfig c, int seed) {
    long start = System.nanoTime();
    XGBoostRankerModel model = (XGBoostRankerModel) estimator(c, seed).fit(rows);
    double seconds = (System.nanoTime() - start) / 1e9;
    float[] ndcg = model.summary().isDefined() ? model.summary().get().trainObjectiveHistory() : new float[0];
    for (int round = 0; round < ndcg.length; round++) {
      if (round == 0 || round == ndcg.length - 1 || (round + 1) % 10 == 0) {
        LOG.info(String.format(Locale.ROOT, "XGBoost ranker round %d/%d: train %s %.4f", round + 1, c.rounds(),
            EVAL_METRIC, ndcg[round]));
      }
    }
    try {
      byte[] json = model.nativeBooster().toByteArray("json");
      return new Fitted(model, json, TreeEnsembleGraph.xgbRanker(XgbTrees.parse(json), f), ndcg, seconds);
    } catch (XGBoostError e) {
      throw new IllegalStateException("cannot read the trained XGBoost model: " + e.getMessage(), e);
    }
  }

  /** Returns the largest |ONNX rank_score - XGBoost prediction| over {@code sample}. */
  static double parity(SparkSession spark, XGBoostRankerModel model, byte[] onnx, List<Row> sample)
      throws IOException {
    if (sample.isEmpty()) {
      return 0;
    }
    List<Row> predicted = model.transform(spark.createDataFrame(sample, ROWS))
        .select(col(model.getPredictionCol())).collectAsList();
    List<ModelInputs.Ranking> inputs = new ArrayList<>();
    for (Row r : sample) {
      inputs.add(new ModelInputs.Ranking(TrainingRows.floats(r.getList(0)), TrainingRows.longs(r.getList(1))));
    }
    float[] scores = score(onnx, inputs);
    double max = 0;
    for (int i = 0; i < scores.length; i++) {
      max = Math.max(max, Math.abs(scores[i] - predicted.get(i).getDouble(0)));
    }
    return max;
  }

  /** Returns the {@code rank_score} of the ONNX graph on {@code inputs}. */
  static float[] score(byte[] onnx, List<ModelInputs.Ranking> inputs) throws IOException {
    try (OnnxScorer scorer = OnnxScorer.open(onnx, 1)) {
      return OnnxModels.rank(scorer, inputs).get(TensorNames.RANK_SCORE);
    } catch (Exception e) {
      throw new IOException("cannot score " + ONNX_FILE + ": " + e.getMessage(), e);
    }
  }
}
