package dev.recsys.features.config;

import java.io.Serializable;

/**
 * How the export job builds and publishes model bundles.
 *
 * @param bundlesRoot local or shared POSIX directory holding the bundles and their {@code CURRENT} pointer
 * @param keep how many bundles to keep after a publish (the current one is always kept)
 * @param indexFactory FAISS {@code index_factory} string: {@code Flat}, {@code IVF{nlist},Flat} or {@code HNSW{M}}
 * @param nprobe inverted lists an IVF search visits; ignored by other index types
 * @param efSearch HNSW search queue size, at least {@code recallK}; ignored by other index types
 * @param recallK the K of the recall@K the index must reach against exact search
 * @param recallSample how many user vectors the recall is measured on
 * @param recallFloor the recall@K below which nothing is published
 * @param popularityTop length of each popularity list
 * @param recentDays the window of the recent popularity lists, in days before the run date
 * @param batchSize rows per ONNX call when embedding the catalog
 */
public record ExportConfig(
    String bundlesRoot,
    int keep,
    String indexFactory,
    int nprobe,
    int efSearch,
    int recallK,
    int recallSample,
    double recallFloor,
    int popularityTop,
    int recentDays,
    int batchSize) implements Serializable {

  public ExportConfig {
    Check.nonBlank("export.bundles_root", bundlesRoot);
    Check.positive("export.keep", keep);
    Check.nonBlank("export.index_factory", indexFactory);
    Check.positive("export.nprobe", nprobe);
    Check.positive("export.recall_k", recallK);
    Check.positive("export.recall_sample", recallSample);
    if (efSearch < recallK) {
      throw new IllegalArgumentException("export.ef_search must be >= export.recall_k, got " + efSearch + " < "
          + recallK);
    }
    if (!(recallFloor >= 0)) {
      throw new IllegalArgumentException("export.recall_floor must be >= 0, got " + recallFloor);
    }
    Check.positive("export.popularity_top", popularityTop);
    Check.positive("export.recent_days", recentDays);
    Check.positive("export.batch_size", batchSize);
  }

  /** Returns these settings with the bundles under {@code root}. */
  public ExportConfig withBundlesRoot(String root) {
    return new ExportConfig(root, keep, indexFactory, nprobe, efSearch, recallK, recallSample, recallFloor,
        popularityTop, recentDays, batchSize);
  }
}
