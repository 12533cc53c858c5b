package dev.recsys.pipelines.refresh;

import dev.recsys.export.bundle.Bundle;
import dev.recsys.export.bundle.BundleLayout;
import dev.recsys.export.bundle.BundleMetadata;
import dev.recsys.export.bundle.BundleWriter;
import dev.recsys.export.bundle.IndexRows;
import dev.recsys.export.bundle.Manifest;
import dev.recsys.export.faiss.FaissIndex;
import dev.recsys.features.snapshot.ColumnSpec;
import dev.recsys.features.snapshot.Snapshot;
import dev.recsys.features.snapshot.SnapshotWriter;
import dev.recsys.features.spec.FeatureSnapshots;
import dev.recsys.features.spec.Vocabulary;
import dev.recsys.pipelines.features.SnapshotExport;
import dev.recsys.pipelines.train.ServedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Writes a refreshed bundle from the current one: the users and items a slice touched get the aggregates Spark
 * recomputed as of the slice's end, new items are added at their place in id order with the vectors the current
 * item tower gave them, and the parent's FAISS index gets those vectors appended (FAISS ids keep their vectors;
 * {@link IndexRows} maps every id to its new row). Models, feature artifacts and popularity lists are the
 * parent's. Everything else is copied row by row from the parent's snapshots, with item rows in histories
 * renumbered.
 */
public final class IncrementalBundle {

  /** Ids in the snapshots' order: UTF-8 bytes compared unsigned (see {@link Snapshot}). */
  static final Comparator<String> ID_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /**
   * The item order after a refresh: every item id, where each parent row went, and the parent row of each new
   * row (-1 for an added item).
   */
  record ItemOrder(String[] ids, int[] parentToNew, int[] newToParent, int added) {

    /** Returns the order of the parent's items (sorted) plus {@code newIds} (not in the parent). */
    static ItemOrder of(Snapshot parent, List<String> newIds) {
      List<String> sortedNew = new ArrayList<>(newIds);
      sortedNew.sort(ID_ORDER);
      int n = parent.rows();
      String[] ids = new String[n + sortedNew.size()];
      int[] parentToNew = new int[n];
      int p = 0;
      int q = 0;
      for (int r = 0; r < ids.length; r++) {
        if (q < sortedNew.size() && (p == n || ID_ORDER.compare(sortedNew.get(q), parent.id(p)) < 0)) {
          ids[r] = sortedNew.get(q++);
        } else {
          parentToNew[p] = r;
          ids[r] = parent.id(p++);
        }
      }
      int[] newToParent = new int[ids.length];
      Arrays.fill(newToParent, -1);
      for (int r = 0; r < n; r++) {
        newToParent[parentToNew[r]] = r;
      }
      return new ItemOrder(ids, parentToNew, newToParent, sortedNew.size());
    }
  }

  /** What the refresh recomputed: rows of the {@code features_users}/{@code features_items} shape, by id. */
  record Updates(Map<String, Row> users, Map<String, Row> items, Map<String, float[]> newVectors) {}

  /** Counts of what changed, for the manifest and the job's summary. */
  public record Changes(int usersUpdated, int usersAdded, int itemsUpdated, int itemsAdded) {}

  private IncrementalBundle() {}

  /**
   * Stages the refreshed bundle's files in {@code w}: snapshots as of {@code asOfMs}, vectors, index, index rows,
   * and the parent's other files. Returns the counts of changed rows.
   */
  static Changes stage(Bundle parent, ItemOrder order, Updates updates, long asOfMs, BundleWriter w)
      throws IOException {
    Map<String, String> meta;
    int usersUpdated;
    int usersAdded;
    try (Snapshot users = Snapshot.open(parent.file(BundleLayout.USERS));
        Snapshot items = Snapshot.open(parent.file(BundleLayout.ITEMS));
        Snapshot vectors = Snapshot.open(parent.file(BundleLayout.ITEM_VECTORS))) {
      meta = new HashMap<>(users.metadata());
      meta.put(FeatureSnapshots.AS_OF_MS, Long.toString(asOfMs));
      int[] added = writeUsers(users, order, updates.users(), meta, w.file(BundleLayout.USERS));
      usersUpdated = added[0];
      usersAdded = added[1];
      writeItems(items, order, updates.items(), meta, w.file(BundleLayout.ITEMS));
      float[] appended = writeVectors(vectors, order, updates.newVectors(), meta, w.file(BundleLayout.ITEM_VECTORS));
      writeIndex(parent, items.rows(), order, appended, w);
    }
    for (String file : List.of(BundleLayout.ARTIFACTS, BundleLayout.USER_TOWER, BundleLayout.ITEM_TOWER,
        BundleLayout.RANKER, BundleLayout.POPULARITY)) {
      w.copy(parent.file(file), file);
    }
    return new Changes(usersUpdated, usersAdded, updates.items().size() - order.added(), order.added());
  }

  /** The parent's metadata with this refresh as the source run and the index's new size. */
  static BundleMetadata metadata(Manifest parent, Map<String, Object> refresh, long indexSize) {
    Map<String, Object> source = new LinkedHashMap<>(refresh);
    source.put("parent", parent.version());
    source.put(ServedModel.PARENT_SOURCE_RUN, parent.sourceRun());
    Map<String, Object> index = new LinkedHashMap<>(parent.index());
    index.put("size", indexSize);
    index.put("recall_measured_on", "the parent bundle " + parent.version() + "; refreshed items were appended");
    return new BundleMetadata(source, parent.featureSets(), parent.models(), parent.metrics(), index);
  }

