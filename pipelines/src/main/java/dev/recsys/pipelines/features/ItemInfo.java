package dev.recsys.pipelines.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.recsys.features.schema.Schemas;
import dev.recsys.features.spec.FeatureArtifacts;
import dev.recsys.features.spec.Tokens;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.spark.Numbering;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per catalog item, what features need besides interactions: vocabulary index, category index, creation time,
 * price and content token indexes (tokenised by the same Java code the server would use).
 */
public final class ItemInfo {

  public static final String CREATED_MS = "created_ms";
  public static final String PRICE = Schemas.PRICE;
  public static final String TOKENS = "tokens";

  public static final StructType SCHEMA = new StructType()
      .add(Schemas.ITEM_ID, DataTypes.StringType, false)
      .add(Schemas.CATEGORY, DataTypes.StringType, true)
      .add(FeatureTables.CATEGORY_IDX, DataTypes.IntegerType, false)
      .add(CREATED_MS, DataTypes.LongType, true)
      .add(PRICE, DataTypes.DoubleType, true)
      .add(TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  private ItemInfo() {}

  /**
   * Builds item info from the catalog (columns of {@code Schemas.ITEMS}) and the item vocabulary
   * ({@code item_id, item_idx}); items outside the vocabulary get index 1. {@code item_row} numbers the items in
   * id order from 0: their rows in the items snapshot and their ids in the ANN index.
   */
  public static Dataset<Row> of(Dataset<Row> catalog, Dataset<Row> itemVocab, FeatureArtifacts artifacts) {
    Vocabulary categories = artifacts.categories();
    Vocabulary tokens = artifacts.tokens();
    int maxTokens = artifacts.tokenLength();
    MapPartitionsFunction<Row, Row> info = rows -> {
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String title = r.getAs(Schemas.TITLE);
        List<String> tags = r.isNullAt(r.fieldIndex(Schemas.TAGS)) ? List.of() : r.getList(r.fieldIndex(Schemas.TAGS));
        int[] tokenIdx = Tokens.indexes(Tokens.of(title, tags), tokens, maxTokens);
        java.sql.Timestamp created = r.getAs(Schemas.CREATED_AT);
        Double price = r.getAs(Schemas.PRICE);
        Integer[] boxed = new Integer[tokenIdx.length];
        for (int i = 0; i < tokenIdx.length; i++) {
          boxed[i] = tokenIdx[i];
        }
        String category = r.getAs(Schemas.CATEGORY);
        out.add(RowFactory.create(r.getAs(Schemas.ITEM_ID), category, categories.index(category),
            created == null ? null : created.getTime(), price, boxed));
      }
      return out.iterator();
    };
    Dataset<Row> base = catalog.mapPartitions(info, Encoders.row(SCHEMA));
    return Numbering.inOrder(base.join(itemVocab, Schemas.ITEM_ID, "left")
        .withColumn(FeatureTables.ITEM_IDX, coalesce(col(FeatureTables.ITEM_IDX), lit(Vocabulary.OOV))),
        Schemas.ITEM_ID, FeatureTables.ITEM_ROW, 0);
  }

  /** Token frequencies over the catalog: the input for fitting the token vocabulary. */
  public static Dataset<Row> tokenCounts(Dataset<Row> catalog) {
    MapPartitionsFunction<Row, String> tokenize = rows -> {
      List<String> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        List<String> tags = r.isNullAt(r.fieldIndex(Schemas.TAGS)) ? List.of() : r.getList(r.fieldIndex(Schemas.TAGS));
        out.addAll(Tokens.of(r.getAs(Schemas.TITLE), tags));
      }
      return out.iterator();
    };
    return catalog.mapPartitions(tokenize, Encoders.STRING()).toDF("token").groupBy("token").count();
  }
}
