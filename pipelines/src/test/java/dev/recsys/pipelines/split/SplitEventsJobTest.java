package dev.recsys.pipelines.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.SplitConfig;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.spark.SparkSchemas;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import dev.recsys.pipelines.validate.ValidateEventsJob;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class SplitEventsJobTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private static final Instant T = ValidateEventsJob.asOf(DAY);

  private Dataset<Row> events(List<Object[]> rows) {
    List<Row> out = new ArrayList<>();
    int n = 0;
    for (Object[] r : rows) {
      out.add(RowFactory.create("e" + n++, r[0], r[1], "click", null, null, Timestamp.from((Instant) r[2]), null,
          null, null));
    }
    return spark.createDataFrame(out, SparkSchemas.of(Schemas.EVENTS));
  }

  /** Events spread unevenly over 200 days, most of them late, with ties on boundary-like instants. */
  private Dataset<Row> uneven() {
    Random rng = new Random(3);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      double u = Math.pow(rng.nextDouble(), 0.3);
      Instant ts = T.minus(200, ChronoUnit.DAYS).plusSeconds((long) (u * 200 * 86_400));
      if (i % 10 == 0) {
        ts = T.minus(14, ChronoUnit.DAYS); // many events exactly on the validation boundary
      }
      rows.add(new Object[] {"u" + rng.nextInt(200), "i" + rng.nextInt(300), ts});
    }
    return events(rows);
  }

  private static void assertTimeOrdered(SplitEventsJob.Splits s) {
    Row train = s.train().agg(max(Schemas.TS)).first();
    Row val = s.validation().agg(min(Schemas.TS), max(Schemas.TS)).first();
    Row test = s.test().agg(min(Schemas.TS)).first();
    assertTrue(train.getTimestamp(0).before(val.getTimestamp(0)), "train < validation: " + train + " " + val);
    assertTrue(val.getTimestamp(1).before(test.getTimestamp(0)), "validation < test: " + val + " " + test);
  }

  @Test
  void daysModeWindowsAreTheConfiguredDaysAndNeverOverlap() {
    Dataset<Row> events = uneven();
    SplitConfig days = cfg.split();
    SplitEventsJob.Boundaries b = SplitEventsJob.boundaries(events, days, DAY);
    assertEquals(T.minus(90, ChronoUnit.DAYS), b.trainStart());
    assertEquals(T.minus(14, ChronoUnit.DAYS), b.validationStart());
    assertEquals(T.minus(7, ChronoUnit.DAYS), b.testStart());
    assertEquals(T, b.end());
    SplitEventsJob.Splits s = SplitEventsJob.split(events, b);
    assertTimeOrdered(s);
    long inWindow = events.where(col(Schemas.TS).geq(Timestamp.from(b.trainStart()))).count();
    assertEquals(inWindow, s.train().count() + s.validation().count() + s.test().count());
    assertTrue(s.validation().where(col(Schemas.TS).equalTo(Timestamp.from(b.validationStart()))).count() >= 300,
        "events on the boundary belong to the later window");
  }

  @Test
  void fractionModeCutsByShareOfEvents() {
    // Without the block of ties, which would move a whole share across a boundary.
    Dataset<Row> events = uneven().where(col(Schemas.TS).notEqual(Timestamp.from(T.minus(14, ChronoUnit.DAYS))));
    SplitConfig fraction = new SplitConfig(SplitConfig.Mode.FRACTION, 90, 14, 7, 0.1, 0.2);
    SplitEventsJob.Boundaries b = SplitEventsJob.boundaries(events, fraction, DAY);
    SplitEventsJob.Splits s = SplitEventsJob.split(events, b);
    assertTimeOrdered(s);
    long n = events.count();
    assertEquals(n, s.train().count() + s.validation().count() + s.test().count(), "every event is in a window");
    assertEquals(0.2, (double) s.test().count() / n, 0.01);
    assertEquals(0.1, (double) s.validation().count() / n, 0.01);
  }

  @Test
  void runWritesTablesAndCountsColdStart() {
    Instant train = T.minus(30, ChronoUnit.DAYS);
    Instant test = T.minus(2, ChronoUnit.DAYS);
    Dataset<Row> clean = events(List.of(
        new Object[] {"u1", "i1", train}, new Object[] {"u2", "i2", train},
        new Object[] {"u1", "i9", test}, new Object[] {"u7", "i1", test}, new Object[] {"u7", "i2", test},
        new Object[] {"u1", "i1", T.minus(10, ChronoUnit.DAYS)}));
    Tables.overwrite(clean, cfg.storage().table(ValidateEventsJob.EVENTS));
    SplitEventsJob.SplitReport r = SplitEventsJob.run(spark, cfg.storage(), cfg.split(), DAY);
    SplitEventsJob.Window testWindow = r.windows().get(2);
    assertEquals(new SplitEventsJob.Window("test", T.minus(7, ChronoUnit.DAYS).toString(), T.toString(), 3, 2, 3,
        1, 2, 1, 1), testWindow);
    assertEquals(2, Tables.read(spark, cfg.storage().table(SplitEventsJob.TRAIN)).count());
    assertEquals(1, Tables.read(spark, cfg.storage().table(SplitEventsJob.VALIDATION)).count());
    assertEquals(3, Tables.read(spark, cfg.storage().table(SplitEventsJob.TEST)).count());
  }
}
