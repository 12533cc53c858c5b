package dev.recsys.pipelines.validate;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.ValidationConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.ingest.IngestEventsJob;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the bronze rows ingested on a run date into the {@code events} table (clean, typed) and the
 * {@code quarantine_events} table (every rejected row with its reason codes, the run id and the original line).
 * Rows in = clean + quarantined, checked on what was written. A run below {@code validation.min_quality_rate}
 * writes its quarantine and report but no clean rows, and fails. A re-run replaces the run date's output.
 *
 * <p>Only built-in column functions and windows: every step can run on the RAPIDS plugin.
 */
public final class ValidateEventsJob {

  private static final Logger LOG = LoggerFactory.getLogger(ValidateEventsJob.class);
  static final String USAGE = "ValidateEventsJob --conf <overlays> --run-date <yyyy-mm-dd> [--run-id <id>]";

  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine_events";
  public static final String REASONS = "reasons";
  public static final String REASON = "reason";
  public static final String RUN_ID = "run_id";
  private static final String ROW_REASONS = "_row_reasons";
  private static final String SET_REASONS = "_set_reasons";
  private static final String TS_RAW = "_ts_raw";
  private static final String PRIOR = "_prior";

  /**
   * Clean and quarantined rows of one run, before they are written: two filters of one pass over the rows (the
   * checks shuffle several times), computed once, released by {@link #close}. The pass is checkpointed rather
   * than cached: writing the clean rows into {@code events}, which the duplicate checks read, would otherwise
   * make Spark recompute a cache built on that table.
   */
  public static final class Validated implements AutoCloseable {
    private final Dataset<Row> checked;
    private final String runId;

    private Validated(Dataset<Row> checked, String runId) {
      this.checked = checked;
      this.runId = runId;
    }

    /** The {@link Schemas#EVENTS} columns, typed, plus batch and ingest date, of rows without a reason. */
    public Dataset<Row> clean() {
      List<Column> cleanCols = new ArrayList<>();
      for (String name : Schemas.EVENTS.names()) {
        cleanCols.add(col(name));
      }
      cleanCols.add(col(IngestEventsJob.BATCH_ID));
      cleanCols.add(col(IngestEventsJob.INGEST_DATE));
      return checked.filter(size(col(REASONS)).equalTo(0)).select(cleanCols.toArray(Column[]::new));
    }

    /** The original line, reason codes and run id of rows with a reason. */
    public Dataset<Row> quarantine() {
      return checked.filter(size(col(REASONS)).gt(0)).select(
          col(IngestEventsJob.RAW),
          col(REASONS),
          element_at(col(REASONS), 1).as(REASON),
          col(Schemas.EVENT_ID), col(Schemas.USER_ID), col(Schemas.ITEM_ID), col(Schemas.EVENT_TYPE),
          col(TS_RAW).as(Schemas.TS),
          col(IngestEventsJob.BATCH_ID), col(IngestEventsJob.SOURCE_FILE),
          lit(runId).as(RUN_ID),
          col(IngestEventsJob.INGEST_DATE));
    }

    /**
     * Returns the row counts of {@code input} (the rows validated), of the clean and of the quarantined rows;
     * throws when the last two do not add up to the first.
     */
    public Counts counts(Dataset<Row> input) {
      Counts c = new Counts(input.count(), clean().count(), quarantine().count());
      if (c.rowsIn() != c.clean() + c.quarantined()) {
        throw new IllegalStateException("validation lost rows: " + c.rowsIn() + " in, " + c.clean() + " clean + "
            + c.quarantined() + " quarantined");
      }
      return c;
    }

    @Override
    public void close() {
      checked.unpersist();
    }
  }

  /** Rows in, clean and quarantined of one validation. */
  public record Counts(long rowsIn, long clean, long quarantined) {

