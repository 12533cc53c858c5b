package dev.recsys.pipelines.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.spark.SparkTestBase;
import dev.recsys.pipelines.spark.Tables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ImportMovieLensJobTest extends SparkTestBase {

  private static final Path ML_100K = Path.of(System.getProperty("recsys.repo.root", ".."))
      .resolve("../shared/data/ml-100k").normalize();
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  @Test
  void ml100kGivesAllRatingsUsersAndItems() {
    assumeTrue(Files.exists(ML_100K.resolve("u.data")), "MovieLens 100K not present at " + ML_100K);
    var imported = ImportMovieLensJob.run(spark, cfg.storage(), ML_100K.toString(), "ml");
    assertEquals(ImportMovieLensJob.Layout.ML_100K, imported.layout());
    IngestEventsJob.run(spark, cfg.storage(), DAY, "ml");
    var bronze = Tables.read(spark, cfg.storage().table(IngestEventsJob.BRONZE_EVENTS));
    assertEquals(100_000, bronze.count());
    assertEquals(0, bronze.filter(col(IngestEventsJob.PARSE_ERROR).isNotNull()).count());
    assertEquals(943, bronze.select(Schemas.USER_ID).distinct().count());
    assertEquals(1_682, Tables.read(spark, cfg.storage().table(IngestEventsJob.ITEMS)).count());
    assertEquals(943, Tables.read(spark, cfg.storage().table(IngestEventsJob.USERS)).count());
    Row toyStory = Tables.read(spark, cfg.storage().table(IngestEventsJob.ITEMS))
        .filter(col(Schemas.ITEM_ID).equalTo("1")).first();
    assertEquals("Animation", toyStory.getAs(Schemas.CATEGORY));
    assertEquals(List.of("Animation", "Children's", "Comedy"), toyStory.getList(toyStory.fieldIndex(Schemas.TAGS)));
  }

  @Test
  void readsThe1mLayout() throws Exception {
    Path dir = tmp.resolve("ml-1m");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
    Files.write(dir.resolve("movies.dat"),
        "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(dir.resolve("users.dat"), "1::F::1::10::48067\n2::M::56::16::70072\n");
    var r = ImportMovieLensJob.run(spark, cfg.storage(), dir.toString(), "m1");
    assertEquals(new ImportMovieLensJob.Result(ImportMovieLensJob.Layout.ML_1M, "m1", 3, 2, 2), r);
    IngestEventsJob.run(spark, cfg.storage(), DAY, "m1");
    Row peach = Tables.read(spark, cfg.storage().table(IngestEventsJob.ITEMS))
        .filter(col(Schemas.ITEM_ID).equalTo("661")).first();
    assertEquals("Animation", peach.getAs(Schemas.CATEGORY));
    assertEquals("1996-01-01 00:00:00.0", peach.getAs(Schemas.CREATED_AT).toString());
    Row user = Tables.read(spark, cfg.storage().table(IngestEventsJob.USERS))
        .filter(col(Schemas.USER_ID).equalTo("2")).first();
    assertEquals("m", user.getAs(Schemas.GENDER));
    assertEquals(56, (int) user.getAs(Schemas.AGE));
  }

  @Test
  void readsTheLatestCsvLayout() throws Exception {
    Path dir = tmp.resolve("ml-latest");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ratings.csv"),
        "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n5,1,3.5,847434962\n");
    Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
        + "3,\"American President, The (1995)\",(no genres listed)\n");
    var r = ImportMovieLensJob.run(spark, cfg.storage(), dir.toString(), "lt");
    assertEquals(new ImportMovieLensJob.Result(ImportMovieLensJob.Layout.ML_LATEST, "lt", 3, 2, 2), r);
    IngestEventsJob.run(spark, cfg.storage(), DAY, "lt");
    var bronze = Tables.read(spark, cfg.storage().table(IngestEventsJob.BRONZE_EVENTS));
    Row e = bronze.filter(col(Schemas.EVENT_ID).equalTo("ml-1-3")).first();
    assertEquals("4.5", e.getAs(Schemas.RATING));
    assertEquals("2000-07-30T18:20:47.000Z", e.getAs(Schemas.TS));
    Row president = Tables.read(spark, cfg.storage().table(IngestEventsJob.ITEMS))
        .filter(col(Schemas.ITEM_ID).equalTo("3")).first();
    assertEquals("American President, The (1995)", president.getAs(Schemas.TITLE));
    assertEquals(List.of(), president.getList(president.fieldIndex(Schemas.TAGS)));
  }
}
