package dev.recsys.pipelines.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.SplitConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.config.TrainingConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Reports;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;

/**
 * Splits clean events by time into the {@code train}, {@code validation} and {@code test} tables: with global
 * boundaries every train timestamp precedes every validation timestamp, which precedes every test timestamp, so no
 * future event can leak into training. Boundaries are days before the run date, or quantiles of the timestamps in
 * fraction mode. In user_fraction mode (a per-user temporal holdout) each user's latest events are test and the
 * ones before them validation, so windows overlap in time across users (the report then shows the global
 * fraction boundaries, which do not bound the windows). The report records, per window, events, users, items,
 * and in validation and test the users and items never seen in train (cold start). A re-run replaces the three tables.
 */
public final class SplitEventsJob {

  static final String USAGE = "SplitEventsJob --conf <overlays> --run-date <yyyy-mm-dd>";

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  /** Half-open windows [trainStart, validationStart), [validationStart, testStart), [testStart, end). */
  public record Boundaries(Instant trainStart, Instant validationStart, Instant testStart, Instant end) {
    public Boundaries {
      if (!(trainStart.isBefore(validationStart) && validationStart.isBefore(testStart) && testStart.isBefore(end))) {
        throw new IllegalArgumentException("split boundaries out of order: " + trainStart + ", " + validationStart
            + ", " + testStart + ", " + end);
      }
    }
  }

  /** The three windows of one split. */
  public record Splits(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test) {}

  /** Counts of one window; the new-user and new-item figures are relative to train. */
  public record Window(String name, String from, String until, long events, long users, long items,
      long newUsers, long newUserEvents, long newItems, long newItemEvents) {}

  public record SplitReport(String runDate, String mode, List<Window> windows) {

    public String summary(String reportPath) {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Split %s (%s)%n", runDate, mode));
      for (Window w : windows) {
        s.append(String.format(Locale.ROOT, "  %-10s [%s, %s)  %,10d events %,8d users %,8d items", w.name(),
            w.from(), w.until(), w.events(), w.users(), w.items()));
        if (!w.name().equals(TRAIN)) {
          s.append(String.format(Locale.ROOT, "  cold start: %,d new users (%,d events), %,d new items (%,d events)",
              w.newUsers(), w.newUserEvents(), w.newItems(), w.newItemEvents()));
        }
        s.append('\n');
      }
      return s.append("  report: ").append(reportPath).append('\n').toString();
    }
  }