    /** The share of clean rows (1 for no rows). */
    public double rate() {
      return rowsIn == 0 ? 1.0 : (double) clean / rowsIn;
    }
  }

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date", "run-id"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      LocalDate runDate = a.runDate();
      String runId = a.get("run-id").orElse(runId(runDate));
      try (SparkSession spark = Sessions.open("recsys-validate", cfg.spark())) {
        QualityReport r = run(spark, cfg.storage(), cfg.validation(), runDate, runId);
        if (!r.passed()) {
          System.exit(1);
        }
      }
    });
  }

  public static String runId(LocalDate runDate) {
    return "validate-" + runDate;
  }

  /** The instant a run date stands for: its start (UTC); the run sees the data of the days before it. */
  public static Instant asOf(LocalDate runDate) {
    return runDate.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * Validates the run date's bronze rows, writes clean rows, quarantine and report, and returns the report.
   *
   * @throws QualityGateException after writing quarantine and report, when the quality rate is below the gate
   */
  public static QualityReport run(SparkSession spark, StorageConfig storage, ValidationConfig v, LocalDate runDate,
      String runId) {
    String partition = IngestEventsJob.INGEST_DATE + " = '" + runDate + "'";
    Dataset<Row> bronze = Tables.read(spark, storage.table(IngestEventsJob.BRONZE_EVENTS)).where(partition);
    String cleanPath = storage.table(EVENTS);
    Dataset<Row> prior = Tables.exists(spark, cleanPath)
        ? Tables.read(spark, cleanPath).where("NOT (" + partition + ")")
        : null;

    Validated out = validate(bronze, prior, v, asOf(runDate), runId);
    Dataset<Row> quarantine = out.quarantine();
    Dataset<Row> clean = out.clean();
    Counts counts = out.counts(bronze);
    long rowsIn = counts.rowsIn();
    long cleanCount = counts.clean();
    long quarantined = counts.quarantined();
    double rate = counts.rate();
    boolean passed = rate >= v.minQualityRate();

    Tables.replaceWhere(quarantine, storage.table(QUARANTINE), partition, IngestEventsJob.INGEST_DATE);
    if (passed) {
      Tables.replaceWhere(clean.sortWithinPartitions(Schemas.TS), cleanPath, partition, IngestEventsJob.INGEST_DATE);
      checkWritten(spark, storage, partition, rowsIn);
    }

    QualityReport report = new QualityReport(runId, runDate.toString(),
        bronze.select(IngestEventsJob.BATCH_ID).distinct().orderBy(IngestEventsJob.BATCH_ID).as(
            org.apache.spark.sql.Encoders.STRING()).collectAsList(),
        rowsIn, cleanCount, quarantined, rate, v.minQualityRate(), passed,
        countBy(quarantine.select(explode(col(REASONS)).as(REASON))),
        countBy(quarantine.select(col(REASON))),
        volumeAlerts(bronze, prior, v, runDate));
    String reportPath = storage.reports("validation") + "/" + runDate + ".json";
    Reports.write(spark, reportPath, report);
    out.close();
    System.out.print(report.summary(reportPath));
    if (!passed) {
      throw new QualityGateException(String.format(java.util.Locale.ROOT,
          "quality rate %.4f is below validation.min_quality_rate %.4f for %s: no clean rows published; "
              + "see %s and %s", rate, v.minQualityRate(), runDate, reportPath, storage.table(QUARANTINE)));
    }
    return report;
  }

  /**
   * Splits bronze rows into clean rows (the {@link Schemas#EVENTS} columns, typed, plus batch and ingest date)
   * and quarantined rows (original line, reason codes, run id). {@code prior} holds clean events of other runs,
   * for duplicates across runs; null when there are none.
   */
  public static Validated validate(Dataset<Row> bronze, Dataset<Row> prior, ValidationConfig v, Instant asOf,
      String runId) {
    Dataset<Row> typed = withRowReasons(coerce(bronze), v, asOf);
    Dataset<Row> checked = withSetReasons(typed, prior, v)
        .withColumn(REASONS, concat(col(ROW_REASONS), col(SET_REASONS)))
        .drop(ROW_REASONS, SET_REASONS);
    return new Validated(checked.localCheckpoint(), runId);
  }

  /**
   * Coerces the strings as sent into typed columns; the originals stay in {@code _<name>_raw} where a failed
   * coercion must be told apart from a missing value. Numeric timestamps are epoch seconds, or milliseconds from
   * 10^11 on.
   */
  static Dataset<Row> coerce(Dataset<Row> bronze) {
    Column tsText = trim(col(Schemas.TS));
    Column epoch = tsText.cast(DataTypes.LongType);
    Column ts = when(tsText.rlike("^-?[0-9]+$"),
            when(abs(epoch).geq(100_000_000_000L), expr("timestamp_millis(cast(trim(ts) as bigint))"))
                .otherwise(expr("timestamp_seconds(cast(trim(ts) as bigint))")))
        .otherwise(expr("try_cast(trim(ts) as timestamp)"));
    return bronze
        .withColumn(TS_RAW, col(Schemas.TS))
        .withColumn("_rating_raw", col(Schemas.RATING))
        .withColumn("_value_raw", col(Schemas.VALUE))
        .withColumn(Schemas.EVENT_ID, blankToNull(Schemas.EVENT_ID))
        .withColumn(Schemas.USER_ID, blankToNull(Schemas.USER_ID))
        .withColumn(Schemas.ITEM_ID, blankToNull(Schemas.ITEM_ID))
        .withColumn(Schemas.EVENT_TYPE, blankToNull(Schemas.EVENT_TYPE))
        .withColumn(Schemas.TS, ts)
        .withColumn(Schemas.RATING, expr("try_cast(trim(rating) as double)"))
        .withColumn(Schemas.VALUE, expr("try_cast(trim(value) as double)"));
  }

  private static Column blankToNull(String name) {
    Column t = trim(col(name));
    return when(t.notEqual(""), t);
  }

  /** Adds the reasons a row fails on its own: parse errors, nulls, types, unknown event types, time window. */
  static Dataset<Row> withRowReasons(Dataset<Row> typed, ValidationConfig v, Instant asOf) {
    Timestamp latest = Timestamp.from(asOf.plus(v.futureSkewMinutes(), ChronoUnit.MINUTES));
    Timestamp earliest = Timestamp.from(asOf.minus(v.retentionDays(), ChronoUnit.DAYS));
    Column knownType = col(Schemas.EVENT_TYPE).isin(EventType.wireNames().toArray());
    Column badType = col(TS_RAW).isNotNull().and(col(Schemas.TS).isNull())
        .or(col("_rating_raw").isNotNull().and(col(Schemas.RATING).isNull()))
        .or(col("_value_raw").isNotNull().and(col(Schemas.VALUE).isNull()));
    Column fieldReasons = array_compact(array(
        reasonIf(col(Schemas.EVENT_ID).isNull(), Reason.NULL_EVENT_ID),
        reasonIf(col(Schemas.USER_ID).isNull(), Reason.NULL_USER_ID),
        reasonIf(col(Schemas.ITEM_ID).isNull(), Reason.NULL_ITEM_ID),
        reasonIf(col(Schemas.EVENT_TYPE).isNull(), Reason.NULL_EVENT_TYPE),
        reasonIf(col(TS_RAW).isNull(), Reason.NULL_TS),
        reasonIf(badType, Reason.BAD_TYPE),
        reasonIf(col(Schemas.EVENT_TYPE).isNotNull().and(coalesce(knownType, lit(false)).unary_$bang()),
            Reason.UNKNOWN_EVENT_TYPE),
        reasonIf(col(Schemas.TS).gt(lit(latest)), Reason.FUTURE_TS),
        reasonIf(col(Schemas.TS).lt(lit(earliest)), Reason.EXPIRED_TS)));
    Column reasons = when(col(IngestEventsJob.PARSE_ERROR).isNotNull(), array(lit(Reason.MALFORMED.code())))
        .otherwise(fieldReasons);
    return typed.withColumn(ROW_REASONS, reasons);
  }

  private static Column reasonIf(Column condition, Reason reason) {
    return when(coalesce(condition, lit(false)), lit(reason.code()));
  }

  /**
   * Adds the reasons that depend on other rows, among rows that passed the row checks: the second and later
   * rows of an event id (the earliest by timestamp is kept) or of a (user, item, type, timestamp), ids and
   * events already kept by earlier runs, and users above the bot limit on a day.
   *
   * <p>Two shuffles: the rows and the ids of {@code prior} by event id, for the id checks; then the rows and the
   * events of {@code prior} by user, for the event and bot checks, whose windows all lie within one user. Prior
   * rows join each window as marked rows (then dropped) rather than through a join, which would shuffle again.
   */
  static Dataset<Row> withSetReasons(Dataset<Row> rows, Dataset<Row> prior, ValidationConfig v) {
    Dataset<Row> byId = rows
        .withColumn("_cand", size(col(ROW_REASONS)).equalTo(0))
        .withColumn(PRIOR, lit(false));
    if (prior != null) {
      byId = byId.unionByName(prior.select(Schemas.EVENT_ID).distinct()
          .withColumn("_cand", lit(false)).withColumn(PRIOR, lit(true)), true);
    }
    Dataset<Row> ids = byId.repartition(col(Schemas.EVENT_ID))
        .withColumn("_id_rank", when(col("_cand"), row_number().over(Window.partitionBy(col("_cand"),
            col(Schemas.EVENT_ID)).orderBy(col(Schemas.TS), col(IngestEventsJob.RAW)))))
        .withColumn("_seen_id", anyPrior(Window.partitionBy(col(Schemas.EVENT_ID))))
        .where(col(PRIOR).unary_$bang());
    Column dupId = col("_cand").and(col("_id_rank").gt(1).or(col("_seen_id")));

    Dataset<Row> byUser = ids
        .withColumn("_dup_id", dupId)
        .withColumn("_cand2", col("_cand").and(dupId.unary_$bang()));
    if (prior != null) {
      byUser = byUser.unionByName(prior.select(Schemas.USER_ID, Schemas.ITEM_ID, Schemas.EVENT_TYPE, Schemas.TS)
          .distinct().withColumn("_cand2", lit(false)).withColumn(PRIOR, lit(true)), true);
    }
    Column[] event = {col(Schemas.USER_ID), col(Schemas.ITEM_ID), col(Schemas.EVENT_TYPE), col(Schemas.TS)};
    Column[] candidateEvent = {col("_cand2"), col(Schemas.USER_ID), col(Schemas.ITEM_ID), col(Schemas.EVENT_TYPE),
        col(Schemas.TS)};
    Dataset<Row> events = byUser.repartition(col(Schemas.USER_ID))
        .withColumn("_event_rank", when(col("_cand2"), row_number().over(Window.partitionBy(candidateEvent)
            .orderBy(col(Schemas.EVENT_ID), col(IngestEventsJob.RAW)))))
        .withColumn("_seen_event", anyPrior(Window.partitionBy(event)))
        .where(col(PRIOR).unary_$bang());
    Column dupEvent = col("_cand2").and(col("_event_rank").gt(1).or(col("_seen_event")));
    Column kept = col("_cand2").and(dupEvent.unary_$bang());
    Dataset<Row> marked = events
        .withColumn("_dup_event", dupEvent)
        .withColumn("_kept", kept)
        .withColumn("_day", to_date(col(Schemas.TS)))
        .withColumn("_per_day", count(lit(1)).over(Window.partitionBy(col("_kept"), col(Schemas.USER_ID),
            col("_day"))));
    Column bot = col("_kept").and(col("_per_day").gt(v.botEventsPerDay()));
    return marked
        .withColumn(SET_REASONS, array_compact(array(
            reasonIf(col("_dup_id"), Reason.DUPLICATE_EVENT_ID),
            reasonIf(col("_dup_event"), Reason.DUPLICATE_EVENT),
            reasonIf(bot, Reason.BOT))))
        .drop("_cand", PRIOR, "_id_rank", "_seen_id", "_dup_id", "_cand2", "_event_rank", "_seen_event",
            "_dup_event", "_kept", "_day", "_per_day", "_rating_raw", "_value_raw");
  }

  /** Whether the window holds a row of {@code prior}. */
  private static Column anyPrior(WindowSpec w) {
    return max(when(col(PRIOR), 1).otherwise(0)).over(w).equalTo(1);
  }

  /** Rows per day by event timestamp, over every row with a usable timestamp (clean or not), this run and before. */
  private static List<VolumeCheck.Alert> volumeAlerts(Dataset<Row> bronze, Dataset<Row> prior, ValidationConfig v,
      LocalDate runDate) {
    Dataset<Row> days = coerce(bronze).select(to_date(col(Schemas.TS)).as("day")).where(col("day").isNotNull());
    List<Row> runDays = days.agg(org.apache.spark.sql.functions.min("day")).collectAsList();
    if (runDays.isEmpty() || runDays.get(0).isNullAt(0)) {
      return List.of();
    }
    LocalDate checkFrom = runDays.get(0).getDate(0).toLocalDate();
    Dataset<Row> all = prior == null ? days : days.unionByName(prior.select(to_date(col(Schemas.TS)).as("day")));
    LocalDate from = runDate.minusDays(v.retentionDays());
    TreeMap<LocalDate, Long> daily = new TreeMap<>();
    for (Row r : all.where(col("day").geq(lit(java.sql.Date.valueOf(from))))
        .where(col("day").lt(lit(java.sql.Date.valueOf(runDate)))).groupBy("day").count().collectAsList()) {
      daily.put(r.getDate(0).toLocalDate(), r.getLong(1));
    }
    return VolumeCheck.alerts(daily, checkFrom, v.volumeTrailingDays(), v.volumeAlertZ());
  }

  private static Map<String, Long> countBy(Dataset<Row> codes) {
    return codes.groupBy(REASON).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1), Long::sum, TreeMap::new));
  }

  /** Re-reads what was written: the invariant rows in = clean + quarantined must hold on the tables. */
  private static void checkWritten(SparkSession spark, StorageConfig storage, String partition, long rowsIn) {
    long clean = Tables.read(spark, storage.table(EVENTS)).where(partition).count();
    long quarantined = Tables.read(spark, storage.table(QUARANTINE)).where(partition).count();
    if (clean + quarantined != rowsIn) {
      throw new IllegalStateException("tables disagree with the run: " + rowsIn + " rows in, " + clean
          + " clean + " + quarantined + " quarantined written for " + partition);
    }
    LOG.info("{}: {} rows in = {} clean + {} quarantined", partition, rowsIn, clean, quarantined);
  }
}
