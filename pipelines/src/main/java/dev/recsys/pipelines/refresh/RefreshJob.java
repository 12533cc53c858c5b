package dev.recsys.pipelines.refresh;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.BundleException;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.BundleVersion;
import dev.recsys.export.bundle.BundleWriter;
import dev.recsys.export.bundle.Bundles;
import dev.recsys.export.bundle.Manifest;
import dev.recsys.export.bundle.Verification;
import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.RefreshConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.export.ItemEmbeddings;
import dev.recsys.pipelines.export.OnnxModels;
import dev.recsys.pipelines.features.BuildFeaturesJob;
import dev.recsys.pipelines.features.FeatureTables;
import dev.recsys.pipelines.features.ItemInfo;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.validate.QualityGateException;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 15-minute refresh: ingests the event batches of one slice of landing data (producers' and the servers'
 * {@code /feedback} batches, named {@code <source>-<yyyyMMddHHmm>}) and publishes an incremental bundle.
 *
 * <ol>
 *   <li>Bronze: batches not yet there are appended (a batch is skipped once in, as in {@link IngestEventsJob});
 *       their catalog feeds are upserted.
 *   <li>Validation: the slice's bronze rows go through {@link ValidateEventsJob#validate} against the clean events
 *       of everything else; rejected rows replace this slice's rows in {@code quarantine_events}.
 *   <li>Exactly once: clean rows are MERGEd into {@code events} on the event id, so a retried slice adds nothing.
 *       Rows carry the ingest date of the nightly run whose window holds them, so the nightly re-validates them
 *       with its day and the two never write the same partition.
 *   <li>The users and items with events in the slice, or since the current bundle's snapshot was taken, get their
 *       aggregates recomputed as of the slice's end; items the bundle does not know are embedded with the bundle's
 *       item tower and appended to a copy of its FAISS index ({@link IncrementalBundle}).
 *   <li>The new bundle {@code <parent version>-r<slice end>} is published under the bundle root's lock; servers
 *       pick it up on their next poll of {@code CURRENT}.
 * </ol>
 *
 * Commits that can meet the nightly run's (the events MERGE, catalog upserts, the bundle lock) are retried with
 * backoff on a Delta conflict ({@code refresh.attempts}). Every step can be re-run: a slice already published is
 * recognised from the current bundle's manifest and only its Delta steps are redone, which change nothing.
 */
public final class RefreshJob {

  private static final Logger LOG = LoggerFactory.getLogger(RefreshJob.class);
  static final String USAGE = "RefreshJob --conf <overlays> --slice-end <yyyy-mm-ddThh:mmZ>";

  /** Batch names end in the slice time of their first event: {@code feedback-202612030915}. */
  static final Pattern BATCH = Pattern.compile(".*-([0-9]{12})");
  static final DateTimeFormatter BATCH_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter VERSION_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
  static final String SLICE_END = "refresh_slice_end";

  /** One slice: events batches stamped in [start, end); its rows belong to the nightly of {@code runDate}. */
  public record Slice(Instant start, Instant end) {

    public static Slice ending(Instant end, RefreshConfig c) {
      long minutes = end.getEpochSecond() / 60;
      if (end.getEpochSecond() % 60 != 0 || end.getNano() != 0 || minutes % c.sliceMinutes() != 0) {
        throw new JobArgs.UsageException("--slice-end must fall on a " + c.sliceMinutes()
            + "-minute boundary (refresh.slice_minutes), got " + end);
      }
      return new Slice(end.minus(Duration.ofMinutes(c.sliceMinutes())), end);
    }

    /** The run date whose nightly covers this slice: the day after the one the slice lies in. */
    public LocalDate runDate() {
      return LocalDate.ofInstant(start, ZoneOffset.UTC).plusDays(1);
    }

    public String runId() {
      return "refresh-" + BATCH_TIME.format(end);
    }

