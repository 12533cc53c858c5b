package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import dev.recsys.features.config.FeaturesConfig;
import dev.recsys.features.config.NegativesConfig;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.SplitConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSets;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Featurizers;
import dev.recsys.features.spec.Normalizer;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Numbering;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.SparkSchemas;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.split.SplitEventsJob;
import dev.recsys.pipelines.train.TrainingRows;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the feature tables of a run date from the clean events, the catalog and the time split: fits the feature
 * artifacts on the train window (vocabularies, price buckets, normalisers; train and validation with
 * {@code training.fit_on_validation}, as the models then are), writes the point-in-time
 * {@code examples} (every event of the split windows with the aggregates of the events strictly before it, and
 * click/purchase labels for impressions), the sampled {@code ranking_negatives} of data without impressions, and
 * the serving snapshot tables {@code features_users} and {@code features_items} as of the run date. A re-run
 * replaces all of them.
 */
public final class BuildFeaturesJob {

  private static final Logger LOG = LoggerFactory.getLogger(BuildFeaturesJob.class);
  static final String USAGE = "BuildFeaturesJob --conf <overlays> --run-date <yyyy-mm-dd>";

  public static final String EXAMPLES = "examples";
  /** Sampled ranking negatives, with the columns of {@code examples} ({@link RankingNegatives}). */
  public static final String RANKING_NEGATIVES = "ranking_negatives";
  public static final String FEATURES_USERS = "features_users";
  public static final String FEATURES_ITEMS = "features_items";
  public static final String VOCAB_USERS = "vocab_users";
  public static final String VOCAB_ITEMS = "vocab_items";
  public static final String SPLIT = "split";
  public static final String LABEL_CLICK = "label_click";
  public static final String LABEL_PURCHASE = "label_purchase";

