package dev.recsys.pipelines.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.make_timestamp;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import dev.recsys.features.config.RecsysConfig;
import dev.recsys.features.config.StorageConfig;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.Schemas;
import dev.recsys.pipelines.spark.Jobs;
import dev.recsys.pipelines.spark.Sessions;
import dev.recsys.pipelines.spark.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a MovieLens download into a landing batch in recsys' own wire format, so it flows through ingest and
 * validation like any producer's data. Understands the 100K layout ({@code u.data}, {@code u.item},
 * {@code u.user}), the 1M layout ({@code ratings.dat}, {@code movies.dat}, {@code users.dat}) and the
 * latest/25M layout ({@code ratings.csv}, {@code movies.csv}). Ratings become {@code rating} events with a stable
 * id; the first genre is the item's category and all genres its tags; the release year its {@code created_at}.
 */
public final class ImportMovieLensJob {

  private static final Logger LOG = LoggerFactory.getLogger(ImportMovieLensJob.class);
  static final String USAGE = "ImportMovieLensJob --conf <overlays> --source <movielens dir> [--batch <id>]";
  public static final String DEFAULT_BATCH = "movielens";

  /** The ML-100K genre order of the 19 flags in u.item (u.genre repeats it). */
  private static final String[] GENRES_100K = {"unknown", "Action", "Adventure", "Animation", "Children's",
      "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
      "Sci-Fi", "Thriller", "War", "Western"};
  /** MovieLens files predate UTF-8. */
  private static final String LATIN_1 = "ISO-8859-1";

  public enum Layout { ML_100K, ML_1M, ML_LATEST }

  /** Rows written to the landing batch, per feed. */
  public record Result(Layout layout, String batchId, long events, long items, long users) {}

  public static void main(String[] args) throws Exception {
    Jobs.main(USAGE, args, Set.of("conf", "source", "batch"), Set.of(), a -> {
      RecsysConfig cfg = a.config();
      String source = a.required("source");
      String batch = a.get("batch").orElse(DEFAULT_BATCH);
      try (SparkSession spark = Sessions.open("recsys-import-movielens", cfg.spark())) {
        run(spark, cfg.storage(), source, batch);
      }
    });
  }

  public static Result run(SparkSession spark, StorageConfig storage, String source, String batchId) {
    Layout layout = detect(spark, source);
    Dataset<Row> events;
    Dataset<Row> items;
    Dataset<Row> users;
    switch (layout) {
      case ML_100K -> {
        events = ratings(delimited(spark, "\t").load(source + "/u.data"));
        items = items100k(delimited(spark, "|").load(source + "/u.item"));
        users = Tables.pathExists(spark, source + "/u.user")
            ? users(delimited(spark, "|").load(source + "/u.user"), 1, 2, 3)
            : usersFromEvents(events);
      }
      case ML_1M -> {
        events = ratings(delimited(spark, "::").load(source + "/ratings.dat"));
        items = itemsWithYearInTitle(delimited(spark, "::").load(source + "/movies.dat"));
        users = Tables.pathExists(spark, source + "/users.dat")
            ? users(delimited(spark, "::").load(source + "/users.dat"), 2, 1, 3)
            : usersFromEvents(events);
      }
      default -> {
        DataFrameReader csv = spark.read().option("header", "true").option("encoding", "UTF-8");
        events = ratings(csv.csv(source + "/ratings.csv"));
        items = itemsWithYearInTitle(csv.csv(source + "/movies.csv"));
        users = usersFromEvents(events);
      }
    }
    long e = writeLines(events, storage.landingBatch("events", batchId));
    long i = writeLines(items, storage.landingBatch("items", batchId));
    long u = writeLines(users, storage.landingBatch("users", batchId));
    LOG.info("MovieLens {} from {}: {} rating events, {} items, {} users -> landing batch {}",
        layout, source, e, i, u, batchId);
    return new Result(layout, batchId, e, i, u);
  }

  static Layout detect(SparkSession spark, String source) {
    if (Tables.pathExists(spark, source + "/u.data")) {
      return Layout.ML_100K;
    }
    if (Tables.pathExists(spark, source + "/ratings.dat")) {
      return Layout.ML_1M;
    }
    if (Tables.pathExists(spark, source + "/ratings.csv")) {
      return Layout.ML_LATEST;
    }
    throw new IllegalArgumentException("no MovieLens ratings in " + source
        + ": expected u.data (100K), ratings.dat (1M) or ratings.csv (latest/25M)");
  }

