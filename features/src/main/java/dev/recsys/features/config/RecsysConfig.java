package dev.recsys.features.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The whole configuration, read once from {@code conf/base.yaml} plus overlays by {@link ConfigLoader}.
 * Functions take the narrowest sub-record they need.
 */
public record RecsysConfig(
    StorageConfig storage,
    SparkSettings spark,
    GeneratorConfig generator,
    ValidationConfig validation,
    SplitConfig split,
    FeaturesConfig features,
    TrainingConfig training,
    ExportConfig export,
    ServingConfig serving,
    RefreshConfig refresh) implements Serializable {

  public RecsysConfig {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(serving, "serving");
    Objects.requireNonNull(refresh, "refresh");
  }

  public RecsysConfig withStorage(StorageConfig storage) {
    return new RecsysConfig(storage, spark, generator, validation, split, features, training, export, serving, refresh);
  }

  public RecsysConfig withGenerator(GeneratorConfig generator) {
    return new RecsysConfig(storage, spark, generator, validation, split, features, training, export, serving, refresh);
  }

  public RecsysConfig withValidation(ValidationConfig validation) {
    return new RecsysConfig(storage, spark, generator, validation, split, features, training, export, serving, refresh);
  }

  public RecsysConfig withSplit(SplitConfig split) {
    return new RecsysConfig(storage, spark, generator, validation, split, features, training, export, serving, refresh);
  }

  public RecsysConfig withTraining(TrainingConfig training) {
    return new RecsysConfig(storage, spark, generator, validation, split, features, training, export, serving, refresh);
  }

  public RecsysConfig withExport(ExportConfig export) {
    return new RecsysConfig(storage, spark, generator, validation, split, features, training, export, serving, refresh);
  }
}
