package dev.recsys.pipelines.features;

import dev.recsys.features.spec.ItemAggregates;
import dev.recsys.features.spec.UserAggregates;
import java.util.List;
import org.apache.spark.sql.Row;

/** Reads aggregate columns of Spark rows into the plain records the featurizers take. */
public final class FeatureRows {

  /** The price column's value for items without a price. */
  static final double NO_PRICE = Double.NaN;

  private FeatureRows() {}

  /** A user as of an example row or a snapshot row; {@code categoryCounts} only where the row has them. */
  public static UserAggregates user(Row r) {
    int cc = r.schema().getFieldIndex(FeatureTables.CATEGORY_COUNTS).isDefined()
        ? r.fieldIndex(FeatureTables.CATEGORY_COUNTS) : -1;
    return new UserAggregates(
        r.getLong(r.fieldIndex(FeatureTables.VIEWS)),
        r.getLong(r.fieldIndex(FeatureTables.CLICKS)),
        r.getLong(r.fieldIndex(FeatureTables.CARTS)),
        r.getLong(r.fieldIndex(FeatureTables.PURCHASES)),
        r.getLong(r.fieldIndex(FeatureTables.FAVORITES)),
        r.getLong(r.fieldIndex(FeatureTables.RATINGS)),
        r.getLong(r.fieldIndex(FeatureTables.UNIQUE_ITEMS)),
        r.getLong(r.fieldIndex(FeatureTables.LAST_EVENT_MS)),
        r.getLong(r.fieldIndex(FeatureTables.SPEND_CENTS)) / 100.0,
        cc < 0 ? new float[0] : floats(r.getList(cc)),
        ints(r.getList(r.fieldIndex(FeatureTables.HISTORY))));
  }

  public static ItemAggregates item(Row r) {
    int price = r.fieldIndex(ItemInfo.PRICE);
    int created = r.fieldIndex(ItemInfo.CREATED_MS);
    return new ItemAggregates(
        r.getLong(r.fieldIndex(FeatureTables.ITEM_TOTAL)),
        r.getLong(r.fieldIndex(FeatureTables.ITEM_RECENT)),
        r.getLong(r.fieldIndex(FeatureTables.ITEM_VIEWS)),
        r.getLong(r.fieldIndex(FeatureTables.ITEM_CLICKS)),
        r.getLong(r.fieldIndex(FeatureTables.ITEM_PURCHASES)),
        r.isNullAt(created) ? ItemAggregates.UNKNOWN_CREATED : r.getLong(created),
        r.getInt(r.fieldIndex(FeatureTables.CATEGORY_IDX)),
        r.isNullAt(price) ? NO_PRICE : r.getDouble(price),
        ints(r.getList(r.fieldIndex(ItemInfo.TOKENS))));
  }

  public static int[] ints(List<Object> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).intValue();
    }
    return out;
  }

  static float[] floats(List<Object> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).floatValue();
    }
    return out;
  }
}