  /**
   * Returns the windows the vocabularies, normalisers and models are fitted on: train, and validation too with
   * {@code training.fit_on_validation} (the final fit before the test window, once settings are chosen).
   */
  public static List<String> fitWindows(TrainingConfig t) {
    return t.fitOnValidation() ? List.of(TRAIN, VALIDATION) : List.of(TRAIN);
  }

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "run-date"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      LocalDate runDate = a.runDate();
      try (SparkSession spark = Sessions.open("recsys-split", cfg.spark())) {
        run(spark, cfg.storage(), cfg.split(), runDate);
      }
    });
  }

  public static SplitReport run(SparkSession spark, StorageConfig storage, SplitConfig cfg, LocalDate runDate) {
    Dataset<Row> events = Tables.read(spark, storage.table(ValidateEventsJob.EVENTS))
        .select(Schemas.EVENTS.names().stream().map(functions::col).toArray(Column[]::new));
    Boundaries b = boundaries(events, cfg, runDate);
    Splits s = split(events, cfg, b);
    Tables.overwrite(s.train().sortWithinPartitions(Schemas.TS), storage.table(TRAIN));
    Tables.overwrite(s.validation().sortWithinPartitions(Schemas.TS), storage.table(VALIDATION));
    Tables.overwrite(s.test().sortWithinPartitions(Schemas.TS), storage.table(TEST));

    Dataset<Row> train = Tables.read(spark, storage.table(TRAIN));
    SplitReport report = new SplitReport(runDate.toString(), cfg.mode().name().toLowerCase(Locale.ROOT), List.of(
        window(TRAIN, b.trainStart(), b.validationStart(), train, train),
        window(VALIDATION, b.validationStart(), b.testStart(), Tables.read(spark, storage.table(VALIDATION)), train),
        window(TEST, b.testStart(), b.end(), Tables.read(spark, storage.table(TEST)), train)));
    String path = storage.reports("split") + "/" + runDate + ".json";
    Reports.write(spark, path, report);
    System.out.print(report.summary(path));
    return report;
  }

  /**
   * Days mode: fixed offsets before the run date. Fraction mode: the timestamps at which the latest
   * {@code test_fraction} and the {@code validation_fraction} before it begin (approximate quantiles, relative
   * error 1e-4), with train starting at the earliest event.
   */
  public static Boundaries boundaries(Dataset<Row> events, SplitConfig cfg, LocalDate runDate) {
    Instant end = ValidateEventsJob.asOf(runDate);
    if (cfg.mode() == SplitConfig.Mode.DAYS) {
      return new Boundaries(end.minus(cfg.trainStartDays(), ChronoUnit.DAYS),
          end.minus(cfg.validationStartDays(), ChronoUnit.DAYS), end.minus(cfg.testStartDays(), ChronoUnit.DAYS), end);
    }
    Dataset<Row> seconds = events.where(col(Schemas.TS).lt(lit(Timestamp.from(end))))
        .select(col(Schemas.TS).cast("double").as("s"));
    Row range = seconds.agg(min("s"), max("s")).first();
    if (range.isNullAt(0)) {
      throw new IllegalStateException("no clean events before " + end + " to split");
    }
    double[] q = seconds.stat().approxQuantile("s",
        new double[] {1 - cfg.testFraction() - cfg.validationFraction(), 1 - cfg.testFraction()}, 1e-4);
    return new Boundaries(instant(range.getDouble(0)), instant(q[0]), instant(q[1]),
        instant(range.getDouble(1)).plusMillis(1));
  }

  /** Column added by {@link #labelled}: the window of an event, {@code train}, {@code validation} or {@code test}. */
  public static final String SPLIT = "split";

  /** The three windows of {@code cfg}'s mode: by {@link #labelled} in user_fraction mode, else by timestamp. */
  public static Splits split(Dataset<Row> events, SplitConfig cfg, Boundaries b) {
    if (cfg.mode() != SplitConfig.Mode.USER_FRACTION) {
      return split(events, b);
    }
    Dataset<Row> labelled = labelled(events, cfg, b);
    return new Splits(window(labelled, TRAIN), window(labelled, VALIDATION), window(labelled, TEST));
  }

  /**
   * Returns the events in [trainStart, end) with their window in {@link #SPLIT}. In user_fraction mode an event at
   * 0-based position p among its user's n events (by time, then event id) is test when p / n >= 1 -
   * test_fraction, validation when p / n >= 1 - test_fraction - validation_fraction, else train; in the other
   * modes the window follows from the timestamp.
   */
  public static Dataset<Row> labelled(Dataset<Row> events, SplitConfig cfg, Boundaries b) {
    Dataset<Row> inRange = between(events, b.trainStart(), b.end());
    if (cfg.mode() == SplitConfig.Mode.USER_FRACTION) {
      WindowSpec byUser = org.apache.spark.sql.expressions.Window.partitionBy(Schemas.USER_ID);
      Column position = row_number().over(byUser.orderBy(Schemas.TS, Schemas.EVENT_ID)).minus(1)
          .divide(count(lit(1)).over(byUser));
      return inRange.withColumn(SPLIT, when(position.geq(1 - cfg.testFraction()), TEST)
          .when(position.geq(1 - cfg.testFraction() - cfg.validationFraction()), VALIDATION)
          .otherwise(TRAIN));
    }
    Column ts = col(Schemas.TS);
    return inRange.withColumn(SPLIT, when(ts.lt(lit(Timestamp.from(b.validationStart()))), TRAIN)
        .when(ts.lt(lit(Timestamp.from(b.testStart()))), VALIDATION)
        .otherwise(TEST));
  }

  private static Dataset<Row> window(Dataset<Row> labelled, String name) {
    return labelled.where(col(SPLIT).equalTo(name)).drop(SPLIT);
  }

  /** The three windows: pure filters on the timestamp, so the time order holds by construction. */
  public static Splits split(Dataset<Row> events, Boundaries b) {
    return new Splits(between(events, b.trainStart(), b.validationStart()),
        between(events, b.validationStart(), b.testStart()), between(events, b.testStart(), b.end()));
  }

  private static Dataset<Row> between(Dataset<Row> events, Instant from, Instant until) {
    Column ts = col(Schemas.TS);
    return events.where(ts.geq(lit(Timestamp.from(from))).and(ts.lt(lit(Timestamp.from(until)))));
  }

  private static Instant instant(double epochSeconds) {
    return Instant.ofEpochMilli(Math.round(epochSeconds * 1000));
  }

  private static Window window(String name, Instant from, Instant until, Dataset<Row> rows, Dataset<Row> train) {
    Row totals = rows.agg(count(lit(1)), countDistinct(col(Schemas.USER_ID)),
        countDistinct(col(Schemas.ITEM_ID))).first();
    long[] newUsers = unseen(rows, train, Schemas.USER_ID);
    long[] newItems = unseen(rows, train, Schemas.ITEM_ID);
    return new Window(name, from.toString(), until.toString(), totals.getLong(0), totals.getLong(1),
        totals.getLong(2), newUsers[0], newUsers[1], newItems[0], newItems[1]);
  }

  /** {distinct ids of {@code rows} absent from train, events of those ids}. */
  private static long[] unseen(Dataset<Row> rows, Dataset<Row> train, String id) {
    Dataset<Row> fresh = rows.join(train.select(id).distinct(), id, "left_anti");
    Row r = fresh.agg(countDistinct(col(id)), count(lit(1))).first();
    return new long[] {r.getLong(0), r.getLong(1)};
  }
}