  private static DataFrameReader delimited(SparkSession spark, String sep) {
    // No quoting in the old formats: titles contain bare double quotes.
    return spark.read().format("csv").option("sep", sep).option("quote", "\u0000").option("encoding", LATIN_1);
  }

  /** Columns user, item, rating, epoch seconds (by position) -> event columns. */
  static Dataset<Row> ratings(Dataset<Row> raw) {
    String[] c = raw.columns();
    Column user = id(col(c[0]));
    Column item = id(col(c[1]));
    return raw.select(
        concat(lit("ml-"), user, lit("-"), item).as(Schemas.EVENT_ID),
        user.as(Schemas.USER_ID),
        item.as(Schemas.ITEM_ID),
        lit(EventType.RATING.wireName()).as(Schemas.EVENT_TYPE),
        col(c[2]).cast(DataTypes.DoubleType).as(Schemas.RATING),
        isoTs(timestamp_seconds(col(c[3]).cast(DataTypes.LongType))).as(Schemas.TS));
  }

  /** u.item: id|title|release date|video release|url|19 genre flags. */
  static Dataset<Row> items100k(Dataset<Row> raw) {
    String[] c = raw.columns();
    List<Column> flags = new ArrayList<>();
    for (int g = 0; g < GENRES_100K.length; g++) {
      flags.add(when(col(c[5 + g]).equalTo("1"), lit(GENRES_100K[g])));
    }
    Column tags = array_compact(array(flags.toArray(Column[]::new)));
    return items(raw, col(c[0]), col(c[1]), to_timestamp(col(c[2]), "d-MMM-yyyy"), tags);
  }

  /** movies.dat / movies.csv: id, "Title (1995)", Genre|Genre; "(no genres listed)" means none. */
  static Dataset<Row> itemsWithYearInTitle(Dataset<Row> raw) {
    String[] c = raw.columns();
    Column title = col(c[1]);
    Column year = regexp_extract(title, "\\((\\d{4})\\)\\s*$", 1);
    Column created = when(year.notEqual(""),
        make_timestamp(year.cast(DataTypes.IntegerType), lit(1), lit(1), lit(0), lit(0), lit(0)));
    Column tags = filter(split(col(c[2]), "\\|"), g -> g.notEqual("(no genres listed)").and(g.notEqual("")));
    return items(raw, col(c[0]), title, created, tags);
  }

  private static Dataset<Row> items(Dataset<Row> raw, Column id, Column title, Column createdAt, Column tags) {
    return raw.select(id(id).as(Schemas.ITEM_ID), title.as(Schemas.TITLE), isoTs(createdAt).as(Schemas.CREATED_AT),
            tags.as(Schemas.TAGS))
        .withColumn(Schemas.CATEGORY, element_at(col(Schemas.TAGS), 1));
  }

  /** Profiles by column position of age, gender and occupation (u.user and users.dat order them differently). */
  static Dataset<Row> users(Dataset<Row> raw, int agePos, int genderPos, int segmentPos) {
    String[] c = raw.columns();
    return raw.select(
        id(col(c[0])).as(Schemas.USER_ID),
        col(c[agePos]).cast(DataTypes.IntegerType).as(Schemas.AGE),
        lower(col(c[genderPos])).as(Schemas.GENDER),
        col(c[segmentPos]).as(Schemas.SEGMENT));
  }

  /** Bare profiles for sources without a users file: every user id that has a rating. */
  static Dataset<Row> usersFromEvents(Dataset<Row> events) {
    return events.select(Schemas.USER_ID).distinct();
  }

  /** Numeric MovieLens ids as canonical strings ("007" and "7" are the same user). */
  private static Column id(Column raw) {
    return raw.cast(DataTypes.LongType).cast(DataTypes.StringType);
  }

  private static Column isoTs(Column ts) {
    return date_format(ts, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
  }

  /** Writes rows as JSON lines (the landing wire format) and returns how many were written. */
  private static long writeLines(Dataset<Row> rows, String dir) {
    Column[] fields = Arrays.stream(rows.columns()).map(functions::col)
        .toArray(Column[]::new);
    rows.select(to_json(struct(fields)).as("value")).write().mode(SaveMode.Overwrite).text(dir);
    return rows.sparkSession().read().text(dir).count();
  }
}