    boolean holds(String batchId) {
      Matcher m = BATCH.matcher(batchId);
      if (!m.matches()) {
        return false;
      }
      Instant t = Instant.from(BATCH_TIME.parse(m.group(1)));
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  /** What one refresh did; {@code bundle} is empty when nothing was published. */
  public record Result(String sliceEnd, List<String> batches, long bronzeRows, long clean, long quarantined,
      long merged, IncrementalBundle.Changes changes, String bundle, double seconds) {}

  private RefreshJob() {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "slice-end"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      Instant end = parseInstant(a.required("slice-end"));
      Slice slice = Slice.ending(end, cfg.refresh());
      try (SparkSession spark = Sessions.open("recsys-refresh", cfg.spark())) {
        run(spark, cfg, slice);
      }
    });
  }

  /** The stamp a batch of the slice starting at {@code t} carries: {@code yyyyMMddHHmm}, UTC. */
  public static String batchStamp(Instant t) {
    return BATCH_TIME.format(t);
  }

  static Instant parseInstant(String text) {
    try {
      return Instant.parse(text.length() == 17 ? text.substring(0, 16) + ":00Z" : text);
    } catch (DateTimeParseException e) {
      throw new JobArgs.UsageException("--slice-end must be a UTC instant like 2026-12-03T09:15Z or "
          + "2026-12-03T09:15:00Z, got '" + text + "'");
    }
  }

  public static Result run(SparkSession spark, RecsysConfig cfg, Slice slice) throws IOException {
    long started = System.nanoTime();
    StorageConfig storage = cfg.storage();
    RefreshConfig rc = cfg.refresh();
    List<String> batches = batches(spark, storage, slice);
    if (batches.isEmpty()) {
      System.out.printf(Locale.ROOT, "Refresh %s: no event batches stamped in [%s, %s) under %s; nothing to do%n",
          slice.end(), slice.start(), slice.end(), storage.landing("events"));
      return new Result(slice.end().toString(), batches, 0, 0, 0, 0, null, "", seconds(started));
    }
    LocalDate runDate = slice.runDate();
    long phase = System.nanoTime();
    long bronzeRows = ingest(spark, storage, rc, batches, runDate);
    phase = logPhase("ingest", phase);

    Dataset<Row> bronze = ofBatches(Tables.read(spark, storage.table(IngestEventsJob.BRONZE_EVENTS)), runDate,
        batches);
    String eventsPath = storage.table(ValidateEventsJob.EVENTS);
    Dataset<Row> prior = Tables.exists(spark, eventsPath)
        ? Tables.read(spark, eventsPath).where(col(IngestEventsJob.BATCH_ID).isin(batches.toArray()).unary_$bang())
        : null;
    try (ValidateEventsJob.Validated v = ValidateEventsJob.validate(bronze, prior, cfg.validation(), slice.end(),
        slice.runId())) {
      Dataset<Row> clean = v.clean();
      Dataset<Row> quarantine = v.quarantine();
      ValidateEventsJob.Counts counts = v.counts(bronze);
      long rowsIn = counts.rowsIn();
      long cleanCount = counts.clean();
      long quarantined = counts.quarantined();
      phase = logPhase("validation", phase);
      String quarantineSlice = IngestEventsJob.INGEST_DATE + " = '" + runDate + "' AND " + ValidateEventsJob.RUN_ID
          + " = '" + slice.runId() + "'";
      String quarantinePath = storage.table(ValidateEventsJob.QUARANTINE);
      // Nothing to replace and nothing to add commits nothing (an empty replaceWhere would still cost a commit).
      if (quarantined > 0 || (Tables.exists(spark, quarantinePath)
          && !Tables.read(spark, quarantinePath).where(quarantineSlice).isEmpty())) {
        retrying(rc, "quarantine of " + slice.runId(), () -> {
          Tables.replaceWhere(quarantine, quarantinePath, quarantineSlice, IngestEventsJob.INGEST_DATE);
          return null;
        });
      }
      double rate = counts.rate();
      if (rate < cfg.validation().minQualityRate()) {
        throw new QualityGateException(String.format(Locale.ROOT, "refresh %s: quality rate %.4f is below "
                + "validation.min_quality_rate %.4f; quarantine written, no events merged, nothing published",
            slice.end(), rate, cfg.validation().minQualityRate()));
      }
      phase = logPhase("quarantine write", phase);
      long merged = retrying(rc, "MERGE into events", () -> mergeEvents(spark, eventsPath, clean, runDate));
      logPhase("MERGE into events", phase);

      Path root = Path.of(cfg.export().bundlesRoot());
      Bundle parent = Bundles.openCurrent(root, Verification.SIZES_ONLY);
      Object publishedSlice = parent.manifest().sourceRun().get(SLICE_END);
      if (slice.end().toString().equals(publishedSlice)) {
        System.out.printf(Locale.ROOT, "Refresh %s: %,d rows, %,d merged (a re-run); bundle %s already holds this "
            + "slice%n", slice.end(), rowsIn, merged, parent.version());
        return new Result(slice.end().toString(), batches, bronzeRows, cleanCount, quarantined, merged, null,
            parent.version(), seconds(started));
      }
      Published p = publish(spark, cfg, slice, parent, clean, batches, merged);
      Result r = new Result(slice.end().toString(), batches, bronzeRows, cleanCount, quarantined, merged,
          p.changes(), p.version(), seconds(started));
      System.out.printf(Locale.ROOT, "Refresh %s: %d batches, %,d rows (%,d clean, %,d quarantined), %,d merged into "
              + "events; users %,d updated + %,d new, items %,d updated + %,d new; bundle %s (parent %s) in %.1f s%n",
          slice.end(), batches.size(), rowsIn, cleanCount, quarantined, merged, p.changes().usersUpdated(),
          p.changes().usersAdded(), p.changes().itemsUpdated(), p.changes().itemsAdded(), p.version(),
          parent.version(), r.seconds());
      return r;
    }
  }

