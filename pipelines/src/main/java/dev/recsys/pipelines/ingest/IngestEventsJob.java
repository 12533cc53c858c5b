package dev.recsys.pipelines.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.schema.LandingJson;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.spark.JobArgs;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.SparkSchemas;
import dev.recsys.pipelines.spark.Tables;
import java.time.LocalDate;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one landing batch into the bronze layer: every event line, parsed or not, is appended to the
 * {@code bronze_events} Delta table with its original text, its fields as sent (strings; validation coerces
 * types) and a parse error where the line was not a JSON object. Catalog and profile lines of the batch are
 * upserted into {@code items} and {@code users}; their unusable rows go to {@code quarantine_catalog} with a
 * reason. Re-running a batch adds nothing: a batch already in bronze is skipped as a whole (a Delta commit is
 * atomic, so a batch is either fully there or not at all).
 */
public final class IngestEventsJob {

  private static final Logger LOG = LoggerFactory.getLogger(IngestEventsJob.class);
  static final String USAGE = "IngestEventsJob --conf <overlays> --run-date <yyyy-mm-dd> --batch <id>";

  public static final String BRONZE_EVENTS = "bronze_events";
  public static final String ITEMS = "items";
  public static final String USERS = "users";
  public static final String QUARANTINE_CATALOG = "quarantine_catalog";

  public static final String RAW = "raw";
  public static final String PARSE_ERROR = "parse_error";
  public static final String BATCH_ID = "batch_id";
  public static final String SOURCE_FILE = "source_file";
  public static final String INGEST_DATE = "ingest_date";
  public static final String REASON = "reason";
  public static final String FEED = "feed";

  private static final String CORRUPT = "_corrupt_record";

