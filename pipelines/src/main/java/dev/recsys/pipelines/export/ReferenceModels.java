package dev.recsys.pipelines.export;

import dev.recsys.features.spec.ModelInputs;
import java.util.List;
import java.util.Map;

/**
 * A second implementation of the three exported models (the trained DJL models, {@link DjlReference}), which the
 * export job compares ONNX Runtime against on real rows before it publishes.
 */
public interface ReferenceModels {

  /** Returns what the reference is, for the manifest ({@code djl}). */
  String name();

  /** Returns the user vectors of {@code users}, row-major [n, D]. */
  float[] userVectors(List<ModelInputs.UserTower> users);

  /** Returns the item vectors of {@code items}, row-major [n, D]. */
  float[] itemVectors(List<ModelInputs.ItemTower> items);

  /** Returns the ranker's probabilities of {@code rows} by output name ({@code click_prob}, ...). */
  Map<String, float[]> rank(List<ModelInputs.Ranking> rows);
}