  /** What one run built. */
  public record Result(FeatureArtifacts artifacts, String artifactsPath, long examples, long negatives, long users,
      long items) {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      LocalDate runDate = a.runDate();
      try (SparkSession spark = Sessions.open("recsys-features", cfg.spark())) {
        run(spark, cfg, runDate);
      }
    });
  }

  public static String artifactsPath(StorageConfig storage, LocalDate runDate) {
    return featureDir(storage, runDate) + "/artifacts.json";
  }

  /** Where a run's artifacts and snapshot files go: {@code <root>/features/<feature set>/<run date>/}. */
  public static String featureDir(StorageConfig storage, LocalDate runDate) {
    return storage.root() + "/features/" + FeatureSets.RETRIEVAL_V1.id() + "/" + runDate;
  }

  public static Result run(SparkSession spark, RecsysConfig cfg, LocalDate runDate) {
    StorageConfig storage = cfg.storage();
    Instant asOf = ValidateEventsJob.asOf(runDate);
    Dataset<Row> events = eventsBefore(spark, storage, runDate);
    // Vocabularies and normalisers are fitted on the windows the models are: validation too for the final fit.
    List<String> fitted = SplitEventsJob.fitWindows(cfg.training());
    Dataset<Row> train = fitted.stream().map(w -> Tables.read(spark, storage.table(w)))
        .reduce(Dataset::unionByName).orElseThrow();
    Dataset<Row> catalog = catalog(spark, storage, events);

    FeatureArtifacts unnormalised = fitVocabularies(train, catalog, cfg.features(), runDate);
    Dataset<Row> itemVocab = idVocabulary(train, Schemas.ITEM_ID, FeatureTables.ITEM_IDX);
    Dataset<Row> userVocab = idVocabulary(train, Schemas.USER_ID, FeatureTables.USER_IDX);
    Tables.overwrite(itemVocab, storage.table(VOCAB_ITEMS));
    Tables.overwrite(userVocab, storage.table(VOCAB_USERS));
    itemVocab = Tables.read(spark, storage.table(VOCAB_ITEMS));
    userVocab = Tables.read(spark, storage.table(VOCAB_USERS));

    Dataset<Row> itemInfo = ItemInfo.of(catalog, itemVocab, unnormalised).cache();
    Dataset<Row> enriched = FeatureTables.withItemInfo(events, itemInfo);

    SplitEventsJob.Boundaries b = SplitEventsJob.boundaries(events, cfg.split(), runDate);
    Dataset<Row> examples = examples(enriched, itemInfo, userVocab, cfg.split(), b, unnormalised.historyLength());
    Tables.overwrite(examples, storage.table(EXAMPLES), SPLIT);
    examples = Tables.read(spark, storage.table(EXAMPLES));
    Tables.overwrite(rankingNegatives(examples, enriched, itemInfo, cfg.features().negatives()),
        storage.table(RANKING_NEGATIVES), SPLIT);

    Dataset<Row> trainExamples = examples.where(col(SPLIT).isin(fitted.toArray()));
    FeatureArtifacts artifacts = new FeatureArtifacts(unnormalised.featureSet(), unnormalised.version(),
        unnormalised.historyLength(), unnormalised.tokenLength(), unnormalised.categories(), unnormalised.devices(),
        unnormalised.placements(), unnormalised.tokens(), unnormalised.priceEdges(),
        fitNormalizer(trainExamples, Featurizers.USER_DENSE, (r, t) -> Featurizers.userDense(FeatureRows.user(r), t)),
        fitNormalizer(trainExamples, Featurizers.ITEM_DENSE, (r, t) -> Featurizers.itemDense(FeatureRows.item(r), t)));
    String artifactsPath = artifactsPath(storage, runDate);
    Reports.write(spark, artifactsPath, artifacts::write);

    Dataset<Row> users = FeatureTables.usersAsOf(enriched, artifacts.historyLength(), artifacts.categories().size())
        .join(userVocab, Schemas.USER_ID, "left")
        .withColumn(FeatureTables.USER_IDX, coalesce(col(FeatureTables.USER_IDX), lit(Vocabulary.OOV)));
    Dataset<Row> items = FeatureTables.itemsAsOf(enriched, itemInfo, asOf.toEpochMilli());
    Tables.overwrite(users, storage.table(FEATURES_USERS));
    Tables.overwrite(items, storage.table(FEATURES_ITEMS));
    itemInfo.unpersist();
    writeSnapshots(spark, storage, runDate, asOf, artifacts);

    Result r = new Result(artifacts, artifactsPath, examples.count(),
        Tables.read(spark, storage.table(RANKING_NEGATIVES)).count(),
        Tables.read(spark, storage.table(FEATURES_USERS)).count(),
        Tables.read(spark, storage.table(FEATURES_ITEMS)).count());
    System.out.printf(Locale.ROOT, "Features %s (%s): %,d examples, %,d sampled ranking negatives, %,d users and %,d"
            + " items in the snapshot tables; vocabularies: %,d categories, %,d tokens, %,d devices, %,d placements;"
            + " artifacts %s%n",
        runDate, artifacts.featureSet(), r.examples(), r.negatives(), r.users(), r.items(),
        artifacts.categories().size(),
        artifacts.tokens().size(), artifacts.devices().size(), artifacts.placements().size(), artifactsPath);
    return r;
  }

  /** The items table, plus bare rows for items that have events but are missing from the catalog. */
  public static Dataset<Row> catalog(SparkSession spark, StorageConfig storage, Dataset<Row> events) {
    String path = storage.table(IngestEventsJob.ITEMS);
    Dataset<Row> items = Tables.exists(spark, path)
        ? Tables.read(spark, path).select(Schemas.ITEMS.names().stream().map(functions::col).toArray(Column[]::new))
        : spark.createDataFrame(List.of(), SparkSchemas.of(Schemas.ITEMS));
    Dataset<Row> missing = events.select(Schemas.ITEM_ID).distinct().join(items, Schemas.ITEM_ID, "left_anti");
    for (String c : Schemas.ITEMS.names()) {
      if (!c.equals(Schemas.ITEM_ID)) {
        missing = missing.withColumn(c, lit(null).cast(items.schema().apply(c).dataType()));
      }
    }
    return items.unionByName(missing);
  }

  /** Ids seen in train, ordered, numbered from 2 (0 is padding, 1 unknown). */
  static Dataset<Row> idVocabulary(Dataset<Row> train, String id, String idx) {
    return Numbering.inOrder(train.select(id).distinct(), id, idx, 2);
  }

  static FeatureArtifacts fitVocabularies(Dataset<Row> train, Dataset<Row> catalog, FeaturesConfig f,
      LocalDate runDate) {
    List<String> categories = byFrequency(catalog.where(col(Schemas.CATEGORY).isNotNull())
        .groupBy(Schemas.CATEGORY).count(), Integer.MAX_VALUE, 1);
    List<String> devices = byFrequency(train.where(col(Schemas.DEVICE).isNotNull())
        .groupBy(Schemas.DEVICE).count(), Integer.MAX_VALUE, 1);
    List<String> placements = byFrequency(train.where(col(Schemas.PLACEMENT).isNotNull())
        .groupBy(Schemas.PLACEMENT).count(), Integer.MAX_VALUE, 1);
    List<String> tokens = byFrequency(ItemInfo.tokenCounts(catalog), f.maxTokens(), f.minTokenCount());
    double[] edges = priceEdges(catalog, f.priceBuckets());
    return new FeatureArtifacts(FeatureSets.RETRIEVAL_V1.id(), runDate.toString(), FeatureSets.HISTORY_LENGTH,
        FeatureSets.TOKEN_LENGTH, new Vocabulary(categories), new Vocabulary(devices), new Vocabulary(placements),
        new Vocabulary(tokens), edges, Normalizer.identity(Featurizers.USER_DENSE),
        Normalizer.identity(Featurizers.ITEM_DENSE));
  }

  /** Values of a (value, count) frame with count >= minCount, most frequent first, ties by value. */
  private static List<String> byFrequency(Dataset<Row> counts, int limit, long minCount) {
    List<String> out = new ArrayList<>();
    for (Row r : counts.where(col("count").geq(minCount)).orderBy(col("count").desc(), col(counts.columns()[0]))
        .limit(limit).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static double[] priceEdges(Dataset<Row> catalog, int buckets) {
    Dataset<Row> prices = catalog.where(col(Schemas.PRICE).isNotNull()).select(Schemas.PRICE);
    if (prices.isEmpty()) {
      return new double[0];
    }
    double[] probs = new double[buckets - 1];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = (i + 1.0) / buckets;
    }
    return Arrays.stream(prices.stat().approxQuantile(Schemas.PRICE, probs, 1e-3)).distinct().sorted().toArray();
  }

  /**
   * Every event from the start of the train window with the aggregates before it, its split, the user's vocabulary
   * index, the item's catalog attributes, and for impressions (views) whether the same user clicked or bought the
   * item later in the same session.
   */
  static Dataset<Row> examples(Dataset<Row> enriched, Dataset<Row> itemInfo, Dataset<Row> userVocab,
      SplitConfig split, SplitEventsJob.Boundaries b, int historyLength) {
    Dataset<Row> outcomes = enriched.where(col(Schemas.SESSION_ID).isNotNull())
        .groupBy(Schemas.USER_ID, Schemas.ITEM_ID, Schemas.SESSION_ID).agg(
            max(when(col(Schemas.EVENT_TYPE).equalTo(EventType.CLICK.wireName()), col(FeatureTables.TS_MS)))
                .as("_click_ms"),
            max(when(col(Schemas.EVENT_TYPE).equalTo(EventType.PURCHASE.wireName()), col(FeatureTables.TS_MS)))
                .as("_purchase_ms"));
    return SplitEventsJob.labelled(FeatureTables.asOfEachEvent(enriched, historyLength), split, b)
        .join(outcomes, new String[] {Schemas.USER_ID, Schemas.ITEM_ID, Schemas.SESSION_ID}, "left")
        .withColumn(LABEL_CLICK, col("_click_ms").geq(col(FeatureTables.TS_MS)).cast("int"))
        .withColumn(LABEL_PURCHASE, col("_purchase_ms").geq(col(FeatureTables.TS_MS)).cast("int"))
        .withColumn(LABEL_CLICK, coalesce(col(LABEL_CLICK), lit(0)))
        .withColumn(LABEL_PURCHASE, coalesce(col(LABEL_PURCHASE), lit(0)))
        .drop("_click_ms", "_purchase_ms", FeatureTables.ITEM_IDX, FeatureTables.CATEGORY_IDX, FeatureTables.ITEM_ROW)
        .join(itemInfo, Schemas.ITEM_ID, "left")
        .join(userVocab, Schemas.USER_ID, "left")
        .withColumn(FeatureTables.USER_IDX, coalesce(col(FeatureTables.USER_IDX), lit(Vocabulary.OOV)));
  }

  /**
   * Returns sampled ranking negatives when the train window has no impressions (views), as in rating-only data:
   * {@code negatives.ratio} per liked rating (the ranking positives, {@link TrainingRows#POSITIVE_RATING}) of the
   * train and validation windows, drawn from the train popularity to the power {@code popularity_exponent}
   * ({@link RankingNegatives}); none when the train window has views (impressions without a click are the
   * negatives then) or the ratio is 0. The test window gets none: evaluation scores the ranker on real events.
   */
  static Dataset<Row> rankingNegatives(Dataset<Row> examples, Dataset<Row> enriched, Dataset<Row> itemInfo,
      NegativesConfig negatives) {
    Dataset<Row> train = examples.where(col(SPLIT).equalTo(SplitEventsJob.TRAIN));
    if (negatives.ratio() == 0
        || !train.where(col(Schemas.EVENT_TYPE).equalTo(EventType.VIEW.wireName())).isEmpty()) {
      return examples.limit(0);
    }
    Dataset<Row> liked = liked(examples.where(col(SPLIT).isin(SplitEventsJob.TRAIN, SplitEventsJob.VALIDATION)));
    return RankingNegatives.sample(liked, enriched, itemInfo,
        RankingNegatives.popularity(train, negatives.popularityExponent()), negatives.ratio(), negatives.seed());
  }

  /** Returns the liked ratings among {@code examples}: the positives ranking negatives are drawn for. */
  public static Dataset<Row> liked(Dataset<Row> examples) {
    return examples.where(col(Schemas.EVENT_TYPE).equalTo(EventType.RATING.wireName())
        .and(col(Schemas.RATING).geq(TrainingRows.POSITIVE_RATING)));
  }

  /** The events up to a run date joined with their items' attributes, and those attributes ({@link ItemInfo}). */
  public record EventsWithItems(Dataset<Row> events, Dataset<Row> itemInfo) {}

  /**
   * Returns what this job built ranking negatives from, for negatives drawn after it ran: the events before the
   * run date with the item attributes of the catalog and the stored item vocabulary ({@code itemInfo} cached: the
   * caller unpersists it).
   */
  public static EventsWithItems eventsWithItems(SparkSession spark, StorageConfig storage, LocalDate runDate,
      FeatureArtifacts artifacts) {
    Dataset<Row> events = eventsBefore(spark, storage, runDate);
    Dataset<Row> itemInfo = ItemInfo.of(catalog(spark, storage, events),
        Tables.read(spark, storage.table(VOCAB_ITEMS)), artifacts).cache();
    return new EventsWithItems(FeatureTables.withItemInfo(events, itemInfo), itemInfo);
  }

  private static Dataset<Row> eventsBefore(SparkSession spark, StorageConfig storage, LocalDate runDate) {
    return Tables.read(spark, storage.table(ValidateEventsJob.EVENTS))
        .where(col(Schemas.TS).lt(lit(Timestamp.from(ValidateEventsJob.asOf(runDate)))));
  }

  /** Raw dense features of an example row at its own time; serializable, since Spark ships it to executors. */
  interface RawFeatures extends java.io.Serializable {
    float[] apply(Row row, long tsMs);
  }

  /**
   * Mean and population std of raw dense features over rows, featurised by the same Java code as serving. The sums
   * are exact ({@link ExactMoments}), so the normaliser is the same for any partitioning of the rows: a cluster run
   * writes the same {@code feature_artifacts.json} as a local one.
   */
  static Normalizer fitNormalizer(Dataset<Row> rows, List<String> names, RawFeatures featurize) {
    ExactMoments moments = rows.toJavaRDD().aggregate(new ExactMoments(names),
        (m, r) -> m.add(featurize.apply(r, r.<Long>getAs(FeatureTables.TS_MS))), ExactMoments::merge);
    return new Normalizer(names, moments.means(), moments.stds());
  }

  /**
   * Writes {@code users.snap} and {@code items.snap} from the snapshot tables into the run's feature folder; on
   * remote storage they are written locally first, then copied.
   */
  static void writeSnapshots(SparkSession spark, StorageConfig storage, LocalDate runDate, Instant asOf,
      FeatureArtifacts artifacts) {
    String dir = featureDir(storage, runDate);
    java.net.URI uri = new Path(dir).toUri();
    boolean local = uri.getScheme() == null || uri.getScheme().equals("file");
    try {
      java.nio.file.Path out = local ? java.nio.file.Path.of(uri.getPath())
          : java.nio.file.Files.createTempDirectory("recsys-snapshots");
      Map<String, String> meta = Map.of(FeatureSnapshots.AS_OF_MS, Long.toString(asOf.toEpochMilli()),
          FeatureSnapshots.FEATURE_SET, artifacts.featureSet(), "artifacts_version", artifacts.version());
      SnapshotExport.writeUsers(Tables.read(spark, storage.table(FEATURES_USERS)),
          out.resolve(FeatureSnapshots.USERS_FILE), artifacts.categories().size(), meta);
      SnapshotExport.writeItems(Tables.read(spark, storage.table(FEATURES_ITEMS)),
          out.resolve(FeatureSnapshots.ITEMS_FILE), meta);
      if (!local) {
        SnapshotExport.publish(spark, out.resolve(FeatureSnapshots.USERS_FILE), dir + "/" + FeatureSnapshots.USERS_FILE);
        SnapshotExport.publish(spark, out.resolve(FeatureSnapshots.ITEMS_FILE), dir + "/" + FeatureSnapshots.ITEMS_FILE);
      }
      LOG.info("snapshots written to {}", dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshots for " + dir, e);
    }
  }
}