  /** Returns {updated, added}. */
  private static int[] writeUsers(Snapshot parent, ItemOrder order, Map<String, Row> updated,
      Map<String, String> meta, Path file) throws IOException {
    List<String> touched = new ArrayList<>(updated.keySet());
    touched.sort(ID_ORDER);
    List<ColumnSpec> columns = parent.columns();
    int categories = parent.vectorColumn(FeatureSnapshots.CATEGORY_COUNTS).dim();
    int added = 0;
    try (SnapshotWriter out = SnapshotWriter.create(file, parent.entity(), columns, meta)) {
      int p = 0;
      int q = 0;
      while (p < parent.rows() || q < touched.size()) {
        int c = p == parent.rows() ? 1 : q == touched.size() ? -1 : ID_ORDER.compare(parent.id(p), touched.get(q));
        if (c < 0) {
          Object[] values = copy(parent, p, columns);
          values[columnOf(columns, FeatureSnapshots.SEEN_ROWS)] =
              renumber(parent.getIntList(FeatureSnapshots.SEEN_ROWS, p), order.parentToNew());
          out.append(parent.id(p++), values);
        } else {
          String id = touched.get(q++);
          int userIdx = Vocabulary.OOV;
          if (c == 0) {
            userIdx = parent.getInt(FeatureSnapshots.USER_IDX, p++);
          } else {
            added++;
          }
          out.append(id, SnapshotExport.userValues(updated.get(id), userIdx, categories));
        }
      }
    }
    return new int[] {touched.size() - added, added};
  }

  private static void writeItems(Snapshot parent, ItemOrder order, Map<String, Row> updated,
      Map<String, String> meta, Path file) throws IOException {
    List<ColumnSpec> columns = parent.columns();
    int[] newToParent = order.newToParent();
    try (SnapshotWriter out = SnapshotWriter.create(file, parent.entity(), columns, meta)) {
      for (int r = 0; r < order.ids().length; r++) {
        String id = order.ids()[r];
        Row row = updated.get(id);
        if (row != null) {
          out.append(id, SnapshotExport.itemValues(row));
        } else if (newToParent[r] >= 0) {
          out.append(id, copy(parent, newToParent[r], columns));
        } else {
          throw new IllegalStateException("new item " + id + " has no recomputed row");
        }
      }
    }
  }

  /** Writes the vectors in the new row order; returns the new items' vectors in row order (for the index). */
  private static float[] writeVectors(Snapshot parent, ItemOrder order, Map<String, float[]> newVectors,
      Map<String, String> meta, Path file) throws IOException {
    int dim = parent.vectorColumn(BundleLayout.VECTOR_COLUMN).dim();
    int[] newToParent = order.newToParent();
    float[] appended = new float[order.added() * dim];
    int a = 0;
    try (SnapshotWriter out = SnapshotWriter.create(file, parent.entity(), parent.columns(), meta)) {
      for (int r = 0; r < order.ids().length; r++) {
        String id = order.ids()[r];
        float[] v;
        if (newToParent[r] >= 0) {
          v = parent.getVector(BundleLayout.VECTOR_COLUMN, newToParent[r]);
        } else {
          v = newVectors.get(id);
          if (v == null || v.length != dim) {
            throw new IllegalStateException("new item " + id + " has " + (v == null ? "no vector" : "a vector of dim "
                + v.length) + "; the index has dim " + dim);
          }
          System.arraycopy(v, 0, appended, a++ * dim, dim);
        }
        out.append(id, (Object) v);
      }
    }
    return appended;
  }

  /** Appends the new vectors to a copy of the parent's index and writes the row of every index id. */
  private static void writeIndex(Bundle parent, int parentItems, ItemOrder order, float[] appended, BundleWriter w)
      throws IOException {
    int[] parentRows = parent.indexRows(parentItems);
    int[] rows = new int[order.ids().length];
    for (int id = 0; id < parentRows.length; id++) {
      rows[id] = order.parentToNew()[parentRows[id]];
    }
    int next = parentRows.length;
    int[] newToParent = order.newToParent();
    for (int r = 0; r < rows.length; r++) {
      if (newToParent[r] < 0) {
        rows[next++] = r;
      }
    }
    try (FaissIndex index = FaissIndex.read(parent.file(BundleLayout.INDEX))) {
      if (appended.length > 0) {
        index.add(appended);
      }
      if (index.ntotal() != rows.length) {
        throw new IllegalStateException("refreshed index holds " + index.ntotal() + " vectors for " + rows.length
            + " items");
      }
      index.write(w.file(BundleLayout.INDEX));
    }
    IndexRows.write(w.file(BundleLayout.INDEX_ROWS), rows);
  }

  private static int[] renumber(int[] parentRows, int[] parentToNew) {
    int[] out = new int[parentRows.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = parentToNew[parentRows[i]];
    }
    return out;
  }

  private static int columnOf(List<ColumnSpec> columns, String name) {
    for (int c = 0; c < columns.size(); c++) {
      if (columns.get(c).name().equals(name)) {
        return c;
      }
    }
    throw new IllegalStateException("snapshot has no column " + name + "; columns: " + columns);
  }

  /** Returns a row's values as {@link SnapshotWriter#append} takes them. */
  private static Object[] copy(Snapshot s, int row, List<ColumnSpec> columns) {
    Object[] values = new Object[columns.size()];
    for (int c = 0; c < values.length; c++) {
      String name = columns.get(c).name();
      values[c] = switch (columns.get(c).kind()) {
        case FLOAT -> s.getFloat(name, row);
        case INT -> s.getInt(name, row);
        case LONG -> s.getLong(name, row);
        case FLOAT_VECTOR -> s.getVector(name, row);
        case INT_LIST -> s.getIntList(name, row);
        case STRING -> s.getString(name, row);
      };
    }
    return values;
  }
}