  /** The events batches under the landing zone whose stamp lies in the slice, sorted. */
  static List<String> batches(SparkSession spark, StorageConfig storage, Slice slice) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(storage.landing("events"));
    FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    List<String> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.startsWith("batch=") && slice.holds(name.substring("batch=".length()))) {
        out.add(name.substring("batch=".length()));
      }
    }
    out.sort(null);
    return out;
  }

  /** Appends the batches bronze does not have yet in one commit and upserts their catalog feeds. */
  private static long ingest(SparkSession spark, StorageConfig storage, RefreshConfig rc, List<String> batches,
      LocalDate runDate) {
    String bronzePath = storage.table(IngestEventsJob.BRONZE_EVENTS);
    List<String> have = Tables.exists(spark, bronzePath)
        ? ofBatches(Tables.read(spark, bronzePath), runDate, batches).select(IngestEventsJob.BATCH_ID).distinct()
            .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()
        : List.of();
    List<String> fresh = batches.stream().filter(b -> !have.contains(b)).toList();
    long rows = 0;
    if (!fresh.isEmpty()) {
      Dataset<Row> parsed = null;
      for (String b : fresh) {
        Dataset<Row> one = IngestEventsJob.parseEvents(
            IngestEventsJob.readLines(spark, storage.landingBatch("events", b)), b, runDate);
        parsed = parsed == null ? one : parsed.unionByName(one);
      }
      // Parsed while written, in one pass: caching the parsed rows first cost more than the write itself.
      Tables.append(parsed, bronzePath, IngestEventsJob.INGEST_DATE);
      rows = ofBatches(Tables.read(spark, bronzePath), runDate, fresh).count();
    }
    for (String b : batches) {
      retrying(rc, "catalog upsert of " + b, () -> IngestEventsJob.upsertCatalogs(spark, storage, b, runDate));
    }
    LOG.info("refresh: {} of {} batches appended to bronze ({} rows)", fresh.size(), batches.size(), rows);
    return rows;
  }

  /**
   * The bronze rows of {@code batches}: their ingest date is the slice's (the next nightly's), so only that
   * partition is read.
   */
  private static Dataset<Row> ofBatches(Dataset<Row> bronze, LocalDate runDate, List<String> batches) {
    return bronze.where(col(IngestEventsJob.INGEST_DATE).equalTo(lit(java.sql.Date.valueOf(runDate)))
        .and(col(IngestEventsJob.BATCH_ID).isin(batches.toArray())));
  }

  /**
   * Inserts the clean rows whose event id is not in {@code events} yet; returns how many were inserted. The
   * match is limited to the slice's ingest date (validation already quarantined ids seen on other dates), so the
   * MERGE reads, and can conflict with, only the partition the nightly does not write while refreshes run.
   */
  static long mergeEvents(SparkSession spark, String eventsPath, Dataset<Row> clean, LocalDate runDate) {
    if (!Tables.exists(spark, eventsPath)) {
      Tables.append(clean, eventsPath, IngestEventsJob.INGEST_DATE);
      return clean.count();
    }
    DeltaTable table = DeltaTable.forPath(spark, eventsPath);
    long before = table.history(1).select("version").first().getLong(0);
    table.as("t")
        .merge(clean.as("s"), "t." + IngestEventsJob.INGEST_DATE + " = DATE'" + runDate + "' AND t."
            + Schemas.EVENT_ID + " = s." + Schemas.EVENT_ID)
        .whenNotMatched().insertAll()
        .execute();
    // A MERGE that inserts nothing commits nothing; otherwise the newest commit is ours or, after a race, a later
    // one: read the metrics of the first commit after the one we started from.
    Dataset<Row> ours = table.history().where(col("version").gt(before)).where(col("operation").equalTo("MERGE"))
        .orderBy("version").select("operationMetrics");
    if (ours.isEmpty()) {
      return 0;
    }
    Map<String, String> metrics = ours.first().getJavaMap(0);
    return Long.parseLong(metrics.getOrDefault("numTargetRowsInserted", "0"));
  }

  private record Published(String version, IncrementalBundle.Changes changes) {}

  /** Recomputes the touched users and items, embeds new items and publishes the refreshed bundle. */
  private static Published publish(SparkSession spark, RecsysConfig cfg, Slice slice, Bundle parent,
      Dataset<Row> clean, List<String> batches, long merged) throws IOException {
    StorageConfig storage = cfg.storage();
    FeatureArtifacts artifacts;
    try (var in = Files.newInputStream(parent.file(BundleLayout.ARTIFACTS))) {
      artifacts = FeatureArtifacts.read(in);
    }
    long endMs = slice.end().toEpochMilli();
    long phase = System.nanoTime();
    Dataset<Row> events = Tables.read(spark, storage.table(ValidateEventsJob.EVENTS))
        .where(col(Schemas.TS).lt(lit(Timestamp.from(slice.end()))));
    long parentAsOf;
    try (Snapshot users = Snapshot.open(parent.file(BundleLayout.USERS))) {
      parentAsOf = Long.parseLong(users.metadata().get(FeatureSnapshots.AS_OF_MS));
    }
    // Since the parent's snapshots, plus this slice's rows whatever their timestamps (late arrivals).
    Dataset<Row> recent = events.where(col(Schemas.TS).geq(lit(new Timestamp(parentAsOf))))
        .select(Schemas.USER_ID, Schemas.ITEM_ID)
        .unionByName(clean.select(Schemas.USER_ID, Schemas.ITEM_ID));
    Dataset<Row> catalog = BuildFeaturesJob.catalog(spark, storage, events);
    Dataset<Row> touchedItems = recent.select(Schemas.ITEM_ID)
        .unionByName(catalogOfBatches(spark, storage, batches)).distinct().cache();
    Dataset<Row> touchedUsers = recent.select(Schemas.USER_ID).distinct().cache();

    try (Snapshot parentItems = Snapshot.open(parent.file(BundleLayout.ITEMS))) {
      List<String> newIds = new ArrayList<>();
      List<Row> vocab = new ArrayList<>();
      for (String id : touchedItems.as(org.apache.spark.sql.Encoders.STRING()).collectAsList()) {
        int row = parentItems.find(id);
        if (row < 0) {
          newIds.add(id);
        } else {
          vocab.add(RowFactory.create(id, parentItems.getInt(FeatureSnapshots.ITEM_IDX, row)));
        }
      }
      IncrementalBundle.ItemOrder order = IncrementalBundle.ItemOrder.of(parentItems, newIds);
      Dataset<Row> info = ItemInfo.of(catalog.join(touchedItems, Schemas.ITEM_ID), spark.createDataFrame(vocab,
              new StructType().add(Schemas.ITEM_ID, DataTypes.StringType).add(FeatureTables.ITEM_IDX,
                  DataTypes.IntegerType)), artifacts)
          .drop(FeatureTables.ITEM_ROW)
          .join(rowsOf(spark, order, touchedItems), Schemas.ITEM_ID);
      Dataset<Row> itemRows = FeatureTables.itemsAsOf(
          FeatureTables.withItemInfo(events.join(touchedItems, Schemas.ITEM_ID), info), info, endMs).cache();
      Map<String, Row> items = byId(itemRows.collectAsList(), Schemas.ITEM_ID);
      phase = logPhase("items recomputed", phase);
      Map<String, float[]> vectors = embed(spark, parent, itemRows.where(col(Schemas.ITEM_ID)
          .isin(newIds.toArray())), artifacts, endMs, cfg.export().batchSize());
      itemRows.unpersist();
      phase = logPhase("new items embedded", phase);

      Dataset<Row> allItems = allItemRows(spark, parentItems, order, items);
      Dataset<Row> userRows = FeatureTables.usersAsOf(
          FeatureTables.withItemInfo(events.join(touchedUsers, Schemas.USER_ID), allItems),
          artifacts.historyLength(), artifacts.categories().size());
      Map<String, Row> users = byId(userRows.collectAsList(), Schemas.USER_ID);
      phase = logPhase("users recomputed", phase);
      touchedItems.unpersist();
      touchedUsers.unpersist();

      String version = version(parent.version(), slice);
      Map<String, Object> refresh = new LinkedHashMap<>();
      refresh.put(SLICE_END, slice.end().toString());
      refresh.put("slice_start", slice.start().toString());
      refresh.put("run_date", slice.runDate().toString());
      refresh.put("batches", batches);
      refresh.put("events_merged", merged);
      long staging = phase;
      return retrying(cfg.refresh(), "publish of " + version, () -> {
        try (BundleWriter w = BundleWriter.open(Path.of(cfg.export().bundlesRoot()), version,
            Clock.fixed(slice.end(), ZoneOffset.UTC))) {
          IncrementalBundle.Changes changes = IncrementalBundle.stage(parent, order,
              new IncrementalBundle.Updates(users, items, vectors), endMs, w);
          Map<String, Object> source = new LinkedHashMap<>(refresh);
          source.put("users_updated", changes.usersUpdated());
          source.put("users_added", changes.usersAdded());
          source.put("items_updated", changes.itemsUpdated());
          source.put("items_added", changes.itemsAdded());
          Manifest m = w.publish(IncrementalBundle.metadata(parent.manifest(), source, order.ids().length),
              cfg.export().keep());
          logPhase("bundle staged and published", staging);
          return new Published(m.version(), changes);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /**
   * Returns the refreshed bundle's version: the parent's export version with {@code -r<slice end>} (a parent that
   * is itself a refresh loses its suffix first), so refreshes sort after their nightly bundle and before the next.
   */
  static String version(String parent, Slice slice) {
    String base = parent.replaceFirst("-r[0-9]{8}T[0-9]{4}Z$", "");
    return BundleVersion.check(base + "-r" + VERSION_TIME.format(slice.end()));
  }

  /** Item ids of the slice's {@code items} catalog feeds. */
  private static Dataset<Row> catalogOfBatches(SparkSession spark, StorageConfig storage, List<String> batches) {
    Dataset<Row> out = spark.createDataFrame(List.of(), new StructType().add(Schemas.ITEM_ID, DataTypes.StringType));
    for (String b : batches) {
      String dir = storage.landingBatch("items", b);
      if (Tables.pathExists(spark, dir)) {
        out = out.unionByName(IngestEventsJob.parseCatalog(IngestEventsJob.readLines(spark, dir),
                dev.recsys.pipelines.spark.SparkSchemas.of(Schemas.ITEMS), Schemas.ITEM_ID)
            .where(col(IngestEventsJob.REASON).isNull()).select(Schemas.ITEM_ID));
      }
    }
    return out;
  }

  /** The new row of each touched item. */
  private static Dataset<Row> rowsOf(SparkSession spark, IncrementalBundle.ItemOrder order, Dataset<Row> touched) {
    Map<String, Integer> rowOf = new HashMap<>();
    for (int r = 0; r < order.ids().length; r++) {
      rowOf.put(order.ids()[r], r);
    }
    List<Row> rows = new ArrayList<>();
    for (String id : touched.as(org.apache.spark.sql.Encoders.STRING()).collectAsList()) {
      rows.add(RowFactory.create(id, rowOf.get(id)));
    }
    return spark.createDataFrame(rows, new StructType().add(Schemas.ITEM_ID, DataTypes.StringType)
        .add(FeatureTables.ITEM_ROW, DataTypes.IntegerType));
  }

  /** Every item's index, category and new row: what user histories are built from. */
  private static Dataset<Row> allItemRows(SparkSession spark, Snapshot parentItems,
      IncrementalBundle.ItemOrder order, Map<String, Row> touched) {
    int[] newToParent = order.newToParent();
    List<Row> rows = new ArrayList<>(order.ids().length);
    for (int r = 0; r < order.ids().length; r++) {
      String id = order.ids()[r];
      Row t = touched.get(id);
      int itemIdx = t != null ? t.<Integer>getAs(FeatureTables.ITEM_IDX)
          : parentItems.getInt(FeatureSnapshots.ITEM_IDX, newToParent[r]);
      int categoryIdx = t != null ? t.<Integer>getAs(FeatureTables.CATEGORY_IDX)
          : parentItems.getInt(FeatureSnapshots.CATEGORY_IDX, newToParent[r]);
      rows.add(RowFactory.create(id, itemIdx, categoryIdx, r));
    }
    return spark.createDataFrame(rows, new StructType().add(Schemas.ITEM_ID, DataTypes.StringType)
        .add(FeatureTables.ITEM_IDX, DataTypes.IntegerType).add(FeatureTables.CATEGORY_IDX, DataTypes.IntegerType)
        .add(FeatureTables.ITEM_ROW, DataTypes.IntegerType));
  }

  /** Item tower vectors of {@code items} with the parent bundle's model, computed on the executors. */
  private static Map<String, float[]> embed(SparkSession spark, Bundle parent, Dataset<Row> items,
      FeatureArtifacts artifacts, long asOfMs, int batchSize) throws IOException {
    byte[] tower = Files.readAllBytes(parent.file(BundleLayout.ITEM_TOWER));
    Broadcast<byte[]> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(tower);
    try {
      Map<String, float[]> out = new HashMap<>();
      for (Row r : ItemEmbeddings.embed(items, model, OnnxModels.sha256(tower), artifacts, asOfMs, batchSize)
          .collectAsList()) {
        List<Float> v = r.getList(2);
        float[] vec = new float[v.size()];
        for (int i = 0; i < vec.length; i++) {
          vec[i] = v.get(i);
        }
        out.put(r.getString(0), vec);
      }
      return out;
    } finally {
      model.destroy();
    }
  }

  private static Map<String, Row> byId(List<Row> rows, String idColumn) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      out.put(r.getAs(idColumn), r);
    }
    return out;
  }

  /**
   * Runs {@code step}, again after a Delta conflict or a held bundle lock, up to {@code refresh.attempts} times
   * with doubling waits; other failures and the last conflict propagate.
   */
  static <T> T retrying(RefreshConfig rc, String what, Supplier<T> step) {
    long wait = rc.retryWaitMs();
    for (int attempt = 1; ; attempt++) {
      try {
        return step.get();
      } catch (DeltaConcurrentModificationException | UncheckedIOException e) {
        boolean lock = e instanceof UncheckedIOException u && u.getCause() instanceof BundleException;
        if (attempt >= rc.attempts() || !(lock || e instanceof DeltaConcurrentModificationException)) {
          throw e;
        }
        LOG.warn("{}: attempt {} of {} met a concurrent writer ({}); retrying in {} ms", what, attempt,
            rc.attempts(), e.getMessage(), wait);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        wait *= 2;
      }
    }
  }

  /** Logs how long a step took since {@code startedNanos}; returns now, the start of the next step. */
  private static long logPhase(String step, long startedNanos) {
    long now = System.nanoTime();
    LOG.info("refresh: {} in {} s", step, String.format(Locale.ROOT, "%.1f", (now - startedNanos) / 1e9));
    return now;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