  /** Rows ingested from one batch; {@code eventsSkipped} is true when bronze had the batch already. */
  public record Result(String batchId, long events, boolean eventsSkipped, long items, long users,
      long catalogQuarantined) {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "batch"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      LocalDate runDate = a.runDate();
      String batch = a.required("batch");
      try (SparkSession spark = Sessions.open("recsys-ingest", cfg.spark())) {
        run(spark, cfg.storage(), runDate, batch);
      }
    });
  }

  public static Result run(SparkSession spark, StorageConfig storage, LocalDate runDate, String batchId) {
    String eventsDir = storage.landingBatch("events", batchId);
    if (!Tables.pathExists(spark, eventsDir)) {
      throw new IllegalArgumentException("no landing batch at " + eventsDir);
    }
    long events = 0;
    boolean skipped = alreadyIngested(spark, storage.table(BRONZE_EVENTS), batchId);
    if (skipped) {
      LOG.info("batch {} is already in {}: nothing to append", batchId, BRONZE_EVENTS);
    } else {
      Dataset<Row> bronze = parseEvents(readLines(spark, eventsDir), batchId, runDate).cache();
      events = bronze.count();
      Tables.append(bronze, storage.table(BRONZE_EVENTS), INGEST_DATE);
      long malformed = bronze.filter(col(PARSE_ERROR).isNotNull()).count();
      bronze.unpersist();
      LOG.info("batch {}: appended {} event rows to {} ({} unparseable, kept for validation)",
          batchId, events, BRONZE_EVENTS, malformed);
    }
    long[] catalogs = upsertCatalogs(spark, storage, batchId, runDate);
    return new Result(batchId, events, skipped, catalogs[0], catalogs[1], catalogs[2]);
  }

  /**
   * Upserts the batch's {@code items} and {@code users} feeds (when it has them); returns {items upserted, users
   * upserted, rows quarantined}. Upserts by id, so a re-run changes nothing.
   */
  public static long[] upsertCatalogs(SparkSession spark, StorageConfig storage, String batchId, LocalDate runDate) {
    long[] items = upsertCatalog(spark, storage, "items", batchId, runDate, SparkSchemas.of(Schemas.ITEMS),
        Schemas.ITEM_ID, ITEMS);
    long[] users = upsertCatalog(spark, storage, "users", batchId, runDate, SparkSchemas.of(Schemas.USERS),
        Schemas.USER_ID, USERS);
    return new long[] {items[0], users[0], items[1] + users[1]};
  }

  /** Lines of a landing folder with the file each came from: columns {@code raw}, {@code source_file}. */
  public static Dataset<Row> readLines(SparkSession spark, String dir) {
    return spark.read().text(dir).select(col("value").as(RAW), input_file_name().as(SOURCE_FILE));
  }

  /**
   * Parses event lines into bronze rows. Fields are kept as the strings that were sent (a JSON number becomes
   * its text), {@code context} is flattened, and {@code parse_error} says why a line is not a JSON event object.
   */
  public static Dataset<Row> parseEvents(Dataset<Row> lines, String batchId, LocalDate ingestDate) {
    StructType context = new StructType()
        .add(Schemas.DEVICE, DataTypes.StringType)
        .add(Schemas.PLACEMENT, DataTypes.StringType);
    StructType wire = new StructType();
    for (StructField f : SparkSchemas.asStrings(Schemas.EVENTS).fields()) {
      if (!f.name().equals(Schemas.DEVICE) && !f.name().equals(Schemas.PLACEMENT)) {
        wire = wire.add(f);
      }
    }
    wire = wire.add(LandingJson.CONTEXT, context).add(CORRUPT, DataTypes.StringType);
    Column parsed = from_json(col(RAW), wire, Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));

    List<Column> out = new ArrayList<>();
    out.add(col(RAW));
    for (String name : Schemas.EVENTS.names()) {
      boolean inContext = name.equals(Schemas.DEVICE) || name.equals(Schemas.PLACEMENT);
      out.add(col("p." + (inContext ? LandingJson.CONTEXT + "." : "") + name).as(name));
    }
    out.add(when(col("p").isNull().or(col("p." + CORRUPT).isNotNull()), lit("not a JSON event object"))
        .as(PARSE_ERROR));
    out.add(lit(batchId).as(BATCH_ID));
    out.add(col(SOURCE_FILE));
    out.add(lit(java.sql.Date.valueOf(ingestDate)).as(INGEST_DATE));
    return lines.withColumn("p", parsed).select(out.toArray(Column[]::new));
  }

  private static boolean alreadyIngested(SparkSession spark, String bronzePath, String batchId) {
    return Tables.exists(spark, bronzePath)
        && !Tables.read(spark, bronzePath).filter(col(BATCH_ID).equalTo(batchId)).limit(1).isEmpty();
  }

  /**
   * Upserts a catalog feed of the batch by id (last write wins); rows that are not JSON objects or have no id go
   * to {@code quarantine_catalog}. Returns {upserted, quarantined}; {0, 0} when the batch has no such feed.
   */
  private static long[] upsertCatalog(SparkSession spark, StorageConfig storage, String feed, String batchId,
      LocalDate runDate, StructType schema, String idColumn, String table) {
    String dir = storage.landingBatch(feed, batchId);
    if (!Tables.pathExists(spark, dir)) {
      return new long[] {0, 0};
    }
    Dataset<Row> parsed = parseCatalog(readLines(spark, dir), schema, idColumn).cache();
    Dataset<Row> good = parsed.filter(col(REASON).isNull())
        .select(Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new))
        .dropDuplicates(idColumn);
    Dataset<Row> bad = parsed.filter(col(REASON).isNotNull())
        .select(lit(feed).as(FEED), col(REASON), col(RAW), lit(batchId).as(BATCH_ID),
            lit(java.sql.Date.valueOf(runDate)).as(INGEST_DATE));
    long goodCount = good.count();
    long badCount = bad.count();
    String path = storage.table(table);
    if (Tables.exists(spark, path)) {
      DeltaTable.forPath(spark, path).as("t")
          .merge(good.as("s"), "t." + idColumn + " = s." + idColumn)
          .whenMatched().updateAll()
          .whenNotMatched().insertAll()
          .execute();
    } else {
      Tables.overwrite(good, path);
    }
    if (badCount > 0) {
      Tables.replaceWhere(bad, storage.table(QUARANTINE_CATALOG),
          FEED + " = '" + feed + "' AND " + BATCH_ID + " = '" + batchId + "'");
    }
    parsed.unpersist();
    LOG.info("batch {}: upserted {} rows into {} ({} quarantined)", batchId, goodCount, table, badCount);
    return new long[] {goodCount, badCount};
  }

  /** Parses catalog lines with their typed schema; {@code reason} is null for usable rows. */
  public static Dataset<Row> parseCatalog(Dataset<Row> lines, StructType schema, String idColumn) {
    StructType wire = schema.add(CORRUPT, DataTypes.StringType);
    Column parsed = from_json(col(RAW), wire, Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
    List<Column> out = new ArrayList<>();
    out.add(col(RAW));
    for (String name : schema.fieldNames()) {
      out.add(col("p." + name).as(name));
    }
    out.add(when(col("p").isNull().or(col("p." + CORRUPT).isNotNull()), lit("malformed"))
        .when(col("p." + idColumn).isNull(), lit("null_" + idColumn))
        .as(REASON));
    return lines.withColumn("p", parsed).select(out.toArray(Column[]::new));
  }
}
